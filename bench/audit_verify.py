"""`audit verify` against the hashlib floor: the default run (signed heads vouch for the events
under them, only the tail's signatures are checked) and `--all-signatures` (every event's
signature, over a process pool), per event, in the same run as the floor.

Builds a log of N events straight into the database, the way `audit.services.record` makes
them: each row's leaf is `merkle.leaf_hash(event.canonical())` and its signature
`signing.sign_leaf(leaf)`; every SECRETARIAT_AUDIT_CHECKPOINT_EVERY events an `audit.checkpoint`
event and its signed head (`signing.sign_note`, with the frontier), then every head is written
to the checkpoint file with `services.publish_checkpoints`. The rows are bulk-inserted, so the
log builds in the time the signatures take. The log ends with a tail after its last head, as a
live one does. One log grows through the sizes (10k, then 100k), so the database must be empty.

The floor: the RFC 6962 tree (SHA-256 of 0x00 || the canonical event, then the nodes) over the
same canonical bytes, with hashlib alone, no database. A raw SELECT of the same rows through the
same connection is printed too, as what the reading alone costs.

    .venv/bin/python bench/audit_verify.py                 # 10k and 100k events, SQLite in a temp data dir
    .venv/bin/python bench/audit_verify.py --sizes 10000 --million
    SECRETARIAT_DATABASE_URL=postgres://… .venv/bin/python bench/audit_verify.py   # an empty PostgreSQL database
"""

import argparse
import datetime as dt
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SECRETARIAT_DATA_DIR", tempfile.mkdtemp(prefix="secretariat-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretariat.settings")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from secretariat.audit import merkle, services, signing  # noqa: E402
from secretariat.audit.models import AuditCheckpoint, AuditEvent, AuditHead  # noqa: E402
from secretariat.audit.verification import default_workers, verify_log  # noqa: E402

START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
ACTIONS = ["document.registered", "copy.issued", "document.read", "copy.returned", "cable.sent"]


def _event(seq: int, action: str | None = None, data: dict | None = None) -> AuditEvent:
    return AuditEvent(
        seq=seq,
        at=START + dt.timedelta(seconds=seq * 7, microseconds=seq % 1000),
        actor_id=None,
        actor_name=f"registrar{seq % 17}",
        action=action or ACTIONS[seq % len(ACTIONS)],
        object_type="registry.document",
        object_id=str(seq // 3 + 1),
        data=data if data is not None else {"series": "B", "number": seq // 3 + 1, "copy": seq % 5 + 1},
    )


def _sealed(event: AuditEvent) -> AuditEvent:
    """Hashed and signed as `record` does it."""
    leaf = merkle.leaf_hash(event.canonical())
    event.leaf_hash = leaf.hex()
    event.signature = signing.sign_leaf(leaf).hex()
    return event


class Log:
    """A log grown to each size in turn (10k, then 100k …): the rows are append-only, so the
    larger log is the smaller one with more events after it, as a live log grows."""

    def __init__(self) -> None:
        signing.create_key()
        self.every = settings.SECRETARIAT_AUDIT_CHECKPOINT_EVERY
        self.origin = settings.SECRETARIAT_AUDIT_ORIGIN
        self.tree = merkle.CompactRange()
        self.canonical: list[bytes] = []  # every event's canonical bytes, for the floor
        self.seq = 0

    def grow(self, size: int) -> None:
        """Append events up to `size`, with a signed head every N (as `record` signs them)."""
        events: list[AuditEvent] = []
        heads: list[AuditCheckpoint] = []

        def append(event: AuditEvent) -> None:
            events.append(_sealed(event))
            self.canonical.append(event.canonical())
            self.tree.append(bytes.fromhex(event.leaf_hash))

        def flush() -> None:
            with transaction.atomic():
                AuditEvent.objects.bulk_create(events, batch_size=2000)
                AuditCheckpoint.objects.bulk_create(heads, batch_size=500)
            events.clear()
            heads.clear()

        while self.seq < size:
            self.seq += 1
            append(_event(self.seq))
            if self.every and self.seq % self.every == 0 and self.seq < size:
                self.seq += 1  # the head's own event, which the head covers
                append(_event(self.seq, "audit.checkpoint", {"trigger": f"every {self.every} events"}))
                root = self.tree.root()
                heads.append(
                    AuditCheckpoint(
                        tree_size=self.seq,
                        root_hash=root.hex(),
                        signed_at=events[-1].at,
                        note=signing.sign_note(signing.checkpoint_body(self.origin, self.seq, root)),
                        frontier=[h.hex() for h in self.tree.state()[1]],
                    )
                )
            if len(events) >= 20_000:
                flush()
        flush()
        AuditHead.objects.filter(pk=1).update(size=self.seq)
        services.publish_checkpoints()


def hashlib_floor(canonical: list[bytes]) -> bytes:
    """The RFC 6962 root of the canonical events, with hashlib and a stack of subtree roots."""
    sha256 = hashlib.sha256
    stack: list[bytes] = []
    for n, body in enumerate(canonical):
        node = sha256(b"\x00" + body).digest()
        while n & 1:
            node = sha256(b"\x01" + stack.pop() + node).digest()
            n >>= 1
        stack.append(node)
    if not stack:
        return sha256(b"").digest()
    node = stack.pop()
    while stack:
        node = sha256(b"\x01" + stack.pop() + node).digest()
    return node


def raw_select() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq, at, actor_id, actor_name, action, object_type, object_id, data, leaf_hash, signature "
            "FROM audit_auditevent ORDER BY seq"
        )
        rows = 0
        while batch := cursor.fetchmany(2000):
            rows += len(batch)
    return rows


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def run(log: Log, size: int, workers: int) -> None:
    _, built = timed(lambda: log.grow(size))
    print(f"\n{size} events ({AuditCheckpoint.objects.count()} signed heads), built in {built:.1f} s")
    root, floor = timed(lambda: hashlib_floor(log.canonical))
    _, fetch = timed(raw_select)
    report, fast = timed(verify_log)
    assert report.ok, report.as_json()
    assert report.root == root, "verify and the hashlib floor disagree on the root"
    full, sweep = timed(lambda: verify_log(all_signatures=True, workers=workers))
    assert full.ok and full.root == root and full.signatures_checked == size

    def line(name: str, seconds: float) -> str:
        return f"  {name:<44} {seconds:7.2f} s  {seconds / size * 1e6:7.2f} us/event  {seconds / floor:6.1f}x"

    print(line("floor: hashlib RFC 6962 tree", floor))
    print(line("raw SELECT of the rows (reading alone)", fetch))
    print(
        line(f"verify (default; {report.signatures_checked} tail signatures)", fast)
        + f"   under heads: {report.covered_size}"
    )
    print(line(f"verify --all-signatures ({workers} workers)", sweep))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--million", action="store_true", help="add a log of 1,000,000 events")
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()
    sizes = args.sizes + ([1_000_000] if args.million else [])
    print(f"engine {connection.vendor}; a signed head every {settings.SECRETARIAT_AUDIT_CHECKPOINT_EVERY} events")
    call_command("migrate", verbosity=0)
    if AuditEvent.objects.exists():
        parser.error("the database already holds an audit log: give the bench an empty one")
    log = Log()
    for size in sorted(sizes):
        run(log, size, args.workers)


if __name__ == "__main__":
    main()
