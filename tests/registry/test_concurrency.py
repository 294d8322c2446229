"""rule 6 of docs/architecture.md under real concurrency: several processes at once, on SQLite and PostgreSQL.

Each test builds a fresh database (a new SQLite data dir, or a new PostgreSQL database on the
configured server) through the real `secretariat` command, never the pytest-django test
database: the audit log refuses DELETE and TRUNCATE, so Django's flush cannot reset it.

Worker processes are started together and held at a barrier (each signals "ready" once Django
is set up and connected, then waits for a "go" file), so their transactions really overlap.
A worker calls the same service functions the CLI calls, in a loop, and reports what it got;
plain CLI invocations run alongside them. Nothing is retried: a "database is locked", a
deadlock, a serialization failure or a duplicate number fails the test.

Afterwards: every process exited 0; the numbers of each series are exactly 1..n; the copies a
worker was told it got are the ones the database holds; `documents.copies_made` matches; the
audit log verifies (including two signed checkpoints taken while it grew), holds exactly one
event per change, and lists the allocations in the order of their numbers (the lock that hands
out a number is held until the audit event of that number is committed).

The engine is the one of the pass: SQLite, or PostgreSQL when SECRETARIAT_DATABASE_URL is set
(a role that may CREATE DATABASE), as in CI's second pass.
"""

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.cli import OFFICER_PASSWORD, PG_URL, migrated, scratch_database

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
SECRETARIAT = str(BIN / "secretariat")

WORKERS = 8  # driver processes per scenario
CALLS = 20  # service calls per driver
HOLDERS = [f"h{i}" for i in range(1, 9)]
TIMEOUT = 120  # seconds for any one process; the whole scenario takes a few

# The engine of this pass: CI runs the whole suite once on SQLite and once with
# SECRETARIAT_DATABASE_URL set, so each engine is exercised once, with nothing skipped.
ENGINE = "postgresql" if PG_URL else "sqlite"

# Run by each worker with `python -c DRIVER SPEC_JSON`. SPEC: {"id", "barrier", "kind", "plan"|"count", ...}.
DRIVER = r"""
import json, sys, time
from pathlib import Path

import django

django.setup()

from django.db import connection

from secretariat.accounts.models import Principal
from secretariat.kernel.classification import Classification
from secretariat.registry import services
import datetime as dt

spec = json.loads(sys.argv[1])
barrier = Path(spec["barrier"])
people = {p.username: p for p in Principal.objects.prefetch_related("compartments", "role_grants")}
reg = people["reg"]
connection.ensure_connection()

(barrier / f"ready-{spec['id']}").touch()
deadline = time.monotonic() + 60
while not (barrier / "go").exists():
    if time.monotonic() > deadline:
        sys.exit("no go signal within 60 s")
    time.sleep(0.002)

started = time.monotonic()
results = []
if spec["kind"] == "issue":
    for number, holders in spec["plan"]:
        copies = services.issue_copies(reg, number, [people[h] for h in holders])
        results.append([number, [[c.number, c.holder.username] for c in copies]])
else:
    for k in range(spec["count"]):
        document = services.register_document(
            reg,
            series=spec["series"],
            title=f"worker {spec['id']} paper {k}",
            classification=Classification.parse("SECRET"),
            text="Concurrent registration.",
            dated=dt.date(2026, 1, 1),
        )
        results.append(document.number)
print(json.dumps({"id": spec["id"], "seconds": time.monotonic() - started, "results": results}))
"""


class Site:
    """One fresh database and data dir, driven through subprocesses."""

    def __init__(self, engine: str, data_dir: Path, database_url: str | None):
        self.engine = engine
        self.data_dir = data_dir
        self.database_url = database_url
        env = {k: v for k, v in os.environ.items() if not k.startswith("SECRETARIAT_")}
        env.update(
            SECRETARIAT_DATA_DIR=str(data_dir),
            DJANGO_SETTINGS_MODULE="secretariat.settings",
            PYTHONUNBUFFERED="1",
        )
        if database_url:
            env["SECRETARIAT_DATABASE_URL"] = database_url
        self.env = env

    def popen(self, args: list[str], stdin: str | None = None) -> subprocess.Popen:
        process = subprocess.Popen(
            args,
            env=self.env,
            cwd=self.data_dir,
            stdin=subprocess.PIPE if stdin is not None else None,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        if stdin is not None:  # a line or two: fits the pipe; `finish` (communicate) closes it
            process.stdin.write(stdin)
            process.stdin.flush()
        return process

    def run(self, *args: str, ok: tuple[int, ...] = (0,), stdin: str | None = None) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [SECRETARIAT, *args],
            env=self.env,
            cwd=self.data_dir,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert done.returncode in ok, f"secretariat {' '.join(args)} -> {done.returncode}\n{done.stdout}\n{done.stderr}"
        return done

    def json(self, *args: str, ok: tuple[int, ...] = (0,), stdin: str | None = None):
        return json.loads(self.run(*args, "--json", ok=ok, stdin=stdin).stdout)

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.Popen:
        return self.popen([SECRETARIAT, *args], stdin)

    def install(self) -> None:
        """The two officers; the security officer activates their account (password OFFICER_PASSWORD)."""
        made = self.json("principal", "bootstrap", "admin", "security")
        code = next(row["activation_code"] for row in made if row["username"] == "security")
        self.run("principal", "activate", "security", stdin=f"{code}\n{OFFICER_PASSWORD}\n")

    def approve(self, request: dict) -> subprocess.Popen:
        approval = ("principal", "approve", str(request["id"]), "--as", "security", "--secret-stdin")
        return self.cli(*approval, stdin=OFFICER_PASSWORD + "\n")

    def driver(self, spec: dict) -> subprocess.Popen:
        return self.popen([sys.executable, "-c", DRIVER, json.dumps(spec)])


def finish(processes: list[subprocess.Popen]) -> list[str]:
    """Wait for all; every one must have exited 0. Returns their standard outputs."""
    outputs, failures = [], []
    for p in processes:
        try:
            out, err = p.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        outputs.append(out)
        if p.returncode != 0:
            failures.append(f"{' '.join(p.args[:2])} … exited {p.returncode}\n{err[-3000:]}")
    assert not failures, "\n\n".join(failures)
    return outputs


def release(barrier: Path, workers: list[subprocess.Popen], timeout: float = 60) -> None:
    """Wait until every worker is set up and connected, then let them all go at once."""
    deadline = time.monotonic() + timeout
    while len(list(barrier.glob("ready-*"))) < len(workers):
        crashed = [p for p in workers if p.poll() not in (None, 0)]
        assert not crashed, "a worker died before the barrier:\n" + "\n".join(p.communicate()[1] for p in crashed)
        assert time.monotonic() < deadline, "workers did not reach the barrier in time"
        time.sleep(0.01)
    (barrier / "go").touch()


@pytest.fixture
def site(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if ENGINE == "sqlite":
        yield Site("sqlite", data_dir, None)
        return
    with scratch_database("secretariat_conc") as url:
        yield Site("postgresql", data_dir, url)


def set_up(site: Site, documents: tuple[str, ...] = (), holders: bool = True) -> None:
    """Migrate, the two officers, a registrar, eight holders (asked for and approved concurrently), and the documents."""
    if site.engine == "sqlite":
        migrated(site.data_dir)
    else:
        site.run("migrate", "-v0")
    site.install()
    staff = [
        site.json("principal", "add", "--as", "admin", name, "--clearance", "TOP SECRET", "--roles", role)
        for name, role in (("reg", "registrar"), ("auditor", "auditor"))
    ]
    finish([site.approve(request) for request in staff])
    if not holders:
        return
    asked = finish(
        [
            site.cli("principal", "add", "--as", "admin", h, "--clearance", "TOP SECRET", "--roles", "member", "--json")
            for h in HOLDERS
        ]
    )
    finish([site.approve(json.loads(out)) for out in asked])
    text = site.data_dir / "text.txt"
    text.write_text("The draft is to be approved.\n", encoding="utf-8")
    for number in documents:
        site.json(
            "document", "register", "--as", "reg", "--number", number, "--title", f"Extract {number}",
            "--classification", "TOP SECRET", "--text-file", str(text), "--dated", "1977-02-18",
            "--to", ",".join(HOLDERS),
        )  # fmt: skip


def audit_events(site: Site) -> tuple[list[dict], dict]:
    """The whole log, after checking it verifies and that its size is its number of events."""
    report = site.json("audit", "verify")
    assert report["ok"] is True and report["problems"] == [], report
    events = site.json("audit", "log", "--as", "auditor", "--limit", "1000000")
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert report["size"] == len(events)
    return events, report


def issue_plan(worker: int) -> list[tuple[str, list[str]]]:
    """CALLS issues, mostly of P46/X, some of P46/Y; holders cycle; every fourth call is a batch."""
    plan = []
    for k in range(CALLS):
        number = "P46/Y" if (worker + k) % 3 == 0 else "P46/X"
        size = 1 + (k % 4 == 3) * (1 + worker % 3)  # 1, or a batch of 2-4 distinct holders
        first = worker + k
        plan.append((number, [HOLDERS[(first + j) % len(HOLDERS)] for j in range(size)]))
    return plan


def test_processes_issuing_at_once_get_unique_gap_free_copy_numbers(site, tmp_path):
    started = time.monotonic()
    set_up(site, documents=("P46/X", "P46/Y"))
    setup_seconds = time.monotonic() - started

    barrier = tmp_path / "barrier"
    barrier.mkdir()
    plans = {w: issue_plan(w) for w in range(WORKERS)}
    workers = [
        site.driver({"id": w, "barrier": str(barrier), "kind": "issue", "plan": plans[w]}) for w in range(WORKERS)
    ]
    release(barrier, workers)
    # Plain CLI issues land in the middle of the drivers' run (they start up in ~0.5 s).
    cli_batches = [("P46/X", ["h1", "h2"]), ("P46/X", ["h3"]), ("P46/Y", ["h4", "h5", "h6"]), ("P46/X", ["h7"])]
    cli_batches += [("P46/Y", ["h8"]), ("P46/X", ["h2", "h4", "h6", "h8"])]
    clis = [site.cli("copies", "issue", "--as", "reg", n, "--to", ",".join(hs), "--json") for n, hs in cli_batches]
    # Signed checkpoints of the tree head, taken while the log grows.
    checkpoints = [site.cli("audit", "checkpoint", "--as", "auditor", "--json") for _ in range(2)]
    outputs = finish(workers + clis + checkpoints)
    run_seconds = time.monotonic() - started - setup_seconds

    # What each process was told it got.
    told: dict[str, dict[int, str]] = {"P46/X": {}, "P46/Y": {}}
    expected = Counter()
    for out, w in zip(outputs[:WORKERS], range(WORKERS), strict=True):
        report = json.loads(out)
        for (number, pairs), (planned_number, planned_holders) in zip(report["results"], plans[w], strict=True):
            assert number == planned_number and [h for _, h in pairs] == planned_holders
            for copy, holder in pairs:
                assert copy not in told[number], f"copy {copy} of {number} handed out twice"
                told[number][copy] = holder
        for number, holders in plans[w]:
            expected[number] += len(holders)
    for out, (number, holders) in zip(outputs[WORKERS : WORKERS + len(clis)], cli_batches, strict=True):
        copies = json.loads(out)
        assert [c["holder"] for c in copies] == holders
        for c in copies:
            assert c["copy"] not in told[number], f"copy {c['copy']} of {number} handed out twice"
            told[number][c["copy"]] = c["holder"]
        expected[number] += len(holders)

    # What the registry holds: 1..total, no gap, no duplicate, as told; copies_made agrees.
    for number, total in expected.items():
        listed = site.json("copies", "list", "--as", "reg", number)
        numbers = [c["copy"] for c in listed]
        assert sorted(numbers) == list(range(1, total + 1)), f"{number}: {numbers}"
        assert {c["copy"]: c["holder"] for c in listed} == told[number]
        assert {c["of"] for c in listed} == {total}  # documents.copies_made

    # The audit log: verifies; one copy.issued event per copy; in copy-number order per document.
    events, report = audit_events(site)
    signed = [e for e in events if e["action"] == "audit.checkpoint"]  # the auditor's two, and the log's own
    assert report["checkpoints_checked"] == len(signed)
    assert sorted(json.loads(out)["tree_size"] for out in outputs[-2:]) == [
        e["seq"] for e in signed if e["actor"] == "auditor"
    ]
    assert [e["data"] for e in signed if e["actor"] != "auditor"] == [{"trigger": "every 100 events"}] * (
        len(events) // 100
    )
    issued = [e for e in events if e["action"] == "copy.issued"]
    assert len(issued) == sum(expected.values())
    for number, total in expected.items():
        in_log_order = [e["data"]["copy"] for e in issued if e["data"]["document"] == number]
        assert in_log_order == list(range(1, total + 1)), f"{number}: audit order {in_log_order}"
        assert {e["data"]["copy"]: e["data"]["holder"] for e in issued if e["data"]["document"] == number} == told[
            number
        ]
    interleaved = sum(
        1
        for out in outputs[:WORKERS]
        for number in told
        if not _contiguous([c for n, pairs in json.loads(out)["results"] if n == number for c, _ in pairs])
    )
    print(
        f"\n[{site.engine}] setup {setup_seconds:.1f}s; {WORKERS} drivers x {CALLS} calls + {len(clis)} CLI issues "
        f"+ 2 checkpoints -> {dict(expected)} copies in {run_seconds:.1f}s; driver loop times "
        + ", ".join(f"{json.loads(o)['seconds']:.1f}" for o in outputs[:WORKERS])
        + f"; {interleaved} of {WORKERS * len(told)} (driver, document) runs interleaved with others"
    )


def _contiguous(numbers: list[int]) -> bool:
    return numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else True


def test_processes_registering_at_once_get_unique_gap_free_numbers(site, tmp_path):
    """The series row does not exist yet when they start: its creation races too."""
    started = time.monotonic()
    set_up(site, holders=False)
    setup_seconds = time.monotonic() - started

    barrier = tmp_path / "barrier"
    barrier.mkdir()
    drivers, per_driver = 4, 10
    workers = [
        site.driver({"id": w, "barrier": str(barrier), "kind": "register", "series": "GD", "count": per_driver})
        for w in range(drivers)
    ]
    release(barrier, workers)
    text = site.data_dir / "cable.txt"
    text.write_text("Wire when you have done it.\n", encoding="utf-8")
    clis = [
        site.cli(
            "document",
            "register",
            "--as",
            "reg",
            "--series",
            "GD",
            "--title",
            f"CLI paper {k}",
            "--classification",
            "SECRET",
            "--text-file",
            str(text),
            "--dated",
            "2026-01-01",
            "--json",
        )  # fmt: skip
        for k in range(6)
    ]
    outputs = finish(workers + clis)
    run_seconds = time.monotonic() - started - setup_seconds

    told = [n for out in outputs[:drivers] for n in json.loads(out)["results"]]
    told += [json.loads(out)["number"] for out in outputs[drivers:]]
    total = drivers * per_driver + len(clis)
    assert sorted(told) == sorted(f"GD-{k}" for k in range(1, total + 1)), told

    registered = [d["number"] for d in site.json("document", "list", "--as", "reg", "--register")]
    assert sorted(registered) == sorted(told)

    events, _ = audit_events(site)
    in_log_order = [e["data"]["number"] for e in events if e["action"] == "document.registered"]
    assert in_log_order == [f"GD-{k}" for k in range(1, total + 1)]
    interleaved = sum(
        1 for out in outputs[:drivers] if not _contiguous([int(n[3:]) for n in json.loads(out)["results"]])
    )
    print(
        f"\n[{site.engine}] setup {setup_seconds:.1f}s; {drivers} drivers x {per_driver} + {len(clis)} CLI "
        f"registrations -> GD-1..GD-{total} in {run_seconds:.1f}s; {interleaved} of {drivers} drivers interleaved"
    )
