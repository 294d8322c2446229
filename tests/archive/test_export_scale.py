"""Exports that scale: what the exports read of a unit is kept with the unit (archive.summaries),
OAI-PMH pages are read by key, and a fonds's finding aid is written as it is read.

The query counts pinned here are behaviour: a ListRecords page, a resumed page deep in the list
and a GetRecord each read the same number of queries with 30 published items and with 300.
A streamed finding aid says what the one built whole from the records says."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test import Client
from django.test.utils import CaptureQueriesContext
from lxml import etree

from secretariat.accounts.models import Compartment
from secretariat.archive import export_views, selectors, services, summaries
from secretariat.archive.export import dublin_core, ead3, ead2002, items_of, oai
from secretariat.archive.models import Annotation, ArchiveUnit, Item, Redaction, Repository, Review
from secretariat.kernel.classification import Level
from tests.archive import test_oai_source
from tests.archive.xml_schemas import assert_valid, dc_collection_schema, ead3_rng, oai_schema, schema

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
SECRET = b"oai test key"
BASE = "https://archive.example.org/oai"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
published = test_oai_source.published  # the demo, with five items published in fond 89


def same_xml(a: bytes, b: bytes) -> bool:
    """The same document but for whitespace between elements and repeated namespace declarations."""

    def canonical(data: bytes) -> bytes:
        root = etree.fromstring(data, etree.XMLParser(remove_blank_text=True))
        return etree.tostring(root, method="c14n")

    return canonical(a) == canonical(b)


# -- the units' summaries ---------------------------------------------------------------------------


def unit(reference: str) -> ArchiveUnit:
    return next(u for u in ArchiveUnit.objects.all() if selectors.unit_reference(u) == reference)


def test_a_unit_keeps_its_reference_and_what_is_published_under_it(published):
    fonds, opis = unit("TsKhSD/89"), unit("TsKhSD/89/25")
    assert (fonds.reference, opis.reference) == ("TsKhSD/89", "TsKhSD/89/25")
    assert (fonds.published_count, opis.published_count, unit("TsKhSD/89/26").published_count) == (5, 4, 1)
    tree = selectors.public_fonds(fonds)
    assert fonds.published_creators == list(dict.fromkeys(i.creator for i in tree.items() if i.creator))
    assert fonds.published_languages == list(dict.fromkeys(i.language for i in tree.items()))
    assert (fonds.published_from, fonds.published_to) == (tree.date_from, tree.date_to)
    assert fonds.last_published_at == max(i.published_at for i in tree.items())

    with_draw = services.withdraw(published, "TsKhSD/89/26/1", "a name missed")
    assert with_draw.published_at is None
    fonds.refresh_from_db()
    assert fonds.published_count == 4 and unit("TsKhSD/89/26").published_count == 0
    assert fonds.last_published_at == max(i.published_at for i in selectors.public_fonds(fonds).items())

    services.describe_unit(published, "TsKhSD", "89", "25", title="Opis 25: the Politburo's decisions")
    assert selectors.public_fonds_summary(fonds).published_count == 4
    assert ("89:25", "TsKhSD, f. 89, op. 25: Opis 25: the Politburo's decisions") in selectors.PublishedSource(
        []
    ).sets()


def test_the_summaries_are_what_the_whole_records_say(published):
    """Summarised from the units, the fonds's description is the one built from every item."""
    fonds = unit("TsKhSD/89")
    tree, summary = selectors.public_fonds(fonds), selectors.public_fonds_summary(fonds)
    archive = selectors.oai_repository()
    for module in (ead3, ead2002):
        built = module.fonds_document(archive, tree, created=NOW)
        streamed = b"".join(module.fonds_stream(archive, summary, created=NOW))
        assert same_xml(streamed, built)
        assert streamed != built  # written piece by piece, not the same bytes: the same document
    streamed = b"".join(dublin_core.document_stream(items_of(summary)))
    assert same_xml(streamed, dublin_core.document(tree.items()))


# -- streaming over HTTP --------------------------------------------------------------------------


def valid_ead3(document: bytes) -> None:
    assert_valid(schema("ead3.xsd"), document)
    assert_valid(ead3_rng(), document)


@pytest.mark.parametrize(
    ("path", "check"),
    [
        ("/reading-room/ead3/TsKhSD/89.xml", valid_ead3),
        ("/reading-room/ead2002/TsKhSD/89.xml", lambda document: assert_valid(schema("ead.xsd"), document)),
        ("/reading-room/dc/TsKhSD/89.xml", lambda document: assert_valid(dc_collection_schema(), document)),
    ],
)
def test_a_large_fonds_is_streamed_and_still_valid(published, monkeypatch, path, check):
    whole = Client().get(path)
    assert not whole.streaming and whole.status_code == 200
    monkeypatch.setattr(export_views, "STREAM_FROM", 3)
    monkeypatch.setattr("secretariat.archive.export.FLUSH_EVERY", 1)
    response = Client().get(path)
    assert response.status_code == 200 and response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) >= 5  # one at least for each of the five items
    document = b"".join(chunks)
    check(document)
    assert same_xml(document, whole.content)
    assert b"Pressel" not in document and b"[REDACTED: PRIVACY]" in document


# -- query counts as the archive grows ---------------------------------------------------------------


def grow(count: int) -> None:
    """Published items straight into the tables up to `count` (two series of fond 90, an
    annotation each, a caveat on one in ten, a redaction on one in seven, published two a
    minute), then summarised as publish() leaves the units."""
    archive, _ = Repository.objects.get_or_create(code="TsKhSD", defaults={"name": "Centre"})
    fonds, _ = ArchiveUnit.objects.get_or_create(repository=archive, level="fonds", identifier="90")
    series = [
        ArchiveUnit.objects.get_or_create(repository=archive, parent=fonds, level="series", identifier=s)[0]
        for s in ("1", "2")
    ]
    start = dt.datetime(1995, 1, 1, tzinfo=dt.UTC)
    text = "Report made by agent Nightingale.\nSecond line."
    first = Item.objects.count()
    Item.objects.bulk_create(
        Item(
            unit=series[n % 2],
            identifier=str(n),
            source=Item.Source.TRANSCRIPTION,
            title=f"Report {n}",
            creator=f"Body {n % 3}",
            date=dt.date(1979, 1, 1) + dt.timedelta(days=n),
            language="en",
            text=text,
            marked_level=Level.SECRET,
            level=Level.UNCLASSIFIED,
            instruction=Item.Instruction.DATE,
            declassified_at=start,
            published_at=start + dt.timedelta(minutes=n // 2),  # two published in the same minute
            published_text=text,
            received_at=start,
        )
        for n in range(first, count)
    )
    special, _ = Compartment.objects.get_or_create(code="SPECIAL FILE")
    for found in Item.objects.filter(annotations__isnull=True):
        n = int(found.identifier)
        Annotation.objects.create(item=found, position=1, kind="stamp", text="Declassified")
        if n % 10 == 0:
            found.marked_compartments.add(special)
        if n % 7 == 0:
            review = Review.objects.create(
                item=found,
                due_on=start.date(),
                opened_at=start,
                decided_at=start,
                outcome=Review.Outcome.REDACT,
                level_before=Level.SECRET,
                level_after=Level.UNCLASSIFIED,
            )
            Redaction.objects.create(review=review, start=15, end=32, reason=Redaction.Reason.SOURCES)
    summaries.refresh_all()


def ask(params: dict, page_size: int = 10) -> tuple[bytes, int]:
    """The response to one request from the database source, and how many queries it took;
    checking that it built no more items than it answers with (a page of 10, a record)."""
    built = []

    def count(sender, instance, **kwargs):
        built.append(instance)

    post_init.connect(count, sender=Item)
    try:
        with CaptureQueriesContext(connection) as queries:
            body = oai.respond(
                params,
                selectors.PublishedSource(["a@b.org"]),
                base_url=BASE,
                now=NOW,
                secret=SECRET,
                page_size=page_size,
            )
    finally:
        post_init.disconnect(count, sender=Item)
    assert_valid(oai_schema(), body)
    assert len(built) <= page_size, f"{len(built)} items built for {params}"
    return body, len(queries)


def token(body: bytes) -> str:
    return re.search(rb"<resumptionToken[^>]*>([^<]+)</resumptionToken>", body).group(1).decode()


def counts() -> dict[str, int]:
    """Queries for each kind of request: first pages, a page resumed deep in the list, a record."""
    found = {}
    for verb, prefix in (("ListRecords", "oai_dc"), ("ListRecords", "ead"), ("ListIdentifiers", "oai_dc")):
        params = {"verb": verb, "metadataPrefix": prefix}
        body, found[f"{verb} {prefix}"] = ask(params)
        assert body.count(b"<header>") == 10
        for _ in range(2):
            body, queries = ask({"verb": verb, "resumptionToken": token(body)})
        found[f"{verb} {prefix} resumed"] = queries
        body, found[f"{verb} {prefix} set"] = ask({**params, "set": "90:2"})
        assert b"<setSpec>90:1</setSpec>" not in body
    for prefix in ("oai_dc", "ead"):
        params = {"verb": "GetRecord", "metadataPrefix": prefix, "identifier": "oai:archive.example.org:tskhsd-90-2-7"}
        body, found[f"GetRecord {prefix}"] = ask(params)
        assert b"[REDACTED: SOURCES]" in body
    _, found["ListSets"] = ask({"verb": "ListSets"})
    return found


@pytest.mark.django_db
def test_a_page_and_a_record_read_as_many_queries_at_30_items_as_at_300():
    grow(30)
    small = counts()
    grow(300)
    assert Item.objects.filter(published_at__isnull=False).count() == 300
    assert counts() == small
    assert max(small.values()) <= 10, small


@pytest.mark.django_db
def test_a_harvest_by_key_gives_every_item_once_in_order():
    """Following the tokens (each carrying the last key) to the end: every item once, in
    datestamp order, items published in the same second included."""
    grow(45)
    body, _ = ask({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, page_size=4)
    pages = [body]
    while b"</resumptionToken>" in pages[-1] and re.search(rb"<resumptionToken[^>]*>[^<]+<", pages[-1]):
        pages.append(ask({"verb": "ListIdentifiers", "resumptionToken": token(pages[-1])}, page_size=4)[0])
    harvested = [i for page in pages for i in re.findall(rb"<identifier>oai:[^:]+:([^<]+)</identifier>", page)]
    expected = [
        selectors.public_identifier(i).encode()
        for i in Item.objects.select_related("unit").order_by("published_at", "id")
    ]
    assert harvested == expected and len(set(harvested)) == 45
    assert len(pages) == 12
