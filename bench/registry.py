"""Registry core benchmark: the access rule against raw SQL, the audit log against hashlib.

Reports, for a registry of DOCS documents with copies and distribution lists:
- restrict(): listing and counting the documents a member may read, against one hand-written
  SQL query that computes the same set through the same connection;
- audit append (one event with its Merkle leaf and Ed25519 signature) against the hashlib
  floor (SHA-256 of the same canonical bytes);
- audit verify per event against the hashlib floor of rebuilding the tree.
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
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from timing import best  # noqa: E402

from secretariat.accounts import services as accounts  # noqa: E402
from secretariat.audit import merkle  # noqa: E402
from secretariat.audit import services as audit  # noqa: E402
from secretariat.audit.models import AuditEvent  # noqa: E402
from secretariat.audit.verification import verify_log  # noqa: E402
from secretariat.kernel.classification import Classification  # noqa: E402
from secretariat.kernel.restriction import Action  # noqa: E402
from secretariat.registry import selectors  # noqa: E402
from secretariat.registry import services as registry  # noqa: E402

RAW_READABLE = """
SELECT d.id FROM registry_document d
WHERE d.is_public
   OR (d.level <= %(clearance)s
       AND d.id NOT IN (SELECT dc.document_id FROM registry_document_compartments dc
                        WHERE dc.compartment_id NOT IN (SELECT pc.compartment_id FROM accounts_principal_compartments pc
                                                        WHERE pc.principal_id = %(pid)s))
       AND (d.id IN (SELECT c.document_id FROM registry_copy c WHERE c.holder_id = %(pid)s AND c.status = 'issued')
            OR d.id IN (SELECT e.document_id FROM registry_distributionentry e WHERE e.principal_id = %(pid)s)))
"""


def build(docs: int):
    admin = accounts.bootstrap_admin("admin")
    registrar = accounts.add_principal(admin, "registrar", clearance="TOP SECRET", roles=["registrar"])
    members = [accounts.add_principal(admin, f"m{i}", clearance="TOP SECRET", roles=["member"]) for i in range(20)]
    levels = ["CONFIDENTIAL", "SECRET", "TOP SECRET"]
    for i in range(docs):
        addressees = [members[(i + k) % len(members)] for k in range(3)]
        registry.register_document(
            registrar,
            title=f"Paper {i}",
            classification=Classification.parse(levels[i % 3]),
            text="text",
            dated=dt.date(2026, 1, 1),
            series="B",
            distribution=addressees,
        )
        registry.issue_copies(registrar, f"B-{i + 1}")
    return registrar, members


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=1000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    registrar, members = build(args.docs)
    print(
        f"engine {connection.vendor}; built {args.docs} documents, "
        f"{AuditEvent.objects.count()} events in {time.perf_counter() - t0:.1f} s"
    )
    member = members[0]

    orm_ids = set(selectors.documents(member, Action.VIEW).values_list("id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(RAW_READABLE, {"clearance": member.clearance, "pid": member.pk})
        raw_ids = {row[0] for row in cursor.fetchall()}
    assert orm_ids == raw_ids, "raw SQL and restrict() disagree"

    def orm_list():
        list(selectors.documents(member, Action.VIEW).values_list("id", flat=True))

    def raw_list():
        with connection.cursor() as cursor:
            cursor.execute(RAW_READABLE, {"clearance": member.clearance, "pid": member.pk})
            cursor.fetchall()

    def orm_count():
        selectors.document_count(member, Action.VIEW)

    orm, raw, count = best(orm_list), best(raw_list), best(orm_count)
    print(
        f"list readable ({len(orm_ids)} of {args.docs}): restrict {orm * 1e3:.2f} ms, raw SQL {raw * 1e3:.2f} ms, "
        f"ratio {orm / raw:.2f}"
    )
    print(f"count readable: restrict {count * 1e3:.2f} ms, ratio to raw list {count / raw:.2f}")

    sample = AuditEvent.objects.last().canonical()

    def floor_hash():
        merkle.leaf_hash(sample)

    def append():
        with transaction.atomic():
            audit.record(registrar, "bench.event", None, {"n": 1})

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_event (seq bigint PRIMARY KEY, body text, leaf char(64))")

    def raw_insert():
        """The floor for an append: the same bytes and hash written by hand, in a transaction."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(seq), 0) + 1 FROM bench_event")
            (seq,) = cursor.fetchone()
            cursor.execute(
                "INSERT INTO bench_event VALUES (%s, %s, %s)", [seq, sample.decode(), merkle.leaf_hash(sample).hex()]
            )

    floor = best(floor_hash, number=2000)
    raw_append = best(raw_insert, number=50)
    appended = best(append, number=50)
    print(
        f"audit append (own transaction): {appended * 1e6:.0f} us per event; raw SQL insert+commit "
        f"{raw_append * 1e6:.0f} us, ratio {appended / raw_append:.1f}; hashlib floor {floor * 1e6:.2f} us"
    )

    size = AuditEvent.objects.count()
    start = time.perf_counter()
    report = verify_log()
    verify = (time.perf_counter() - start) / size
    assert report.ok
    leaves = [e.canonical() for e in AuditEvent.objects.order_by("seq")]
    start = time.perf_counter()
    merkle.root_from_leaf_hashes([merkle.leaf_hash(c) for c in leaves])
    floor_tree = (time.perf_counter() - start) / size
    print(
        f"audit verify: {verify * 1e6:.0f} us per event over {size} events, hashlib tree floor "
        f"{floor_tree * 1e6:.1f} us, ratio {verify / floor_tree:.0f}"
    )


if __name__ == "__main__":
    main()
