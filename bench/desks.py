"""Desks whose cost is the page, not the archive (issue 13): the in-tray and the register, whole pages through
Django's test client (middleware, session, the desk guard, the access rule, the template), against a raw SQL floor
doing the same join through the same connection, in the same run.

Builds N papers straight into the tables (as register_document and issue_copies would leave them, without their
audit events: the pages do not read those), each with one copy issued to one member, so that the member's
in-tray holds N copies and the register N papers. Then, warm, for each size:
- the member's in-tray (`/in-tray/`: the first page of copies, and the empty controls) against a raw SELECT of
  the same 50 copies joined to their papers and those papers' compartments, plus the COUNT the pager needs;
- the registrar's register (`/registry/`: the first page with each paper's balance, the overdue panel) against a
  raw SELECT of the same 50 papers with their copies counted by state (LEFT JOIN, GROUP BY), plus the COUNT.
It also prints the queries each page asked.

    .venv/bin/python bench/desks.py [--sizes 10000 100000] [--runs 20]
    SECRETARIAT_DATABASE_URL=postgres://…/empty_db .venv/bin/python bench/desks.py
"""

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SECRETARIAT_DATA_DIR", tempfile.mkdtemp(prefix="secretariat-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretariat.settings")
os.environ.setdefault("SECRETARIAT_DEVELOPMENT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from timing import report, timings  # noqa: E402

from secretariat.accounts.models import Principal, RoleGrant, Unit  # noqa: E402
from secretariat.registry.models import Copy, Document  # noqa: E402

ISSUED = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)

RAW_IN_TRAY = """
SELECT c.id, c.number, c.issued_at, c.due_at, d.number, d.copies_made, d.level,
       (SELECT COUNT(*) FROM registry_document_compartments dc WHERE dc.document_id = d.id)
FROM registry_copy c JOIN registry_document d ON d.id = c.document_id
WHERE c.holder_id = %(holder)s AND c.status = 'issued'
ORDER BY d.number, c.number LIMIT 50
"""
RAW_IN_TRAY_COUNT = "SELECT COUNT(*) FROM registry_copy c WHERE c.holder_id = %(holder)s AND c.status = 'issued'"

RAW_REGISTER = """
SELECT d.id, d.number, d.level, d.copies_made,
       COUNT(c.id), SUM(CASE WHEN c.status = 'issued' THEN 1 ELSE 0 END),
       SUM(CASE WHEN c.status = 'returned' THEN 1 ELSE 0 END)
FROM registry_document d LEFT JOIN registry_copy c ON c.document_id = d.id
WHERE d.registered_at <= %(now)s
GROUP BY d.id, d.number, d.level, d.copies_made
ORDER BY d.number, d.id LIMIT 50
"""
RAW_REGISTER_COUNT = "SELECT COUNT(*) FROM registry_document d WHERE d.registered_at <= %(now)s"


def people():
    unit = Unit.objects.create(code="registry", name="Registry")
    registrar = Principal.objects.create(username="registrar", clearance=1, unit=unit)
    member = Principal.objects.create(username="member", clearance=1)
    RoleGrant.objects.create(principal=registrar, role="registrar")
    RoleGrant.objects.create(principal=member, role="member")
    return registrar, member


@transaction.atomic
def grow(registrar, member, start: int, count: int) -> None:
    """Papers start+1 … start+count (B-000001 …), CONFIDENTIAL, each with copy 1 issued to the member."""
    batch = 5000
    for first in range(start, start + count, batch):
        last = min(first + batch, start + count)
        papers = Document.objects.bulk_create(
            [
                Document(
                    number=f"B-{i + 1:06d}",
                    title=f"Paper {i + 1}",
                    level=1,
                    initial_level=1,
                    dated=ISSUED.date(),
                    copies_made=1,
                    registered_at=ISSUED,
                    registered_by=registrar,
                    return_days=30,
                )
                for i in range(first, last)
            ]
        )
        if connection.vendor == "sqlite":  # bulk_create sets no ids there before SQLite 3.35's RETURNING
            papers = list(Document.objects.filter(number__in=[p.number for p in papers]))
        Copy.objects.bulk_create(
            [
                Copy(
                    document=paper,
                    number=1,
                    holder=member,
                    issued_at=ISSUED,
                    issued_by=registrar,
                    due_at=ISSUED + dt.timedelta(days=3650),
                )
                for paper in papers
            ]
        )


def page(client: Client, url: str):
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return get


def raw(sql: str, count_sql: str, params: dict):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            cursor.execute(count_sql, params)
            cursor.fetchone()
        assert len(rows) == 50

    return run


def queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    registrar, member = people()
    as_member, as_registrar = Client(), Client()
    as_member.force_login(member)
    as_registrar.force_login(registrar)
    print(f"engine: {connection.vendor}")
    built = 0
    for size in sorted(args.sizes):
        started = time.perf_counter()
        grow(registrar, member, built, size - built)
        built = size
        print(f"\n{size} papers, {size} copies held by one member (built in {time.perf_counter() - started:.0f} s)")
        now = dt.datetime.now(dt.UTC)
        in_tray, register = page(as_member, "/in-tray/"), page(as_registrar, "/registry/")
        in_tray_floor = raw(RAW_IN_TRAY, RAW_IN_TRAY_COUNT, {"holder": member.pk})
        register_floor = raw(RAW_REGISTER, RAW_REGISTER_COUNT, {"now": now})
        floor, measured = timings(in_tray_floor, args.runs, warm=2), timings(in_tray, args.runs, warm=2)
        report("floor: raw SELECT of 50 copies + COUNT", floor)
        report(f"in-tray, whole page ({queries(in_tray)} queries, warm)", measured, floor)
        floor, measured = timings(register_floor, args.runs, warm=2), timings(register, args.runs, warm=2)
        report("floor: raw SELECT of 50 papers + balances + COUNT", floor)
        report(f"register, whole page ({queries(register)} queries, warm)", measured, floor)


if __name__ == "__main__":
    main()
