"""Full-text search: words found in any of their forms, on both engines alike; what a person may not read is never
found, counted or shown; the index follows every change in the change's own transaction and can be rebuilt."""

import string

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secretariat.archive import selectors as archive
from secretariat.audit.models import AuditEvent
from secretariat.kernel.principals import principal_by_username
from secretariat.registry import selectors as registry
from secretariat.registry.models import Document
from secretariat.search import services
from secretariat.search.models import Entry
from secretariat.search.selectors import Ranked, matching
from secretariat.search.text import query_terms, snippet, stem, stems

STAFF = Entry.Scope.STAFF
ROOM = Entry.Scope.READING_ROOM


def test_words_are_found_in_any_of_their_forms_in_english_and_russian():
    assert stem("ambassadors") == stem("Ambassador") == stem("AMBASSADOR’S".replace("’S", ""))
    assert stem("Политбюро") == stem("ПОЛИТБЮРО") == stem("политбюро")
    assert stem("решения") == stem("решение") and stem("ёлка") == stem("елка")
    assert stems("про\u00adект P46/X 1977") == "проект p46 x 1977"  # a soft hyphen splits nothing
    assert query_terms('Vance "as instructed" «Политбюро ЦК»') == [
        (stem("as"), stem("instructed")),
        (stem("Политбюро"), stem("ЦК")),
        (stem("Vance"),),
    ]


WORDS = st.text(alphabet=string.ascii_lowercase + "абвгдежзиклмнопрстуфхцчшщыэюя", min_size=3, max_size=9)


@given(st.lists(WORDS, min_size=1, max_size=40), st.data())
def test_a_passage_marks_the_words_asked_for_and_only_those(words, data):
    text = " ".join(words)
    asked = data.draw(st.sampled_from(words))
    parts = snippet(text, [stem(asked)])
    assert "".join(part for part, _hit in parts).replace("…", "").strip() in text.replace("…", "")
    marked = [part for part, hit in parts if hit]
    assert marked and all(stem(part) == stem(asked) for part in marked)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.lists(WORDS, min_size=1, max_size=12), min_size=1, max_size=8), data=st.data())
def test_the_index_finds_exactly_the_things_holding_every_word(texts, data):
    """Against an oracle: the things whose stems include every stem asked for, on this engine's index."""
    Entry.objects.all().delete()
    for key, words in enumerate(texts, start=1):  # each entry's own pk is its key, so Entry rows are the things
        Entry.objects.create(pk=key, scope=STAFF, key=key, stems=stems(" ".join(words)))
    vocabulary = sorted({w for words in texts for w in words})
    asked = data.draw(st.lists(st.sampled_from(vocabulary + ["zzzz"]), min_size=1, max_size=3))
    expected = {key for key, words in enumerate(texts, start=1) if {stem(a) for a in asked} <= {stem(w) for w in words}}
    found = matching(Entry.objects.filter(scope=STAFF), STAFF, " ".join(asked)).values_list("key", flat=True)
    assert set(found) == expected


@pytest.mark.django_db
def test_more_occurrences_rank_first_and_a_phrase_must_stand_together():
    for key, text in enumerate(
        [
            "the ambassador met the minister",
            "ambassador ambassador: the ambassadors met; the ambassador reported",
            "the minister met the ambassador",
        ],
        start=1,
    ):  # each entry's own pk is its key, so Entry rows are the things found
        Entry.objects.create(pk=key, scope=STAFF, key=key, stems=stems(text))
    rows = Entry.objects.filter(scope=STAFF)
    ranked = Ranked(matching(rows, STAFF, "ambassador"), STAFF, "ambassador")
    assert len(ranked) == 3 and ranked[0:1][0].key == 2
    assert list(matching(rows, STAFF, '"minister met"').values_list("key", flat=True)) == [3]


@pytest.mark.django_db
def test_an_index_change_is_undone_with_its_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        services.index(STAFF, 7, "a paper whose registration fails")
        raise RuntimeError("the service refused after indexing")
    assert not Entry.objects.filter(scope=STAFF, key=7).exists()
    assert list(matching(Entry.objects.all(), STAFF, "registration")) == []


def test_staff_search_finds_only_what_the_principal_may_read_and_audits_each_passage_shown(demo):
    gromyko, ponomarev = principal_by_username("gromyko"), principal_by_username("ponomarev")
    readable = set(registry.documents(ponomarev).values_list("pk", flat=True))
    everything = set(Document.objects.values_list("pk", flat=True))
    assert readable < everything  # there is something Ponomarev may not read
    word = "Vance"
    for principal in (gromyko, ponomarev):
        found = registry.papers_found(principal, word)
        allowed = set(registry.documents(principal).values_list("pk", flat=True))
        assert set(found.values_list("pk", flat=True)) <= allowed
        counted = sum(n for _kind, n in registry.found_by_kind_and_level(found)["kind"])
        assert counted == found.count()  # facets counted over readable rows alone
    found = list(registry.ranked_papers(registry.papers_found(gromyko, word), word)[0:20])
    assert found, "the reference case's papers mention Vance"
    before = AuditEvent.objects.count()
    shown = registry.passages(gromyko, found, word)
    assert all(any(hit for _part, hit in p.parts) for p in shown)
    classified = [d for d in found if registry.is_classified(d)]
    assert classified and len(classified) < len(found)  # the public announcement's words are no secret
    reads = AuditEvent.objects.filter(action="document.read").order_by("-seq")[: len(classified)]
    assert AuditEvent.objects.count() == before + len(classified)
    assert all(e.data.get("through") == "search" for e in reads)


def test_a_withheld_word_is_never_found_counted_or_shown_in_the_reading_room(demo):
    """The demo publishes the extract with 'Pressel' withheld (see the reference case): searching for it finds
    nothing, its count is nought, and no facet counts it."""
    published = archive.published_items("")
    assert published.count() >= 1
    withheld = [phrase for phrase in archive.withheld_phrases().values()]
    assert withheld, "the demo withholds a phrase"
    for phrase in withheld:
        found = archive.published_items(f'"{phrase}"')
        assert found.count() == 0, phrase
        assert all(n == 0 for facet in archive.facets(found).values() for _value, n in facet)


def test_reindex_rebuilds_each_scope_and_drops_what_its_source_no_longer_holds(demo):
    before = {scope: set(Entry.objects.filter(scope=scope).values_list("key", "stems")) for scope in (STAFF, ROOM)}
    Entry.objects.filter(scope=STAFF).delete()
    services.index(ROOM, 987654, "a stale entry of an item long withdrawn")
    told = []
    assert services.reindex(STAFF, progress=told.append) == Document.objects.count()
    assert sum(told) == Document.objects.count()
    services.reindex(ROOM)
    after = {scope: set(Entry.objects.filter(scope=scope).values_list("key", "stems")) for scope in (STAFF, ROOM)}
    assert after == before


def test_an_upgraded_installation_finds_what_it_held_before_the_index(demo):
    """Migration 0002 indexes every published item and paper once, as `search reindex` does."""
    from importlib import import_module

    from django.apps import apps

    upgraded = Entry.objects.exclude(scope=Entry.Scope.SCANS)  # scans came later (0003), each indexed as read
    before = set(upgraded.values_list("scope", "key", "stems"))
    upgraded.delete()
    import_module("secretariat.search.migrations.0002_index_what_is_there").index_what_is_there(apps, None)
    assert set(upgraded.values_list("scope", "key", "stems")) == before
