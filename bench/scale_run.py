"""One size of `bench/scale.py`: builds a registry of N papers in the data dir (or empty database) it is given,
measures every operation against its floor, loads the pages over HTTP, and writes the figures as JSON.

Run by bench/scale.py in a fresh process per size (a fresh data dir, or a fresh PostgreSQL database); by hand:

    SECRETARIAT_DATA_DIR=/tmp/x .venv/bin/python bench/scale_run.py 10000 --json /tmp/x/figures.json
"""

import argparse
import datetime as dt
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("SECRETARIAT_DATA_DIR", tempfile.mkdtemp(prefix="secretariat-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretariat.settings")
os.environ.setdefault("SECRETARIAT_DEVELOPMENT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django  # noqa: E402

django.setup()

# The other benches' builders and floors (each sets Django up as above when imported).
import audit_verify  # noqa: E402
import desks  # noqa: E402
import exports  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from timing import timings  # noqa: E402

import archive  # noqa: E402
import search  # noqa: E402
from secretariat.accounts.models import Principal, RoleGrant  # noqa: E402
from secretariat.audit import signing  # noqa: E402
from secretariat.audit.models import AuditEvent  # noqa: E402
from secretariat.audit.verification import verify_log  # noqa: E402
from secretariat.cables.models import Control  # noqa: E402
from secretariat.kernel import batches  # noqa: E402
from secretariat.kernel.classification import Classification  # noqa: E402
from secretariat.kernel.statistics import optimise  # noqa: E402
from secretariat.registry import services as registry  # noqa: E402
from secretariat.registry.models import Copy, Document, DocumentVersion  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OVERDUE_EVERY = 10  # one copy in 10 is made overdue (a raw UPDATE of its due date: no service backdates)
CONTROL_EVERY = 10  # one paper in 10 is under a control opened by the member-secretary
ROOM_RARE, ROOM_COMMON = archive.WORD, "ambassador"  # in 1 item in 8; in nearly every item

RAW_OVERDUE = """
SELECT c.id, c.number, c.due_at, d.number, d.level, p.username
FROM registry_copy c JOIN registry_document d ON d.id = c.document_id JOIN accounts_principal p ON p.id = c.holder_id
WHERE c.status = 'issued' AND c.due_at < %(now)s
ORDER BY c.due_at, c.id LIMIT 50
"""
RAW_OVERDUE_COUNT = "SELECT COUNT(*) FROM registry_copy c WHERE c.status = 'issued' AND c.due_at < %(now)s"
RAW_CONTROLS = """
SELECT k.id, k.task, k.status, k.due_at, d.number, p.username
FROM cables_control k JOIN registry_document d ON d.id = k.document_id
LEFT JOIN accounts_principal p ON p.id = k.assignee_id
WHERE k.opened_by_id = %(pid)s
ORDER BY k.opened_at DESC, k.id DESC LIMIT 50
"""
RAW_CONTROLS_COUNT = "SELECT COUNT(*) FROM cables_control k WHERE k.opened_by_id = %(pid)s"


def seconds(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def entry_rows(words: list[str], first: int, count: int) -> list[dict]:
    """Rows of a CSV of register entries (`secretariat import register`), each paper addressed to the member."""
    text = search.texts(words, seed=first)
    return [
        {
            "number": f"S-{i + 1:07d}",
            "title": f"Scale paper {i + 1}",
            "classification": "CONFIDENTIAL",
            "kind": "note",
            "dated": "2026-01-05",
            "pages": "1",
            "signatory": "",
            "distribution": "member",
            "text": next(text),
        }
        for i in range(first, first + count)
    ]


def build(size: int, bulk: int, archive_items: int, words: list[str]) -> dict:
    """The registry: `bulk` papers through the services (register_batch, then issue_copies a batch at a time:
    every audit event kept), the rest by bench/desks.py's bulk_create builder with their search entries inserted
    raw (bench/search.py); the archive by bench/archive.py's builder; the controls and overdue copies raw."""
    signing.create_key()
    registrar, member = desks.people()
    RoleGrant.objects.create(principal=member, role="secretary")  # opens the controls the controls page lists
    reader = Principal.objects.create(username="reader", clearance=1)  # no overdue copies: may be issued more
    RoleGrant.objects.create(principal=reader, role="member")
    built: dict = {"size": size, "bulk": min(bulk, size), "fast": max(size - bulk, 0), "archive_items": archive_items}
    through = built["bulk"]
    if through:
        rows = entry_rows(words, 0, through)
        outcome, built["register_batch_s"] = seconds(lambda: registry.register_batch(registrar, rows))
        assert len(outcome.done) == through and not outcome.refused, outcome.as_json()
        issued, built["issue_batch_s"] = seconds(
            lambda: batches.run(
                ((row["number"], row["number"]) for row in rows),
                lambda number: registry.issue_copies(registrar, number, [member]),
                done=lambda number: False,
            )
        )
        assert len(issued.done) == through, issued.as_json()
        # the floor for the bulk path: bulk_create of the same count of papers and copies, rolled back
        with transaction.atomic():
            _, built["bulk_create_s"] = seconds(lambda: desks.grow(registrar, member, size, through))
            transaction.set_rollback(True)
    if built["fast"]:
        _, built["fast_s"] = seconds(lambda: fast(registrar, member, through, built["fast"], words))
    now = dt.datetime.now(dt.UTC)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE registry_copy SET due_at = %s WHERE id %% {OVERDUE_EVERY} = 0", [now - dt.timedelta(days=5)]
        )
    papers = Document.objects.order_by("id").values_list("id", flat=True)[::CONTROL_EVERY]
    Control.objects.bulk_create(
        (
            Control(
                document_id=paper,
                task=f"Report on paper {paper}",
                assignee=registrar,
                opened_at=now - dt.timedelta(days=k % 30),
                opened_by=member,
                due_at=now + dt.timedelta(days=k % 60 - 10),
            )
            for k, paper in enumerate(papers)
        ),
        batch_size=2000,
    )
    _, built["archive_s"] = seconds(lambda: archive.build(archive_items, 1))
    built["events"] = AuditEvent.objects.count()
    optimise()  # what the server does after each request: the planner's statistics
    return built


def fast(registrar, member, start: int, count: int, words: list[str]) -> None:
    """bench/desks.py's papers and copies, then each paper's first version (a text drawn as the bulk path's are,
    bulk_create) and its search entry (bench/search.py's raw insert of the same text's stems)."""
    desks.grow(registrar, member, start, count)
    fresh = Document.objects.filter(number__startswith="B-").order_by("id").values_list("id", flat=True)
    text = search.texts(words, seed=start)
    keyed: list[tuple[int, str]] = []

    def flush() -> None:
        DocumentVersion.objects.bulk_create(
            DocumentVersion(document_id=pk, number=1, text=t, created_at=desks.ISSUED, created_by=registrar)
            for pk, t in keyed
        )
        search.insert_raw(keyed)
        keyed.clear()

    for pk in fresh.iterator(chunk_size=5000):
        keyed.append((pk, next(text)))
        if len(keyed) == 5000:
            flush()
    if keyed:
        flush()


def one_paper(registrar, member):
    """Register one paper addressed to `member` and issue its copy through the services, in one transaction."""
    counter = iter(range(1, 1_000_000))

    def run() -> None:
        with transaction.atomic():
            paper = registry.register_document(
                registrar,
                number=f"T-{next(counter):06d}",
                title="One more paper",
                classification=Classification.parse("CONFIDENTIAL"),
                text="A paper registered and issued while the register is full.",
                dated=dt.date(2026, 1, 5),
                distribution=[member],
            )
            registry.issue_copies(registrar, paper.number, [member])

    floor_counter = iter(range(1, 1_000_000))

    def floor() -> None:
        """bulk_create of the same paper, its first version and its copy, in one transaction."""
        now = dt.datetime.now(dt.UTC)
        with transaction.atomic():
            (paper,) = Document.objects.bulk_create(
                [
                    Document(
                        number=f"F-{next(floor_counter):06d}",
                        title="One more paper",
                        level=1,
                        initial_level=1,
                        dated=dt.date(2026, 1, 5),
                        copies_made=1,
                        registered_at=now,
                        registered_by=registrar,
                    )
                ]
            )
            if paper.pk is None:
                paper = Document.objects.get(number=paper.number)
            DocumentVersion.objects.bulk_create(
                [DocumentVersion(document=paper, number=1, text="A paper.", created_at=now, created_by=registrar)]
            )
            Copy.objects.bulk_create(
                [Copy(document=paper, number=1, holder=member, issued_at=now, issued_by=registrar, due_at=now)]
            )

    return run, floor


def room(word: str):
    def page():
        archive.WORD = word  # archive.py's search functions read the word from its module
        return archive.search_page_sliced()

    def floor():
        archive.WORD = word
        return archive.raw_search()

    return page, floor


def measure(registrar, member, words: list[str], runs: int) -> list[dict]:
    settings.ALLOWED_HOSTS = ["*"]
    as_member, as_registrar = Client(), Client()
    as_member.force_login(member)
    as_registrar.force_login(registrar)
    now = dt.datetime.now(dt.UTC)
    common, rare = words[0], words[len(words) // 2]
    start_key = (dt.datetime(1900, 1, 1, tzinfo=dt.UTC), 0)
    register_one, register_floor = one_paper(registrar, Principal.objects.get(username="reader"))
    for word in (ROOM_RARE, ROOM_COMMON):
        archive.WORD = word
        archive.check_search()  # the raw floor finds the room's rows
    operations = [
        ("in-tray", desks.page(as_member, "/in-tray/"), desks.raw(desks.RAW_IN_TRAY, desks.RAW_IN_TRAY_COUNT, {"holder": member.pk}), "raw SELECT of 50 copies + COUNT"),
        ("register", desks.page(as_registrar, "/registry/"), desks.raw(desks.RAW_REGISTER, desks.RAW_REGISTER_COUNT, {"now": now}), "raw SELECT of 50 papers + balances + COUNT"),
        ("overdue", desks.page(as_registrar, "/registry/overdue/"), desks.raw(RAW_OVERDUE, RAW_OVERDUE_COUNT, {"now": now}), "raw SELECT of 50 overdue copies + COUNT"),
        ("controls page", desks.page(as_member, "/cable-desk/controls/"), desks.raw(RAW_CONTROLS, RAW_CONTROLS_COUNT, {"pid": member.pk}), "raw SELECT of 50 controls + COUNT"),
        ("OAI ListRecords page (100)", lambda: exports.respond({"verb": "ListRecords", "metadataPrefix": "oai_dc"}), lambda: exports.page_floor(start_key), "raw SELECT of 100 items + lxml"),
        ("EAD3 ListRecords page (100)", lambda: exports.respond({"verb": "ListRecords", "metadataPrefix": "ead"}), lambda: exports.page_floor(start_key), "raw SELECT of 100 items + lxml"),
        ("reading room search, rare word", *room(ROOM_RARE), "raw ranked SELECT of 20 items"),
        ("reading room search, common word", *room(ROOM_COMMON), "raw ranked SELECT of 20 items"),
        ("staff search, rare word", desks.page(as_member, f"/search/?q={rare}"), lambda: search.raw_page(rare), "raw index count + top 20"),
        ("staff search, common word", desks.page(as_member, f"/search/?q={common}"), lambda: search.raw_page(common), "raw index count + top 20"),
        ("register + issue one paper", register_one, register_floor, "bulk_create of the paper, its version, its copy"),
    ]  # fmt: skip
    out = []
    for name, fn, floor, floor_name in operations:
        measured, floor_ms = timings(fn, runs, warm=2), timings(floor, runs, warm=2)
        out.append(
            {
                "op": name,
                "ms": statistics.median(measured),
                "floor_ms": statistics.median(floor_ms),
                "floor": floor_name,
            }
        )
        print(f"  {name:<36} {out[-1]['ms']:9.2f} ms  floor {out[-1]['floor_ms']:8.2f} ms  ({floor_name})", flush=True)
    out.append(verify())
    print(f"  audit verify {out[-1]['ms']:.1f} ms, floor {out[-1]['floor_ms']:.1f} ms", flush=True)
    return out


def verify() -> dict:
    canonical = [event.canonical() for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=5000)]
    root, floor = seconds(lambda: audit_verify.hashlib_floor(canonical))
    report, spent = seconds(verify_log)
    assert report.ok and report.root == root, report.as_json()
    return {
        "op": f"audit verify (whole log, {len(canonical)} events)",
        "ms": spent * 1000,
        "floor_ms": floor * 1000,
        "floor": "hashlib RFC 6962 tree",
    }


# --- HTTP load -------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(conn: http.client.HTTPConnection, path: str, cookie: str | None) -> int:
    conn.request("GET", path, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"} if cookie else {})
    response = conn.getresponse()
    response.read()
    return response.status


def load(port: int, path: str, cookie: str | None, concurrency: int, duration: float, limit: int = 100_000) -> dict:
    """`concurrency` threads GET `path` on 127.0.0.1 for `duration` seconds (at most `limit` requests in all),
    each on its own kept-alive connection; requests per second answered 200."""
    deadline = time.perf_counter() + duration
    lock, counts = threading.Lock(), {"ok": 0, "bad": 0}

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        ok, bad, kinds = 0, 0, set()
        while time.perf_counter() < deadline and ok + bad < limit // concurrency:
            try:
                status = get(conn, path, cookie)
            except http.client.RemoteDisconnected:  # the server closed a kept-alive connection: open another
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                bad += 1
                kinds.add(type(exc).__name__)
                continue
            if status == 200:
                ok += 1
            else:
                bad += 1
                kinds.add(str(status))
        conn.close()
        with lock:
            counts["ok"] += ok
            counts["bad"] += bad
            counts.setdefault("kinds", set()).update(kinds)

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for _ in range(concurrency):
            pool.submit(worker)
    elapsed = time.perf_counter() - start
    return {"rps": counts["ok"] / elapsed, "errors": counts["bad"], "error_kinds": sorted(counts.get("kinds", ()))}


def session(principal) -> str:
    client = Client()
    client.force_login(principal)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def http_load(registrar, member, words: list[str], duration: float, levels=(1, 8, 32)) -> list[dict]:
    """`secretariat serve` (gunicorn, 2 workers x 4 threads) on a free port of 127.0.0.1 against this data, then
    each page at each concurrency; the login page (no database) is the reference."""
    cookie, registrar_cookie = session(member), session(registrar)
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "secretariat"), "serve", "--port", str(port), "--workers", "2", "--threads", "4"],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,  # gunicorn's access log
        stderr=(settings.DATA_DIR / "serve-errors.log").open("w"),  # its error log, and any traceback
    )  # fmt: skip
    try:
        for _ in range(300):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                if get(conn, "/login/", None) == 200:
                    break
            except OSError:
                time.sleep(0.1)
        pages = [
            ("login page (no database)", "/login/", None),
            ("in-tray", "/in-tray/", cookie),
            ("register", "/registry/", registrar_cookie),
            (f"staff search ({words[len(words) // 2]})", f"/search/?q={words[len(words) // 2]}", cookie),
        ]
        out = []
        for name, path, with_cookie in pages:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            assert get(conn, path, with_cookie) == 200, (path, "not served")
            for level in levels:
                figures = load(port, path, with_cookie, level, duration)
                out.append({"page": name, "c": level, **figures})
                print(
                    f"  HTTP {name:<34} c={level:<3} {figures['rps']:8.1f} req/s  errors {figures['errors']} {figures['error_kinds']}"
                )
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", type=int)
    parser.add_argument("--bulk", type=int, default=20_000, help="papers built through the services (the rest fast)")
    parser.add_argument("--archive-items", type=int, default=None, help="published archive items (min(N, 100k))")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--http-seconds", type=float, default=3.0)
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    words = search.vocabulary()
    print(f"{connection.vendor}: {args.size} papers", flush=True)
    items = args.archive_items if args.archive_items is not None else min(args.size, 100_000)
    built, build_s = seconds(lambda: build(args.size, args.bulk, items, words))
    built["build_s"] = build_s
    print(f"  built in {build_s:.0f} s: {json.dumps(built)}", flush=True)
    registrar = Document.objects.order_by("id").first().registered_by
    member = Copy.objects.order_by("id").first().holder
    operations = measure(registrar, member, words, args.runs)
    served = http_load(registrar, member, words, args.http_seconds) if args.http_seconds > 0 else []
    args.json.write_text(
        json.dumps(
            {"engine": connection.vendor, "size": args.size, "built": built, "ops": operations, "http": served},
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
