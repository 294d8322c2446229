"""Exports benchmark: an OAI-PMH ListRecords page and the EAD3 of a fonds as the archive grows.

Builds N published items straight into the tables in a throwaway data dir (one repository, one
fonds of four series, two annotations each, a caveat on one in ten, one in 40 declassified by a
review with a redaction), summarises the units as publish() leaves them (archive.summaries), then
times, warm, each against a floor measured in the same run through the same connection:

- ListRecords (oai_dc, 100 records): the first page, and a page resumed at ~90% of the list (its
  token carries the last key), from `PublishedSource`, against a raw SELECT of those 100 rows
  plus lxml building and serialising 100 one-text elements;
- ListRecords in EAD3 (the same page, each record its units described above it);
- the EAD3 finding aid of the fonds, streamed (`ead3.fonds_stream` over
  `public_fonds_summary`, every chunk consumed), against a raw SELECT of every published row in
  the fonds plus lxml's incremental writer writing one element with its text per row;
  and (--memory) the peak of Python's traced memory while it streams (tracemalloc, an untimed run).

    .venv/bin/python bench/exports.py --items 10000
    SECRETARIAT_DATABASE_URL=postgres://… .venv/bin/python bench/exports.py --items 100000 --ead-runs 1
"""

import argparse
import datetime as dt
import os
import random
import re
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("SECRETARIAT_DATA_DIR", tempfile.mkdtemp(prefix="secretariat-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretariat.settings")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from lxml import etree  # noqa: E402
from timing import report, timings  # noqa: E402

from secretariat.accounts.models import Compartment  # noqa: E402
from secretariat.archive import selectors, summaries  # noqa: E402
from secretariat.archive.export import Chunks, ead3, oai  # noqa: E402
from secretariat.archive.models import Annotation, ArchiveUnit, Item, Redaction, Repository, Review  # noqa: E402
from secretariat.kernel.classification import Level  # noqa: E402

SERIES = ("25", "26", "27", "28")
WITHHELD = "the source in Washington"
PAGE = 100
BASE_URL = "https://archive.example.org/oai"
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
SECRET = b"bench-secret"
VOCABULARY = (
    "the of draft instructions ambassador conversation question rights citizen protocol meeting "
    "secretary committee department sector comrades approved attached president state affairs view"
).split()

RAW_PAGE = """
SELECT i.id, i.identifier, i.title, i.creator, i.number, i.date, i.published_text, i.published_at,
       u.identifier, r.code
FROM archive_item i
JOIN archive_archiveunit u ON u.id = i.unit_id
JOIN archive_repository r ON r.id = u.repository_id
WHERE i.published_at IS NOT NULL AND (i.published_at > %(at)s OR (i.published_at = %(at)s AND i.id > %(id)s))
ORDER BY i.published_at, i.id
LIMIT %(limit)s
"""

RAW_FONDS = """
SELECT i.id, i.identifier, i.title, i.creator, i.number, i.date, i.published_text, i.published_at,
       u.identifier, r.code
FROM archive_item i
JOIN archive_archiveunit u ON u.id = i.unit_id
JOIN archive_repository r ON r.id = u.repository_id
WHERE i.published_at IS NOT NULL AND (u.id = %(fonds)s OR u.parent_id = %(fonds)s)
ORDER BY u.identifier, i.identifier
"""


def build(count: int) -> None:
    rng = random.Random(13)
    archive = Repository.objects.create(code="TsKhSD", name="Centre for the Storage of Contemporary Documentation")
    fonds = ArchiveUnit.objects.create(repository=archive, level="fonds", identifier="89", title="Fond 89")
    series = [
        ArchiveUnit.objects.create(repository=archive, parent=fonds, level="series", identifier=s, title=f"Opis {s}")
        for s in SERIES
    ]
    start = dt.datetime(1992, 6, 1, 9, 0, tzinfo=dt.UTC)
    order = list(range(count))
    rng.shuffle(order)  # harvest order is not archival order
    special = Compartment.objects.create(code="SPECIAL FILE")
    batch = 5000
    for first in range(0, count, batch):
        items = []
        for i in range(first, min(count, first + batch)):
            paragraphs = [" ".join(rng.choices(VOCABULARY, k=40)).capitalize() + "." for _ in range(4)]
            if i % 40 == 1:
                paragraphs[2] += f" This was reported by {WITHHELD}."
            text = "\n\n".join(paragraphs) + "\n"
            published_at = start + dt.timedelta(minutes=order[i])
            items.append(
                Item(
                    unit=series[i % len(SERIES)],
                    identifier=str(i // len(SERIES) + 1),
                    sheets="1-2",
                    sheet_count=2,
                    source=Item.Source.TRANSCRIPTION,
                    title=f"Extract from protocol No {i // 20 + 1} of the CC CPSU Politburo, point {i}",
                    creator="CC CPSU Politburo" if i % 5 else "General Department",
                    number=f"P{i // 20 + 1}/{i}",
                    date=dt.date(1960, 1, 1) + dt.timedelta(days=i % 9000),
                    language="en" if i % 7 else "ru",
                    text=text,
                    marked_level=Level.TOP_SECRET if i % 3 else Level.SECRET,
                    level=Level.UNCLASSIFIED,
                    instruction=Item.Instruction.DATE,
                    review_on=dt.date(1992, 1, 1),
                    declassified_at=published_at - dt.timedelta(days=30),
                    published_at=published_at,
                    published_text=text.replace(WITHHELD, "[REDACTED: SOURCES]"),
                    received_at=dt.datetime(1991, 12, 1, tzinfo=dt.UTC),
                )
            )
        created = Item.objects.bulk_create(items)
        if connection.vendor == "sqlite":  # bulk_create sets no pk on SQLite before 3.35's RETURNING
            created = list(Item.objects.order_by("-id")[: len(items)])[::-1]
        Item.marked_compartments.through.objects.bulk_create(
            Item.marked_compartments.through(item_id=found.pk, compartment_id=special.pk)
            for found in created
            if int(found.number.rsplit("/", 1)[1]) % 10 == 0
        )
        Annotation.objects.bulk_create(
            annotation
            for found in created
            for annotation in (
                Annotation(item=found, position=1, kind="stamp", text="Declassified by the Commission"),
                Annotation(item=found, position=2, kind="margin", text="To the General Department"),
            )
        )
        for found in created:
            if WITHHELD in found.text:
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
                Redaction.objects.create(review=review, start=at, end=at + len(WITHHELD), reason="SOURCES")
    summaries.refresh_all()  # what publish() keeps with each unit


def respond(params: dict) -> bytes:
    return oai.respond(
        params, selectors.PublishedSource(["a@b.org"]), base_url=BASE_URL, now=NOW, secret=SECRET, page_size=PAGE
    )


def raw_page(after: tuple) -> list[tuple]:
    with connection.cursor() as cursor:
        at = connection.ops.adapt_datetimefield_value(after[0])
        cursor.execute(RAW_PAGE, {"at": at, "id": after[1], "limit": PAGE})
        return cursor.fetchall()


def page_floor(after: tuple) -> bytes:
    root = etree.Element("records")
    for row in raw_page(after):
        etree.SubElement(root, "record").text = row[6]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def fonds_floor(fonds_id: int) -> int:
    out, written = Chunks(), 0
    with connection.cursor() as cursor:
        cursor.execute(RAW_FONDS, {"fonds": fonds_id})
        with etree.xmlfile(out, encoding="UTF-8") as xf:
            xf.write_declaration()
            with xf.element("ead"):
                while rows := cursor.fetchmany(500):
                    for row in rows:
                        element = etree.Element("c")
                        element.text = row[6]
                        xf.write(element, pretty_print=True)
                    written += len(out.take())
    return written + len(out.take())


def fonds_ead(fonds: ArchiveUnit) -> int:
    summary = selectors.public_fonds_summary(fonds)
    archive = selectors.public_repository(fonds.repository)
    return sum(len(chunk) for chunk in ead3.fonds_stream(archive, summary, created=summary.last_published_at))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10, help="runs of each OAI-PMH page")
    parser.add_argument("--ead-runs", type=int, default=3, help="runs of the fonds's EAD3 (1: no warm-up run)")
    parser.add_argument("--memory", action="store_true", help="then trace Python's memory through one more EAD3")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    build(args.items)
    print(
        f"{connection.vendor}: {args.items} published items in one fonds of {len(SERIES)} series, "
        f"built in {time.perf_counter() - started:.0f} s",
        flush=True,
    )

    # the key of the item before the deep page (~90% down the list), and its token
    ordered = Item.objects.filter(published_at__isnull=False).order_by("published_at", "id")
    deep = int(args.items * 0.9) // PAGE * PAGE
    before = ordered.values_list("published_at", "id")[deep - 1]
    first = respond({"verb": "ListRecords", "metadataPrefix": "oai_dc"})
    token = re.search(rb"<resumptionToken[^>]*>([^<]+)<", first).group(1).decode()
    state = oai._token(oai._Request(None, BASE_URL, "", NOW, SECRET, PAGE), "ListRecords", {"resumptionToken": token})
    previous = selectors.public_record(ordered.select_related("unit__repository", "unit__parent__parent")[deep - 1])
    deep_token = oai._sign(
        SECRET, {**state, "offset": deep, "after": [previous.published_at.isoformat(), previous.identifier]}
    )
    deep_page = respond({"verb": "ListRecords", "resumptionToken": deep_token})
    expected = [selectors.public_identifier(i) for i in ordered.select_related("unit__repository")[deep : deep + PAGE]]
    assert re.findall(r"<identifier>oai:[^:]+:([^<]+)<", deep_page.decode()) == expected, "the deep page is wrong"
    assert [row[0] for row in raw_page(before)] == list(ordered.values_list("id", flat=True)[deep : deep + PAGE])

    print(f"\nOAI-PMH ListRecords, {PAGE} records; floor: raw SELECT of those rows + lxml of {PAGE} one-text elements")
    start_key = (dt.datetime(1900, 1, 1, tzinfo=dt.UTC), 0)
    floor = timings(lambda: page_floor(start_key), args.runs)
    report("floor, first page", floor)
    report(
        "ListRecords oai_dc, first page",
        timings(lambda: respond({"verb": "ListRecords", "metadataPrefix": "oai_dc"}), args.runs),
        floor,
    )
    report(
        "ListRecords ead (EAD3), first page",
        timings(lambda: respond({"verb": "ListRecords", "metadataPrefix": "ead"}), args.runs),
        floor,
    )
    deep_floor = timings(lambda: page_floor(before), args.runs)
    report(f"floor, page at item {deep}", deep_floor)
    report(
        f"ListRecords oai_dc, resumed at item {deep}",
        timings(lambda: respond({"verb": "ListRecords", "resumptionToken": deep_token}), args.runs),
        deep_floor,
    )
    with CaptureQueriesContext(connection) as captured:
        respond({"verb": "ListRecords", "resumptionToken": deep_token})
    print(f"  (a resumed page: {len(captured)} queries)")

    fonds = ArchiveUnit.objects.select_related("repository").get(parent__isnull=True)
    print(f"\nEAD3 of the fonds ({args.items} items), streamed; floor: raw SELECT of those rows + lxml xmlfile")
    floor = timings(lambda: fonds_floor(fonds.pk), args.ead_runs)
    report("floor", floor)
    report(
        "EAD3 of the fonds, streamed",
        timings(lambda: fonds_ead(fonds), args.ead_runs, warm=int(args.ead_runs > 1)),
        floor,
    )
    if not args.memory:
        return
    tracemalloc.start()
    size = fonds_ead(fonds)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"  ({size / 1e6:.0f} MB written; peak traced Python memory while streaming: {peak / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
