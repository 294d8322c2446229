"""Sweeps leased (kernel/leases.py): with the crontab on two app servers, each sweep runs once.

The real `secretariat` runs in processes started together against one database (a file SQLite in a
temp dir, or a scratch PostgreSQL database when SECRETARIAT_DATABASE_URL is set): the escalation's
event, its mail and its signed head happen once, and the other process says who swept and exits 0.
A lease left by a node that died is taken over once it has expired; one given back after an error
is free at once. The acquire statement itself: many threads at once, exactly one winner.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import PG_URL, SECRETARIAT, demo_on_postgresql, env_for, migrated, scratch_database

pytestmark = pytest.mark.slow

LATE = "1977-03-11T09:00:00+03:00"  # P47/5's control was due on 10 March 1977
HELD = "control escalate: another node ("


class Site:
    def __init__(self, data_dir: Path, url: str | None):
        self.data_dir, self.url = data_dir, url

    def env(self, **extra) -> dict:
        return env_for(self.data_dir, self.url) | extra

    def start(self, *args: str, when: str = LATE) -> subprocess.Popen:
        return subprocess.Popen(
            [SECRETARIAT, *args],
            env=self.env(SECRETARIAT_CLOCK=when),
            cwd=self.data_dir,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *args: str, when: str = LATE) -> subprocess.CompletedProcess:
        process = self.start(*args, when=when)
        out, err = process.communicate(timeout=120)
        return subprocess.CompletedProcess(args, process.returncode, out, err)

    def python(self, code: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()\n" + code],
            env=self.env(),
            cwd=self.data_dir,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def events(self) -> list[dict]:
        result = self.run("audit", "log", "--as", "auditor", "--limit", "1000000", "--json")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def demo_site(demo_data_dir, request):
    """The reference case in a data dir: its own SQLite file, or a copy of the run's demo database on PostgreSQL."""
    if not PG_URL:
        site = Site(demo_data_dir, None)
        site.python(FORGET_LEASES)  # the build's own sweeps hold theirs for a few seconds more
        yield site
        return
    data_dir = demo_data_dir / "pg"
    with demo_on_postgresql(request.getfixturevalue("golden_demo_database"), "secretariat_lease", data_dir) as url:
        site = Site(data_dir, url)
        site.python(FORGET_LEASES)
        yield site


FORGET_LEASES = "from secretariat.kernel.models import Lease\nLease.objects.all().delete()"


def escalations(events: list[dict]) -> tuple[int, int]:
    """(control.escalated events, heads signed after an escalation sweep)."""
    escalated = sum(e["action"] == "control.escalated" for e in events)
    signed = sum(e["action"] == "audit.checkpoint" and e["data"].get("trigger") == "control escalate" for e in events)
    return escalated, signed


def test_two_nodes_running_the_crontab_escalate_once(demo_site):
    before = escalations(demo_site.events())
    nodes = [demo_site.start("control", "escalate") for _ in range(2)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in nodes]
    assert [code for code, _, _ in results] == [0, 0], results
    outs = sorted(out for _, out, _ in results)
    assert outs[0].startswith(HELD) and outs[0].rstrip().endswith("; nothing done"), outs
    assert outs[0].count("\n") == 1
    assert outs[1].startswith("escalated 1 overdue control(s)"), outs
    mails = "".join(err for _, _, err in results)
    assert mails.count("Subject: Overdue: control") == 1
    assert escalations(demo_site.events()) == (before[0] + 1, before[1] + 1)

    # The archive's daily job likewise: one head signed for both nodes' runs.
    swept = [demo_site.start("archive", "sweep", when="2040-01-01") for _ in range(2)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in swept]
    assert [code for code, _, _ in results] == [0, 0], results
    assert sum(out.startswith("archive sweep: another node (") for _, out, _ in results) == 1
    signed = [e for e in demo_site.events() if e["data"].get("trigger") == "archive sweep"]
    assert sum(e["at"].startswith("2040-01-01") for e in signed) == 1


SET_LEASE = """
import datetime as dt
from django.utils import timezone
from secretariat.kernel.models import Lease
now = timezone.now()
Lease.objects.update_or_create(name="control escalate", defaults=dict(
    holder="dead-node:4242", acquired_at=now - dt.timedelta(minutes=30),
    expires_at=now + dt.timedelta(minutes={minutes}), finished_at=None))
"""


def test_a_lease_held_is_respected_and_an_expired_one_taken_over(demo_site):
    before = escalations(demo_site.events())
    demo_site.python(SET_LEASE.format(minutes=5))  # a node sweeping now, for 5 minutes more
    held = demo_site.run("control", "escalate", "--json")
    assert held.returncode == 0, held.stderr
    said = json.loads(held.stdout)
    assert (said["done"], said["holder"], said["finished_at"]) == (False, "dead-node:4242", None)
    assert said["message"].startswith("control escalate: another node (dead-node:4242) is sweeping since ")
    assert escalations(demo_site.events()) == before

    demo_site.python(SET_LEASE.format(minutes=-1))  # that node died: its lease expired a minute ago
    taken = demo_site.run("control", "escalate")
    assert taken.returncode == 0 and taken.stdout.startswith("escalated 1 overdue control(s)"), taken
    assert escalations(demo_site.events()) == (before[0] + 1, before[1] + 1)
    holder = demo_site.python(
        "from secretariat.kernel.models import Lease\n"
        "lease = Lease.objects.get(name='control escalate')\n"
        "print(lease.holder, lease.finished_at is not None)"
    )
    assert not holder.startswith("dead-node") and holder.split()[1] == "True"


def test_the_lease_is_given_back_after_an_error_in_the_sweep(demo_site):
    before = escalations(demo_site.events())
    key = demo_site.data_dir / "keys" / "audit-ed25519.pem"
    if not key.exists():  # the PostgreSQL site's data dir is its own
        key = next(demo_site.data_dir.rglob("audit-ed25519.pem"))
    aside = key.with_suffix(".aside")
    shutil.move(key, aside)  # the sweep cannot sign its head: a fault, nothing escalated
    failed = demo_site.run("control", "escalate")
    assert failed.returncode == 3 and "Traceback" not in failed.stderr, failed
    shutil.move(aside, key)
    again = demo_site.run("control", "escalate")  # another process, at once: the lease is free
    assert again.returncode == 0 and again.stdout.startswith("escalated 1 overdue control(s)"), again
    assert escalations(demo_site.events()) == (before[0] + 1, before[1] + 1)


RACE = """
import datetime as dt, threading
from django.db import connection
from django.utils import timezone
from secretariat.kernel import leases
from secretariat.kernel.models import Lease

THREADS = 8
def race(name):
    barrier, won = threading.Barrier(THREADS), []
    def take(i):
        barrier.wait()
        try:
            if leases.acquire(name, dt.timedelta(minutes=5), holder=f"t{{i}}") is not None:
                won.append(i)
        finally:
            connection.close()
    threads = [threading.Thread(target=take, args=(i,)) for i in range(THREADS)]
    for t in threads: t.start()
    for t in threads: t.join()
    return won

results = []
for round in range({rounds}):
    name = f"race {{round}}"
    results.append(len(race(name)))            # a new lease: one inserts, the rest find it taken
    Lease.objects.filter(name=name).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    results.append(len(race(name)))            # its holder died: one takes it over
print(results)
"""


@pytest.fixture
def empty_site(tmp_path):
    data_dir = tmp_path / "data"
    if not PG_URL:
        migrated(data_dir)  # a file database in a temp dir: real concurrency, as on a server
        yield Site(data_dir, None)
        return
    with scratch_database("secretariat_race") as url:
        data_dir.mkdir()
        site = Site(data_dir, url)
        assert site.run("migrate", "-v0").returncode == 0
        yield site


def test_threads_taking_one_lease_at_once_have_one_winner(empty_site):
    out = empty_site.python(RACE.format(rounds=5))
    assert out.strip() == str([1] * 10)


def test_the_desks_sweep_button_says_another_node_sweeps_and_does_nothing(demo, login):
    import datetime as dt

    from django.utils import timezone

    from secretariat.archive.models import Review
    from secretariat.audit.models import AuditEvent
    from secretariat.kernel import clock
    from secretariat.kernel.models import Lease

    now = timezone.now()
    Lease.objects.update_or_create(
        name="archive sweep",
        defaults={
            "holder": "node-b:77",
            "acquired_at": now,
            "expires_at": now + dt.timedelta(hours=1),
            "finished_at": None,
        },  # fmt: skip
    )
    archivist = login("archivist")
    events, reviews = AuditEvent.objects.count(), Review.objects.count()
    with clock.frozen("2040-01-01T12:00:00+00:00"):
        page = archivist.post("/archive/sweep/", follow=True)
    assert page.redirect_chain == [("/archive/", 302)]
    assert "archive sweep: another node (node-b:77) is sweeping since " in page.content.decode()
    assert (AuditEvent.objects.count(), Review.objects.count()) == (events, reviews)
    Lease.objects.filter(name="archive sweep").update(expires_at=now)  # that node is gone: the button sweeps
    with clock.frozen("2040-01-01T12:00:00+00:00"):
        archivist.post("/archive/sweep/", follow=True)
    assert AuditEvent.objects.count() > events
