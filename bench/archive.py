"""Archive benchmark: the reading room's search and an OAI-PMH page, against raw SQL.

Builds ITEMS published items directly with the ORM in a throwaway data dir (one repository, one
fonds of four series, two annotations each, one in 40 declassified by a review with a redaction;
--fonds K spreads them over K fonds published one after the other), then times, warm, against
floors measured in the same run through the same connection:
- one page of reading-room results: published_items(word) ranked by the search index, its first
  20 built into public records, against a raw SELECT of the same 20 rows ranked by the same index
  (FTS5 bm25 / tsvector ts_rank);
- one ListRecords page (oai_dc, 100 records) from PublishedSource, against a raw SELECT of the
  same 100 rows plus lxml serialising 100 trivial elements;
- the same page from TreeSource built from every fonds (the in-memory source).

PublishedSource builds each fonds a page touches whole, so it saves on TreeSource only for the
fonds the page does not touch: nothing with one fonds, most of the work with many.
"""

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SECRETARIAT_DATA_DIR", tempfile.mkdtemp(prefix="secretariat-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretariat.settings")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from lxml import etree  # noqa: E402
from timing import report, timings  # noqa: E402

from secretariat.accounts.models import Compartment  # noqa: E402
from secretariat.archive import selectors, summaries  # noqa: E402
from secretariat.archive.export import oai  # noqa: E402
from secretariat.archive.models import Annotation, ArchiveUnit, Item, Redaction, Repository, Review  # noqa: E402
from secretariat.kernel.classification import Level  # noqa: E402
from secretariat.search import services as search  # noqa: E402
from secretariat.search.models import Entry  # noqa: E402
from secretariat.search.text import stem  # noqa: E402

SERIES = ("25", "26", "27", "28")
WORD = "Ginzburg"  # in the text of one item in 8, and in an annotation of one in 50 of the others
WITHHELD = "the source in Washington"
PAGE = 20  # the reading room's results per page
OAI_PAGE = 100
BASE_URL = "https://archive.example.org/oai"
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
SECRET = b"bench-secret"
VOCABULARY = (
    "the of draft instructions ambassador conversation question rights citizen protocol meeting "
    "secretary committee department sector comrades approved attached president state affairs view "
    "liberties people country situation matter concern interference domestic criminal code law"
).split()

# The reading room's first page, ranked by the index as the search app ranks it (search/selectors.py).
RAW_SEARCH = {
    "sqlite": """
SELECT i.id, i.identifier, i.title, i.number, i.published_text
FROM (SELECT rowid AS id, bm25(search_index) AS rank FROM search_index WHERE search_index MATCH %(match)s) f
CROSS JOIN search_entry e ON e.id = f.id
JOIN archive_item i ON i.id = e.key
WHERE e.scope = 'room' AND i.published_at IS NOT NULL
ORDER BY f.rank, e.key
LIMIT %(limit)s
""",
    "postgresql": """
SELECT i.id, i.identifier, i.title, i.number, i.published_text
FROM search_entry e JOIN archive_item i ON i.id = e.key, to_tsquery('simple', %(match)s) q
WHERE e.vector @@ q AND e.scope = 'room' AND i.published_at IS NOT NULL
ORDER BY -ts_rank(e.vector, q), e.key
LIMIT %(limit)s
""",
}

RAW_OAI_PAGE = """
SELECT i.id, i.identifier, i.title, i.creator, i.number, i.date, i.published_text, i.published_at,
       u.identifier, r.code
FROM archive_item i
JOIN archive_archiveunit u ON u.id = i.unit_id
JOIN archive_repository r ON r.id = u.repository_id
WHERE i.published_at IS NOT NULL
ORDER BY i.published_at, i.id
LIMIT %(limit)s
"""


def paper(rng: random.Random, i: int) -> str:
    """About 1.5 KB of text in paragraphs; the search word in one paper in 8, the withheld phrase in one in 40."""
    paragraphs = [" ".join(rng.choices(VOCABULARY, k=40)).capitalize() + "." for _ in range(6)]
    if i % 8 == 0:
        paragraphs[2] += f" The question of freeing {WORD} was raised."
    if i % 40 == 1:
        paragraphs[4] += f" This was reported by {WITHHELD}."
    return "\n\n".join(paragraphs) + "\n"


def build(count: int, fonds_count: int) -> None:
    """Published items straight into the tables, as publish() would leave them: fonds after fonds
    (each fonds in a block of items, published as a batch), in series within each."""
    rng = random.Random(46)
    archive = Repository.objects.create(code="TsKhSD", name="Centre for the Storage of Contemporary Documentation")
    series = []
    for f in range(fonds_count):
        fonds = ArchiveUnit.objects.create(
            repository=archive, level=ArchiveUnit.Level.FONDS, identifier=str(89 + f), title=f"Fond {89 + f}"
        )
        series.append(
            [
                ArchiveUnit.objects.create(
                    repository=archive, parent=fonds, level=ArchiveUnit.Level.SERIES, identifier=s, title=f"Opis {s}"
                )
                for s in SERIES
            ]
        )
    in_fonds = [i * fonds_count // count for i in range(count)]
    # harvest order (published_at): fonds by fonds, shuffled within each, so not archival order
    harvest = sorted(range(count), key=lambda i: (in_fonds[i], rng.random()))
    minute = {i: position for position, i in enumerate(harvest)}
    start = dt.datetime(1992, 6, 1, 9, 0, tzinfo=dt.UTC)
    items = []
    for i in range(count):
        text = paper(rng, i)
        published_at = start + dt.timedelta(minutes=minute[i])
        items.append(
            Item(
                unit=series[in_fonds[i]][i % len(SERIES)],
                identifier=str(i // len(SERIES) + 1),
                sheets="1-2",
                sheet_count=2,
                source=Item.Source.TRANSCRIPTION,
                title=f"Extract from protocol No {i // 20 + 1} of the meeting of the CC CPSU Politburo, point {i}",
                creator="CC CPSU Politburo",
                document_type="extract",
                number=f"P{i // 20 + 1}/{i}",
                date=dt.date(1970, 1, 1) + dt.timedelta(days=i * 3),
                date_as_written="",
                language="en",
                text=text,
                marked_level=Level.TOP_SECRET if i % 3 else Level.SECRET,
                level=Level.UNCLASSIFIED,
                instruction=Item.Instruction.DATE,
                review_on=dt.date(1992, 1, 1),
                declassified_at=published_at - dt.timedelta(days=30),
                published_at=published_at,
                published_text=text,
                received_at=dt.datetime(1991, 12, 1, tzinfo=dt.UTC),
            )
        )
    Item.objects.bulk_create(items, batch_size=500)
    items = list(Item.objects.order_by("id"))
    special = Compartment.objects.create(code="SPECIAL FILE")
    Item.marked_compartments.through.objects.bulk_create(
        Item.marked_compartments.through(item_id=found.pk, compartment_id=special.pk)
        for i, found in enumerate(items)
        if i % 10 == 0
    )
    annotations = []
    for i, found in enumerate(items):
        margin = f"Margin note: see also {WORD}'s file" if i % 50 == 3 else "Margin note: to the General Department"
        annotations += [
            Annotation(item=found, position=1, kind=Annotation.Kind.STAMP, text="Declassified by the Commission"),
            Annotation(item=found, position=2, kind=Annotation.Kind.MARGIN, text=margin),
        ]
    Annotation.objects.bulk_create(annotations, batch_size=1000)
    redacted = [found for found in items if WITHHELD in found.text]
    for found in redacted:
        review = Review.objects.create(
            item=found,
            due_on=dt.date(1992, 1, 1),
            opened_at=found.declassified_at,
            decided_at=found.declassified_at,
            outcome=Review.Outcome.REDACT,
            level_before=found.marked_level,
            level_after=Level.UNCLASSIFIED,
        )
        at = found.text.index(WITHHELD)
        Redaction.objects.create(review=review, start=at, end=at + len(WITHHELD), reason=Redaction.Reason.SOURCES)
        found.published_text = selectors.public_record(found).plain_text()
        found.save(update_fields=["published_text"])
    for found in Item.objects.prefetch_related(*selectors.PUBLIC_PREFETCH).select_related("unit__repository"):
        found.search_text = selectors.search_text(selectors.public_record(found))
        found.save(update_fields=["search_text"])
        search.index(Entry.Scope.READING_ROOM, found.pk, found.search_text)  # as publish() does
    summaries.refresh_all()  # what publish() keeps with each unit


def check_search() -> int:
    """The raw floor finds what the ORM finds; returns how many items match."""
    found = selectors.ranked(selectors.published_items(WORD), WORD)
    assert [item.pk for item in found[0:PAGE]] == [row[0] for row in raw_search()], "raw SQL and the room disagree"
    return found.count()


def raw_search() -> list[tuple]:
    match = f'"{stem(WORD)}"' if connection.vendor == "sqlite" else f"'{stem(WORD)}'"
    with connection.cursor() as cursor:
        cursor.execute(RAW_SEARCH[connection.vendor], {"match": match, "limit": PAGE})
        return cursor.fetchall()


def search_page() -> list:
    return [selectors.public_record(found) for found in selectors.ranked(selectors.published_items(WORD), WORD)[0:PAGE]]


def search_page_sliced() -> list:
    """As the reading room's view does it: count, then the page's rows only."""
    page = Paginator(selectors.ranked(selectors.published_items(WORD), WORD), PAGE).get_page(1)
    return [page.paginator.count, *(selectors.public_record(found) for found in page)]


def list_records(source) -> bytes:
    return oai.respond(
        {"verb": "ListRecords", "metadataPrefix": "oai_dc"},
        source,
        base_url=BASE_URL,
        now=NOW,
        secret=SECRET,
        page_size=OAI_PAGE,
    )


def from_database() -> bytes:
    return list_records(selectors.PublishedSource(["archivist@archive.example.org"]))


def from_tree() -> bytes:
    fonds = [selectors.public_fonds(unit) for unit in selectors.public_fonds_list()]
    return list_records(oai.TreeSource(selectors.oai_repository(), fonds, ["archivist@archive.example.org"]))


def oai_floor() -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(RAW_OAI_PAGE, {"limit": OAI_PAGE})
        rows = cursor.fetchall()
    root = etree.Element("records")
    for row in rows:
        etree.SubElement(root, "record").text = row[2]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--fonds", type=int, default=1, help="spread the items over this many fonds")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    build(args.items, args.fonds)
    redacted = Redaction.objects.count()
    print(
        f"engine {connection.vendor}; built {args.items} published items in {args.fonds} fonds of {len(SERIES)} series, "
        f"{Annotation.objects.count()} annotations, {redacted} redacted, in {time.perf_counter() - t0:.1f} s; "
        f"{args.runs} runs each, warm"
    )

    matching = check_search()
    floor = timings(raw_search, args.runs)
    print(f"\nreading room: '{WORD}' matches {matching} items; a page is the first {PAGE}")
    report(f"floor: raw SELECT of the {PAGE} rows, ranked by the same index", floor)
    report(f"ranked(published_items)[:{PAGE}] + {PAGE} public_record", timings(search_page, args.runs), floor)
    print(f"  ({queries(search_page)} queries)")
    report(f"as the view pages it: count + {PAGE} rows + public_record", timings(search_page_sliced, args.runs), floor)
    print(f"  ({queries(search_page_sliced)} queries)")

    assert from_database() == from_tree(), "PublishedSource and TreeSource answer differently"
    assert from_database().count(b"<record>") == OAI_PAGE
    floor = timings(oai_floor, args.runs)
    print(
        f"\nOAI-PMH ListRecords, oai_dc, first page of {OAI_PAGE}; floor: raw SELECT of those {OAI_PAGE} rows "
        f"(ORDER BY published_at, id) + lxml building and serialising {OAI_PAGE} one-text elements"
    )
    report("floor", floor)
    report("respond(), PublishedSource", timings(from_database, args.runs), floor)
    print(f"  ({queries(from_database)} queries)")
    report("respond(), TreeSource built from every fonds", timings(from_tree, args.runs), floor)
    print(f"  ({queries(from_tree)} queries)")


if __name__ == "__main__":
    main()
