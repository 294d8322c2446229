"""`audit verify` at the speed of hashing: a signed head that matches the recomputed tree vouches
for the events under it, so only the tail after the last such head has its signatures checked
one by one; `--all-signatures` checks every one over a process pool. Every tamper is still caught.

The logs here are made the way `audit.services.record` makes them (the model's canonical bytes,
`merkle.leaf_hash`, `signing.sign_leaf`, `signing.sign_note` over the tree's root), inserted
directly. A tamper is what an insider with the database but not the key can leave: rows inserted
with other contents, a leaf re-hashed but the genuine signature kept (no key to make another), a
head signed by another key, a log cut below a head the checkpoint file holds. Only INSERTs, so
the same tests run on SQLite and PostgreSQL under the append-only triggers.
"""

import base64
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from secretariat.audit import merkle, signing, verification, witnesses
from secretariat.audit.models import AuditCheckpoint, AuditEvent, AuditHead
from secretariat.audit.verification import verify_log

START = dt.datetime(1977, 2, 18, 10, 0, tzinfo=dt.UTC)


def _event(seq: int, **changes) -> AuditEvent:
    fields = {
        "seq": seq,
        "at": START + dt.timedelta(minutes=seq),
        "actor_name": f"clerk{seq % 3}",
        "action": "audit.checkpoint" if changes.pop("checkpoint", False) else "document.read",
        "object_type": "registry.document",
        "object_id": str(seq),
        "data": {"copy": seq % 7 + 1},
    }
    return AuditEvent(**{**fields, **changes})


def _seal(event: AuditEvent) -> AuditEvent:
    leaf = merkle.leaf_hash(event.canonical())
    event.leaf_hash, event.signature = leaf.hex(), signing.sign_leaf(leaf).hex()
    return event


def make_log(
    size: int, every: int, *, tamper: Callable[[AuditEvent], AuditEvent] | None = None, keep: int | None = None
):
    """A log of `size` genuine events with a signed head after every `every` (the head's own
    event is the one at its size, as `record` signs them), written to the database and the
    checkpoint file. `tamper(event)` is applied to each event after its genuine head (if any)
    was signed, before it is stored: what an insider leaves. `keep`: store only the first
    `keep` events (the rest were cut), and only the heads within them in the database.
    Returns the heads' sizes."""
    signing.create_key()
    Path(settings.SECRETARIAT_AUDIT_CHECKPOINTS).unlink(missing_ok=True)  # a file of this log's heads only
    tree = merkle.CompactRange()
    events, heads = [], []
    for seq in range(1, size + 1):
        event = _seal(_event(seq, checkpoint=seq % every == 0))
        tree.append(bytes.fromhex(event.leaf_hash))
        events.append(event)
        if seq % every == 0:
            note = signing.sign_note(signing.checkpoint_body(settings.SECRETARIAT_AUDIT_ORIGIN, seq, tree.root()))
            heads.append(
                AuditCheckpoint(
                    tree_size=seq,
                    root_hash=tree.root().hex(),
                    signed_at=event.at,
                    note=note,
                    frontier=[h.hex() for h in tree.state()[1]],
                )
            )
    if tamper is not None:
        events = [tamper(event) for event in events]
    kept = size if keep is None else keep
    AuditEvent.objects.bulk_create(events[:kept])
    AuditCheckpoint.objects.bulk_create([h for h in heads if h.tree_size <= kept])
    AuditHead.objects.filter(pk=1).update(size=kept)
    witnesses.write_file(Path(settings.SECRETARIAT_AUDIT_CHECKPOINTS), [h.note for h in heads])
    return [h.tree_size for h in heads]


def edited(seq: int, *, rehash: bool) -> Callable[[AuditEvent], AuditEvent]:
    """Event `seq` says someone else read it; with `rehash`, its leaf recomputed to match, its
    genuine signature kept (the insider has no key to sign the new leaf)."""

    def tamper(event: AuditEvent) -> AuditEvent:
        if event.seq != seq:
            return event
        event.actor_name = "mallory"
        if rehash:
            event.leaf_hash = merkle.leaf_hash(event.canonical()).hex()
        return event

    return tamper


@pytest.fixture
def counted(monkeypatch):
    """The seqs whose signature verify checks in this process, by the leaf each check is handed."""
    checked: list[bytes] = []
    real = signing.leaf_signature_ok

    def counting(leaf, signature, key):
        checked.append(leaf)
        return real(leaf, signature, key)

    monkeypatch.setattr(signing, "leaf_signature_ok", counting)

    def seqs() -> list[int]:
        by_leaf = {bytes.fromhex(h): s for s, h in AuditEvent.objects.values_list("seq", "leaf_hash")}
        return [by_leaf[leaf] for leaf in checked]

    return seqs


def problems_at(report, seq: int) -> list[str]:
    return [p.message for p in report.problems if p.seq == seq]


# --- what the default run checks ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_default_run_checks_no_signature_under_a_matching_head(counted):
    heads = make_log(250, 40)  # heads at 40, 80 … 240; a tail of 10
    report = verify_log()
    assert report.ok, report.as_json()
    assert report.size == 250 and report.covered_size == heads[-1] == 240
    assert sorted(counted()) == list(range(241, 251))
    assert report.signatures_checked == 10
    assert report.as_json()["covered_by_signed_head"] == 240


@pytest.mark.django_db
def test_without_a_head_every_signature_is_checked(counted):
    make_log(30, 1000)
    report = verify_log()
    assert report.ok and report.covered_size == 0
    assert sorted(counted()) == list(range(1, 31))


@pytest.mark.django_db
def test_all_signatures_checks_every_event_in_process(counted):
    make_log(120, 50)
    report = verify_log(all_signatures=True, workers=1)
    assert report.ok
    assert sorted(counted()) == list(range(1, 121)) and report.signatures_checked == 120


@pytest.mark.django_db
def test_all_signatures_over_a_process_pool(monkeypatch):
    """Chunks of 7 signatures to 2 worker processes: the bad one is found whichever chunk holds it."""
    monkeypatch.setattr(verification, "SWEEP_CHUNK", 7)
    make_log(100, 25, tamper=lambda e: _bad_signature(e) if e.seq == 58 else e)
    assert verify_log().ok  # the head at 75 vouches for #58; its signature column is not in the tree
    report = verify_log(all_signatures=True, workers=2)
    assert report.signatures_checked == 100
    assert [p.seq for p in report.problems] == [58]
    assert "not signed by the audit key" in report.problems[0].message


def _bad_signature(event: AuditEvent) -> AuditEvent:
    """The signature column overwritten with another event's (what a damaged or swapped column holds)."""
    event.signature = signing.sign_leaf(merkle.leaf_hash(b"another event")).hex()
    return event


# --- every tamper is still caught ------------------------------------------------------------------


@pytest.mark.django_db
def test_an_event_edited_under_a_head_is_named_as_edited():
    make_log(100, 30, tamper=edited(44, rehash=False))
    report = verify_log()
    assert report.first_bad.seq == 44
    assert any("differs from its recorded hash" in m for m in problems_at(report, 44))


@pytest.mark.django_db
@hypothesis_settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(20, 90), every=st.integers(3, 30), data=st.data())
def test_an_event_edited_and_rehashed_under_a_head_breaks_the_head_and_is_named(size, every, data):
    """The recomputed root differs from the head's: the head vouches for nothing, every event
    after the last head that still matches has its signature checked, and the re-hashed one is
    named (its genuine signature is over the old leaf)."""
    last_head = size // every * every
    if last_head == 0:
        return
    seq = data.draw(st.integers(1, last_head), label="seq")
    with transaction.atomic():
        make_log(size, every, tamper=edited(seq, rehash=True))
        report = verify_log()
        transaction.set_rollback(True)
    assert report.first_bad.seq == seq, report.as_json()
    assert any("not signed by the audit key" in m for m in problems_at(report, seq))
    broken = [p for p in report.problems if "does not match the log" in p.message]
    assert {int(p.message.split("size ")[1].split(":")[0]) for p in broken} == set(
        range(seq + (-seq % every), last_head + 1, every)
    )
    assert report.covered_size == (seq - 1) // every * every


@pytest.mark.django_db
@hypothesis_settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tail=st.integers(1, 9), data=st.data())
def test_an_event_edited_and_rehashed_in_the_tail_fails_its_signature(tail, data):
    """After the last head nothing vouches for an event but its own signature, which fails."""
    size = 40 + tail
    seq = data.draw(st.integers(41, size), label="seq")
    with transaction.atomic():
        make_log(size, 20, tamper=edited(seq, rehash=True))
        report = verify_log()
        transaction.set_rollback(True)
    assert report.covered_size == 40
    assert [p.seq for p in report.problems] == [seq]
    assert "not signed by the audit key" in report.problems[0].message


@pytest.mark.django_db
def test_a_forged_head_is_reported_and_vouches_for_nothing(counted):
    """An insider re-hashes #30 under the genuine head at 40, then adds a head of their own over
    the changed tree at 50, carrying the audit key's key id so that it is really tried. It does
    not verify, so it covers nothing: the genuine head still fails, #30 is named by its signature."""
    make_log(50, 40, tamper=edited(30, rehash=True))
    tree = merkle.CompactRange()
    for leaf in AuditEvent.objects.order_by("seq").values_list("leaf_hash", flat=True):
        tree.append(bytes.fromhex(leaf))
    body = signing.checkpoint_body(settings.SECRETARIAT_AUDIT_ORIGIN, 50, tree.root())
    forged_signature = Ed25519PrivateKey.generate().sign(body.encode())
    blob = base64.b64encode(
        signing.key_hash(settings.SECRETARIAT_AUDIT_ORIGIN, signing.public_key()) + forged_signature
    )
    note = f"{body}\n{signing.SIGNATURE_DASH} {settings.SECRETARIAT_AUDIT_ORIGIN} {blob.decode()}\n"
    AuditCheckpoint.objects.create(tree_size=50, root_hash=tree.root().hex(), signed_at=START, note=note)
    report = verify_log()
    assert any("signature does not verify" in p.message for p in report.problems if p.seq is None)
    assert report.covered_size == 0 and 30 in counted()
    assert report.first_bad.seq == 30
    assert any("not signed by the audit key" in m for m in problems_at(report, 30))
    assert any("does not match the log at size 40" in p.message for p in report.problems)


@pytest.mark.django_db
@pytest.mark.parametrize("keep", [5, 39, 40, 59])
def test_a_log_cut_below_the_last_head_is_caught_by_the_checkpoint_file(keep):
    """The database keeps only its first `keep` events and the heads within them; the checkpoint
    file outside it still holds the heads at 20, 40 and 60, which cover more than is left."""
    make_log(65, 20, keep=keep)
    report = verify_log()
    assert not report.ok
    assert report.first_bad.seq == keep + 1
    assert any("truncated or rolled back" in m for m in problems_at(report, keep + 1))
    assert report.rollback is not None and report.rollback.signed_size == 60


@pytest.mark.django_db
def test_a_signature_damaged_under_a_head_is_named_only_by_the_full_sweep(counted):
    """The head vouches for the event (its leaf is in the signed tree); the signature column is
    not in the tree, so only `--all-signatures` names a damaged one under a head."""
    make_log(60, 50, tamper=lambda e: _bad_signature(e) if e.seq == 12 else e)
    assert verify_log().ok
    assert 12 not in counted()
    report = verify_log(all_signatures=True, workers=1)
    assert [p.seq for p in report.problems] == [12]


# --- streaming -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_log_is_read_in_keyset_chunks():
    make_log(230, 100)  # heads at 100, 200; a tail of 30
    with CaptureQueriesContext(connection) as queries:
        assert verify_log(chunk_size=50).ok
    table = AuditEvent._meta.db_table
    reads = [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"] and "LIMIT 50" in q["sql"]]
    # 230 events: 5 chunks (the last one short); then the tail after 200: one short chunk
    assert len(reads) == 5 + 1, reads
    assert all('"seq" >' in sql for sql in reads)


# --- the command -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_runs_the_full_sweep():
    make_log(45, 20, tamper=lambda e: _bad_signature(e) if e.seq == 3 else e)
    out = io.StringIO()
    call_command("audit", "verify", "--json", stdout=out)
    assert json.loads(out.getvalue())["signatures_checked"] == 5
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit):
        call_command("audit", "verify", "--all-signatures", "--workers", "2", "--json", stdout=out, stderr=err)
    report = json.loads(out.getvalue())
    assert report["signatures_checked"] == 45 and report["first_bad_event"] == 3
    assert "first bad event #3:" in err.getvalue()


# --- the canonical bytes, written out field by field -----------------------------------------------

_text = st.text(st.characters(codec="utf-8"), max_size=20)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12,
)


@given(
    seq=st.integers(1, 2**62),
    at=st.datetimes(timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=3))])),
    actor_id=st.none() | st.integers(1, 2**31),
    actor_name=_text,
    action=_text,
    object_type=_text,
    object_id=_text,
    data=st.dictionaries(_text, _json, max_size=5),
)
def test_verify_writes_out_the_models_canonical_bytes(
    seq, at, actor_id, actor_name, action, object_type, object_id, data
):
    """The shortcut verify hashes is byte for byte the model's canonical(), for any event (a
    difference would only cost a second hashing, but the shortcut is what makes verify fast)."""
    event = AuditEvent(
        seq=seq, at=at, actor_id=actor_id, actor_name=actor_name, action=action,
        object_type=object_type, object_id=object_id, data=data,
    )  # fmt: skip
    fast = verification._canonical(seq, at, actor_id, actor_name, action, object_type, object_id, data)
    assert fast == event.canonical()
    naive = at.astimezone(dt.UTC).replace(tzinfo=None)  # as SQLite's raw rows give it
    assert verification._canonical(seq, naive, actor_id, actor_name, action, object_type, object_id, data) == fast


@pytest.mark.django_db
def test_an_event_the_shortcut_does_not_reproduce_is_hashed_the_models_way(monkeypatch):
    """If the written-out bytes ever differ from the model's, the event is hashed again with
    canonical() before it is called edited: a clean log stays clean, only slower."""
    make_log(30, 10)
    monkeypatch.setattr(verification, "_canonical", lambda *columns: b"not the canonical bytes")
    assert verify_log().ok
