"""Declassification: instructions, the sweep by the clock, reviews, redactions, publication."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from secretariat.accounts import services as accounts
from secretariat.archive import selectors, services
from secretariat.archive.models import Annotation, Item, Review
from secretariat.archive.services import Span
from secretariat.audit.models import AuditEvent
from secretariat.kernel import clock
from secretariat.kernel.classification import Level
from secretariat.kernel.errors import InvalidInput, NotFound, Refused
from secretariat.kernel.principals import principal_by_username
from secretariat.kernel.restriction import Action
from tests import grants
from tests.archive.steps import EXTRACT, event_review, sweep, transfer

pytestmark = pytest.mark.demo(archive=False)  # CASE-1 closed, not yet transferred

CABLE = "TsKhSD/89/25/45"


@pytest.fixture
def archive(archivist):
    transfer(archivist)
    return archivist


def test_an_item_due_by_date_alone_declassifies_itself_a_restricted_one_waits_for_a_reviewer(archive):
    with clock.frozen("1993-01-01T10:00:00+00:00"):
        services.set_instruction(
            archive, CABLE, kind="exemption", review_on=dt.date(1994, 1, 1), exemption="foreign relations"
        )
    assert sweep("1993-12-31") == services.Sweep([], [])
    (exempt,) = sweep("1994-01-01").opened  # exempt: due for a reviewer on its review date, never automatic
    assert selectors.reference(exempt.item) == CABLE and exempt.due_on == dt.date(1994, 1, 1)
    assert sweep("2007-02-17") == services.Sweep([], [])
    swept = sweep("2007-03-01")  # 30 years after 18 February 1977 for the extract and the report
    assert {selectors.reference(i) for i in swept.declassified} == {EXTRACT, "TsKhSD/89/25/46"}
    release = selectors.item(archive, "TsKhSD/89/25/47")  # unclassified: nothing was left to declassify
    assert release.declassified_at.date() == dt.date(1992, 6, 1) and release.review_on is None
    assert swept.opened == []
    extract = selectors.item(archive, EXTRACT)
    assert extract.level == Level.UNCLASSIFIED and extract.marked_level == Level.TOP_SECRET
    assert extract.published_at is None  # declassified is not yet published
    assert sweep("2007-03-02").opened == []  # a review pending is not opened twice


def test_a_caveat_as_marked_is_a_restricted_category(archive):
    special = accounts.add_compartment(principal_by_username("admin"), "SPECIAL FILE")
    Item.objects.get(identifier="44").marked_compartments.add(special)
    swept = sweep("2007-03-01")
    assert EXTRACT in [selectors.reference(r.item) for r in swept.opened]
    assert EXTRACT not in [selectors.reference(i) for i in swept.declassified]


def test_a_review_with_one_redaction_publishes_the_text_with_a_marked_blank(archive):
    event_review(archive)
    item = selectors.item(archive, EXTRACT)
    (span,) = selectors.spans_of(item.text, "Kosygin")
    with clock.frozen("1994-03-31T10:00:00+03:00"):
        review = services.decide_review(
            archive, EXTRACT, "redact", redactions=[Span(*span, "PRIVACY")], note="a living person"
        )
        services.publish(archive, EXTRACT)
    assert (review.reviewer, review.outcome, review.level_after) == (archive, "redact", Level.UNCLASSIFIED)
    published = selectors.public_item("tskhsd-89-25-44")
    text = published.plain_text()
    assert (
        "Kosygin" not in text
        and "[REDACTED: PRIVACY]" in text
        and "Brezhnev, Podgorny, [REDACTED: PRIVACY], Andropov" in text
    )
    assert published.citation == "TsKhSD, f. 89, op. 25, d. 44, 7 sheets"
    event = AuditEvent.objects.get(action="archive.reviewed")
    assert event.actor == archive and event.data["redactions"] == [
        {"start": span[0], "end": span[1], "reason": "PRIVACY"}
    ]


def test_refusals_change_nothing(archive):
    review = event_review(archive)
    item = selectors.item(archive, EXTRACT)
    head = AuditEvent.objects.count()
    cases = [
        (Refused, dict(outcome="downgrade", level="UNCLASSIFIED", next_review_on=dt.date(2000, 1, 1))),
        (Refused, dict(outcome="downgrade", level="TOP SECRET", next_review_on=dt.date(2000, 1, 1))),
        (InvalidInput, dict(outcome="keep")),
        (InvalidInput, dict(outcome="redact")),
        (InvalidInput, dict(outcome="redact", redactions=[Span(0, len(item.text) + 1, "PRIVACY")])),
        (InvalidInput, dict(outcome="redact", redactions=[Span(0, 5, "GOSSIP")])),
        (InvalidInput, dict(outcome="redact", redactions=[Span(0, 5, "PRIVACY"), Span(3, 8, "PRIVACY")])),
        (InvalidInput, dict(outcome="declassify", redactions=[Span(0, 5, "PRIVACY")])),
    ]
    with clock.frozen("1994-03-31T10:00:00+03:00"):
        for error, kwargs in cases:
            with pytest.raises(error):
                services.decide_review(archive, EXTRACT, **kwargs)
        with pytest.raises(Refused, match="only a declassified item is published"):
            services.publish(archive, EXTRACT)
    review.refresh_from_db()
    assert review.decided_at is None and AuditEvent.objects.count() == head
    assert selectors.item(archive, EXTRACT).level == Level.TOP_SECRET


def test_downgrade_and_keep_set_the_next_review(archive):
    event_review(archive)
    with clock.frozen("1994-03-31T10:00:00+03:00"):
        services.decide_review(archive, EXTRACT, "downgrade", level="SECRET", next_review_on=dt.date(1999, 1, 1))
    item = selectors.item(archive, EXTRACT)
    assert (item.level, item.review_on, item.instruction) == (Level.SECRET, dt.date(1999, 1, 1), "date")
    (again,) = sweep("1999-01-01").opened  # kept by a reviewer once: a reviewer looks again, not the clock
    with clock.frozen("1999-01-02T10:00:00+03:00"):
        services.decide_review(archive, EXTRACT, "keep", next_review_on=dt.date(2004, 1, 1))
    assert Review.objects.filter(item=item, decided_at__isnull=False).count() == 2


def test_only_a_cleared_archivist_reviews(archive, admin=None):
    event_review(archive)
    admin_ = principal_by_username("admin")
    junior = grants.add_principal(admin_, "junior-archivist", clearance="SECRET", roles=["archivist"])
    for who in (junior, principal_by_username("gromyko"), principal_by_username("auditor")):
        with pytest.raises((NotFound, Refused)):
            services.decide_review(who, EXTRACT, "declassify")
    assert list(selectors.review_queue(junior)) == []
    assert len(selectors.review_queue(archive)) == 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 40)), max_size=6), st.text(max_size=200))
def test_segments_never_carry_a_redacted_character(spans, text):
    """Whatever the spans, the published text holds every character outside them and none inside."""
    cut, previous = [], 0
    for start, length in sorted(spans):
        start = max(start, previous)
        end = min(start + length, len(text))
        if start < end:
            cut.append(Span(start, end, "PRIVACY"))
            previous = end
    out = selectors.segments(text, cut)
    from secretariat.archive import records

    kept = "".join(s.text for s in out if isinstance(s, records.Text))
    expected = "".join(ch for i, ch in enumerate(text) if not any(s.start <= i < s.end for s in cut))
    assert kept == expected
    assert sum(isinstance(s, records.Redacted) for s in out) == len(cut)


def test_publishing_is_refused_while_a_withheld_phrase_stands_elsewhere(archive):
    event_review(archive)
    item = selectors.item(archive, EXTRACT, Action.VIEW)
    vance = selectors.spans_of(item.text, "Vance")[0]  # only the first of several
    with clock.frozen("1994-03-31T10:00:00+03:00"):
        services.decide_review(archive, EXTRACT, "redact", redactions=[Span(*vance, "FOREIGN")])
        head = AuditEvent.objects.count()
        with pytest.raises(Refused, match="'Vance', withheld, still stands in the text"):
            services.publish(archive, EXTRACT)
    assert AuditEvent.objects.count() == head and selectors.item(archive, EXTRACT).published_at is None
    assert ("Vance", "title") in selectors.withheld_elsewhere(item)  # "… his conversation with Vance …"


def test_only_a_review_lifts_an_exemption(archive):
    with clock.frozen("1993-01-01T10:00:00+00:00"):
        services.set_instruction(archive, CABLE, kind="exemption", review_on=dt.date(2090, 1, 1), exemption="sources")
        with pytest.raises(Refused, match="only a review lifts an exemption"):
            services.set_instruction(archive, CABLE, kind="date", review_on=dt.date(2000, 1, 1))
    swept = sweep("2050-01-01")  # the others are long due; the exempt cable is not
    assert CABLE not in [selectors.reference(i) for i in swept.declassified + [r.item for r in swept.opened]]
    assert selectors.item(archive, CABLE).instruction == "exemption"


def test_a_withdrawn_item_gets_a_review_to_withhold_what_was_missed(archive):
    event_review(archive)
    with clock.frozen("1994-03-31T10:00:00+03:00"):
        services.decide_review(archive, EXTRACT, "declassify")
        services.publish(archive, EXTRACT)
    with clock.frozen("1995-01-10T10:00:00+03:00"):
        services.withdraw(archive, EXTRACT, "a living person is named")
        (due,) = selectors.review_queue(archive)
        assert selectors.reference(due.item) == EXTRACT
        item = selectors.item(archive, EXTRACT, Action.VIEW)
        spans = [Span(a, b, "PRIVACY") for a, b in selectors.spans_of(item.text, "Kosygin")]
        services.decide_review(archive, EXTRACT, "redact", redactions=spans)
        services.publish(archive, EXTRACT)
    published = selectors.public_item("tskhsd-89-25-44")
    assert "Kosygin" not in published.plain_text() and "[REDACTED: PRIVACY]" in published.plain_text()


def test_an_annotation_that_names_what_the_text_withholds_is_redacted_too(archive):
    """A margin note naming the withheld person: redacting the phrase withholds it in the note as
    well, the published note shows the blank, and publishing goes through."""
    event_review(archive)
    item = selectors.item(archive, EXTRACT, Action.VIEW)
    note = item.annotations.get(position=1)
    Annotation.objects.filter(pk=note.pk).update(text=note.text + " Shown to Kosygin.")
    item = selectors.item(archive, EXTRACT, Action.VIEW)
    spans = services.phrase_redactions(item, "Kosygin", "PRIVACY")
    assert {s.annotation for s in spans} == {None, 1}
    with clock.frozen("1994-03-31T10:00:00+03:00"):
        services.decide_review(archive, EXTRACT, "redact", redactions=spans)
        services.publish(archive, EXTRACT)
    published = selectors.public_item("tskhsd-89-25-44")
    assert published.annotations[0].text.endswith("Shown to [REDACTED: PRIVACY].")
    assert "Kosygin" not in published.plain_text() and all("Kosygin" not in a.text for a in published.annotations)
    assert "kosygin" not in Item.objects.get(pk=item.pk).search_text


def test_an_annotation_span_is_checked_against_its_own_text(archive):
    event_review(archive)
    with clock.frozen("1994-03-31T10:00:00+03:00"):
        with pytest.raises(InvalidInput, match="no annotation 99"):
            services.decide_review(archive, EXTRACT, "redact", redactions=[Span(0, 3, "PRIVACY", 99)])
        with pytest.raises(InvalidInput, match="outside annotation 1"):
            services.decide_review(archive, EXTRACT, "redact", redactions=[Span(0, 10_000, "PRIVACY", 1)])
