"""Tamper drills (rule 5 of docs/architecture.md): attack a real data dir, and `secretariat audit verify` must
exit 1 naming the first bad event.

One base data dir is built per session through the real CLI (see `drill.build_base`): 12
events, with a signed checkpoint over the first 9, so every attack is tried both under a
signed head and after the last one. Each drill works on its own copy of it, edits the
SQLite file directly (dropping the append-only triggers for the edit, as anyone with write
access to the file can) or the checkpoint file, and runs `audit verify --json` in a
subprocess: the report on stdout, the human text on stderr. The drills always use SQLite,
in both CI passes: SECRETARIAT_DATABASE_URL is removed from the CLI's environment.
"""

import json
import secrets
import sqlite3

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.audit import drill
from tests.audit.drill import assert_clean, assert_detected, tampered

pytestmark = [pytest.mark.slow, pytest.mark.embedded]  # always SQLite, in both CI passes

# Where in the base log a drill strikes: under the signed checkpoint, or after it.
UNDER, AFTER = "under-checkpoint", "after-checkpoint"


@pytest.fixture(scope="session")
def base(tmp_path_factory) -> drill.Base:
    """The base data dir, built once, checked once: it verifies, and the drills' own
    re-implementation of the canonical event and of the Merkle root reproduces every stored
    leaf hash and the root verify reports."""
    built = drill.build_base(tmp_path_factory.mktemp("tamper-base") / "data")
    assert built.size == built.checkpoint_size + 2, built.events
    verdict = assert_clean(built.path)
    assert verdict.report["size"] == built.size and verdict.report["checkpoints_checked"] == 1
    with drill.opened(built.path) as conn:
        rows = drill.events(conn)
    for row in rows:
        assert drill.leaf_hash(drill.canonical(row)).hex() == row["leaf_hash"], row
    assert drill.merkle_root([bytes.fromhex(row["leaf_hash"]) for row in rows]).hex() == verdict.report["root"]
    return built


@pytest.fixture
def data(base, tmp_path):
    """A fresh copy of the base data dir for one drill (the base itself was checked clean)."""
    return drill.fresh_copy(base, tmp_path / "data")


def target(base: drill.Base, position: str) -> int:
    """The event a drill strikes: the registration of P46/X (under the checkpoint), or the
    first event after the checkpoint."""
    return base.seq_of("document.registered") if position == UNDER else base.checkpoint_size + 1


BOTH_POSITIONS = [pytest.param(UNDER, id=UNDER), pytest.param(AFTER, id=AFTER)]


# --- 1. an edited event ----------------------------------------------------------------------


@pytest.mark.parametrize("position", BOTH_POSITIONS)
@pytest.mark.parametrize("field", ["data", "actor_name"])
def test_edited_event_is_named(base, data, position, field):
    """Attack: someone with the database file drops the append-only triggers and rewrites
    what an event says — its data (a field added) or who did it (actor_name) — leaving the
    stored leaf hash as it was. The recomputed leaf no longer matches: that event is named."""
    seq = target(base, position)
    with tampered(data) as conn:
        row = drill.event(conn, seq)
        if field == "data":
            payload = json.loads(row["data"])
            payload["forged"] = "nothing happened here"
            drill.update_event(conn, seq, data=json.dumps(payload))
        else:
            drill.update_event(conn, seq, actor_name="mallory")
    assert_detected(data, seq, because="differs from its recorded hash")


# --- 2. an edited event whose leaf hash the attacker recomputed --------------------------------


@pytest.mark.parametrize("position", BOTH_POSITIONS)
def test_edited_and_rehashed_event_is_named(base, data, position):
    """Attack: as above, and the attacker also recomputes the leaf hash, SHA-256(0x00 ||
    canonical event), so hash and content agree again. The event's Ed25519 signature (made
    with a key kept outside the database) no longer verifies: that event is named."""
    seq = target(base, position)
    with tampered(data) as conn:
        drill.update_event(conn, seq, actor_name="mallory")
        old_leaf = drill.event(conn, seq)["leaf_hash"]
        assert drill.reseal(conn, seq) != old_leaf
    assert_detected(data, seq, because="not signed by the audit key")


# --- 3. a deleted event ------------------------------------------------------------------------


@pytest.mark.parametrize("position", BOTH_POSITIONS)
def test_deleted_event_is_named(base, data, position):
    """Attack: delete one event from the middle of the log (and leave everything else). The
    sequence jumps over it: the missing number is named."""
    seq = target(base, position)
    with tampered(data) as conn:
        drill.delete_event(conn, seq)
    assert_detected(data, seq, because="missing")


@pytest.mark.parametrize("position", BOTH_POSITIONS)
@pytest.mark.parametrize("rehash", [False, True], ids=["hashes-kept", "hashes-recomputed"])
def test_deleted_event_with_the_gap_closed_is_named(base, data, position, rehash):
    """Attack: delete one event and renumber every later one down by one, so seq runs 1..n-1
    without a gap, and lower the head counter to match; optionally recompute the moved
    events' leaf hashes too. The event now sitting at the deleted number was hashed and
    signed under another number: the deleted number is named."""
    seq = target(base, position)
    with tampered(data) as conn:
        drill.delete_event(conn, seq)
        drill.renumber_from(conn, seq + 1, by=-1)
        drill.set_head(conn, base.size - 1)
        if rehash:
            for moved in range(seq, base.size):
                drill.reseal(conn, moved)
    assert_detected(data, seq, because="edited" if not rehash else "not signed by the audit key")


# --- 4. an inserted event ------------------------------------------------------------------------


@pytest.mark.parametrize("position", BOTH_POSITIONS)
@pytest.mark.parametrize("signature", ["random", "copied"])
def test_inserted_event_is_named(base, data, position, signature):
    """Attack: make room at seq k by moving every later event up by one (recomputing their
    leaf hashes), insert a forged event at k with a correctly computed leaf hash and a
    signature that is random bytes or copied from the genuine event it displaced, and raise
    the head counter. The forged event's signature does not verify: k is named."""
    seq = target(base, position)
    with tampered(data) as conn:
        genuine = drill.event(conn, seq)
        drill.renumber_from(conn, seq, by=1)
        for moved in range(seq + 1, base.size + 2):
            drill.reseal(conn, moved)
        forged = dict(genuine, actor_name="reg", action="copy.destroyed", data=json.dumps({"copy": 1}))
        forged["leaf_hash"] = drill.leaf_hash(drill.canonical(forged)).hex()
        forged["signature"] = genuine["signature"] if signature == "copied" else secrets.token_hex(64)
        drill.insert_event(conn, forged)
        drill.set_head(conn, base.size + 1)
    assert_detected(data, seq, because="not signed by the audit key")


@pytest.mark.parametrize("signature", ["random", "copied"])
def test_event_appended_without_the_key_is_named(base, data, signature):
    """Attack: append a forged event at the end of the log (seq n+1, correct leaf hash, head
    counter raised), signed with random bytes or with the last genuine event's signature.
    Nothing is out of place but the signature: n+1 is named."""
    seq = base.size + 1
    with tampered(data) as conn:
        last = drill.event(conn, base.size)
        forged = dict(last, seq=seq, action="document.read")
        forged["leaf_hash"] = drill.leaf_hash(drill.canonical(forged)).hex()
        forged["signature"] = last["signature"] if signature == "copied" else secrets.token_hex(64)
        drill.insert_event(conn, forged)
        drill.set_head(conn, seq)
    assert_detected(data, seq, because="not signed by the audit key")


# --- 5. two events swapped -----------------------------------------------------------------------


@pytest.mark.parametrize("position", BOTH_POSITIONS)
def test_swapped_events_name_the_first(base, data, position):
    """Attack: swap two events' contents (every column but seq, hashes and signatures
    included), reordering history while each row keeps a genuine hash and signature. The seq
    is part of the signed canonical event, so both no longer match: the first is named."""
    first = target(base, position)
    second = first + 1 if position == AFTER else base.seq_of("copy.receipt_confirmed")
    assert first < second
    with tampered(data) as conn:
        a, b = drill.event(conn, first), drill.event(conn, second)
        columns = [c for c in drill.EVENT_COLUMNS if c != "seq"]
        drill.update_event(conn, first, **{c: b[c] for c in columns})
        drill.update_event(conn, second, **{c: a[c] for c in columns})
    verdict = assert_detected(data, first, because="differs from its recorded hash")
    assert verdict.problems_at(second), verdict


# --- 6. truncation after a signed checkpoint -----------------------------------------------------


@pytest.mark.parametrize("head_fixed", [False, True], ids=["head-kept", "head-lowered"])
@pytest.mark.parametrize("k", [1, 3])
def test_truncation_under_a_signed_checkpoint_is_named(data, k, head_fixed):
    """Attack: after a checkpoint is signed (over the whole log), delete the last k events;
    in a variant also lower the head counter to the events that remain. The signed head
    (in the database and in the checkpoint file) covers more events than the log holds: the
    first missing one, size + 1 of what remains, is named."""
    signed = drill.cli_json(data, "audit", "checkpoint", "--as", "auditor")["tree_size"]
    assert_clean(data)
    with tampered(data) as conn:
        for seq in range(signed, signed - k, -1):
            drill.delete_event(conn, seq)
        if head_fixed:
            drill.set_head(conn, signed - k)
    assert_detected(data, signed - k + 1, because="truncated")


def test_truncation_beyond_the_last_signed_head_is_reported_as_the_unwitnessed_tail(base, data):
    """Limit of the design, kept visible: deleting the last event after the latest signed
    checkpoint and lowering the head counter leaves a shorter but self-consistent log that
    nothing signed contradicts. Verify passes, but says how many events no head held outside
    the database covers yet: that tail (fewer than SECRETARIAT_AUDIT_CHECKPOINT_EVERY events,
    as the log signs its own head that often) is what a cut could take unseen."""
    assert base.size > base.checkpoint_size
    with tampered(data) as conn:
        drill.delete_event(conn, base.size)
        drill.set_head(conn, base.size - 1)
    verdict = assert_clean(data)
    assert verdict.report["size"] == base.size - 1
    assert verdict.report["witnessed_size"] == base.checkpoint_size
    assert verdict.report["unwitnessed_events"] == base.size - 1 - base.checkpoint_size


def test_heads_deleted_everywhere_are_named_by_their_checkpoint_event(base, data):
    """Attack: cut the tail after the checkpoint's own event, lower the head counter, and delete
    every signed head, in the database and the checkpoint file, so no head limits a later cut.
    The event that records the signing is still in the log, and the head it signed is nowhere:
    named at that event."""
    with tampered(data) as conn:
        for seq in range(base.size, base.checkpoint_size, -1):
            drill.delete_event(conn, seq)
        drill.set_head(conn, base.checkpoint_size)
        conn.execute("DELETE FROM audit_auditcheckpoint")
    (data / drill.CHECKPOINT_FILE).unlink()
    verdict = assert_detected(data, base.checkpoint_size, because="deleted")
    assert verdict.report["size"] == base.checkpoint_size


def test_a_removed_checkpoint_file_is_named(data):
    """Attack: delete the checkpoint file outside the database (to hide a later rollback).
    Verify fails, naming the file and how many heads the database holds."""
    (data / drill.CHECKPOINT_FILE).unlink()
    verdict = drill.verify(data)
    assert verdict.exit_code == 1, str(verdict)
    assert "is missing; the database holds 1 signed head(s)" in verdict.text, str(verdict)


def test_a_cut_below_every_local_head_is_caught_by_a_witness(base, data, tmp_path):
    """Attack: the log's heads are also witnessed in a directory outside the data dir. Cut the
    log below its first checkpoint event, delete every head in the database and the checkpoint
    file: nothing left in the data dir contradicts the shorter log, so verify passes there, but
    with the witness configured it fails: the witness holds a head of more events than remain."""
    witness = {"SECRETARIAT_AUDIT_WITNESSES": str(tmp_path / "witness")}
    drill.cli(data, "audit", "checkpoint", "--as", "auditor", settings=witness)
    signed = base.size + 1
    assert len(list((tmp_path / "witness").glob("*.checkpoints"))) == 1
    with tampered(data) as conn:
        for seq in range(signed, base.checkpoint_size - 1, -1):
            drill.delete_event(conn, seq)
        drill.set_head(conn, base.checkpoint_size - 1)
        conn.execute("DELETE FROM audit_auditcheckpoint")
    (data / drill.CHECKPOINT_FILE).unlink()
    assert_clean(data)
    verdict = drill.verify(data, settings=witness)
    assert verdict.exit_code == 1 and verdict.first_bad_event == base.checkpoint_size, str(verdict)
    assert any(f"signed a tree of {signed} events" in p["message"] for p in verdict.report["problems"]), str(verdict)


def test_a_swapped_key_that_re_signed_the_log_fails_against_the_pinned_fingerprint(base, data):
    """Attack: whoever can write the data dir puts in a key of their own and re-signs every
    event and head with it. Everything is consistent again; only a pinned fingerprint (the
    `--key-fingerprint` option or SECRETARIAT_AUDIT_KEY_FINGERPRINT, noted when the log began)
    tells the keys apart."""
    pinned = drill.cli_json(data, "audit", "key")["fingerprint"]
    assert drill.verify(data, "--key-fingerprint", pinned).exit_code == 0
    with tampered(data) as conn:
        drill.swap_key(data, conn, base.size)
    assert_clean(data)
    for verdict in (
        drill.verify(data, "--key-fingerprint", pinned),
        drill.verify(data, settings={"SECRETARIAT_AUDIT_KEY_FINGERPRINT": pinned}),
    ):
        assert verdict.exit_code == 1, str(verdict)
        assert f"not by the pinned {pinned}" in verdict.text, str(verdict)


# --- 7. rollback of the database file ---------------------------------------------------------------


def test_rolled_back_database_is_named(base, data, tmp_path):
    """Attack: keep a copy of the database file (state A), let work go on and a checkpoint be
    signed (which also lands in the checkpoint file, outside the database), then put the old
    database file back — a restore from backup that silently undoes recent history. The
    checkpoint file remembers a larger signed tree: A's size + 1 is named."""
    drill.snapshot_db(data, tmp_path / "state-a")
    drill.cli(data, "document", "read", "--as", "gromyko", "P46/X")
    signed = drill.cli_json(data, "audit", "checkpoint", "--as", "auditor")["tree_size"]
    assert signed > base.size
    assert len(drill.checkpoint_notes(data)) == 2
    drill.restore_db(data, tmp_path / "state-a")
    verdict = assert_detected(data, base.size + 1, because="rolled back")
    assert verdict.report["size"] == base.size


def test_rolled_back_database_that_kept_working_is_bounded_by_the_last_good_checkpoint(base, data, tmp_path):
    """Attack: as above, and then the restored database is used again, so it grows past the
    signed size with genuine, correctly signed events that differ from the ones the checkpoint
    covered. No single event is bad on its own; the verifier names the first event after the
    last checkpoint that still matches (the one in the base, at 9) — the earliest point
    where the two histories can diverge given what was signed."""
    drill.snapshot_db(data, tmp_path / "state-a")
    drill.cli(data, "document", "read", "--as", "gromyko", "P46/X")
    signed = drill.cli_json(data, "audit", "checkpoint", "--as", "auditor")["tree_size"]
    drill.restore_db(data, tmp_path / "state-a")
    drill.cli(data, "principal", "add", "--as", "admin", "brezhnev", "--clearance", "TOP SECRET", "--roles", "member")
    assert drill.cli_json(data, "audit", "checkpoint", "--as", "auditor")["tree_size"] == signed
    verdict = drill.verify(data)
    assert verdict.exit_code == 1, str(verdict)
    assert verdict.report["size"] == signed, str(verdict)
    assert verdict.first_bad_event == base.checkpoint_size + 1, str(verdict)
    assert any("does not match the log" in p["message"] for p in verdict.report["problems"]), str(verdict)


# --- 8. the triggers themselves -----------------------------------------------------------------------


REFUSED = [
    "UPDATE audit_auditevent SET actor_name = 'mallory' WHERE seq = 2",
    "UPDATE audit_auditevent SET seq = seq + 100",
    "DELETE FROM audit_auditevent WHERE seq = 2",
    "DELETE FROM audit_auditevent",
    "UPDATE audit_auditcheckpoint SET tree_size = 1",
    "DELETE FROM audit_auditcheckpoint",
]


def test_the_database_refuses_update_and_delete_on_the_log(data):
    """Attack: change the log through plain SQL without touching the schema — edit an event,
    renumber the log, delete one event or all, edit or delete a checkpoint. The append-only
    triggers abort every statement, and the log still verifies."""
    with drill.opened(data) as conn:
        for statement in REFUSED:
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(statement)
        assert drill.head_size(conn) == len(drill.events(conn))
    assert_clean(data)


@pytest.mark.parametrize("table", ["audit_auditevent", "audit_auditcheckpoint"])
def test_the_database_refuses_insert_or_replace_on_the_log(data, table):
    """Attack: overwrite a row with INSERT OR REPLACE, which deletes the old row implicitly."""
    with drill.opened(data) as conn:
        row = dict(conn.execute(f"SELECT * FROM {table} ORDER BY 1 LIMIT 1").fetchone())
        columns = list(row)  # the same row back: the point is whether it is refused at all
        try:
            conn.execute(
                f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                list(row.values()),
            )
        except sqlite3.DatabaseError as exc:
            assert "append-only" in str(exc)
        else:
            raise AssertionError(f"INSERT OR REPLACE into {table} went through the append-only triggers")


def test_event_overwritten_with_insert_or_replace_is_named(base, data):
    """Attack: with the triggers in place, overwrite an event with INSERT OR REPLACE (see the
    test above). If the database lets it through, verify catches the change like any edit."""
    seq = target(base, AFTER)
    with drill.opened(data) as conn:
        row = drill.event(conn, seq)
        row["actor_name"] = "mallory"
        columns = ", ".join(f'"{c}"' for c in drill.EVENT_COLUMNS)
        try:
            conn.execute(
                f"INSERT OR REPLACE INTO audit_auditevent ({columns}) "
                f"VALUES ({', '.join('?' * len(drill.EVENT_COLUMNS))})",
                [row[c] for c in drill.EVENT_COLUMNS],
            )
        except sqlite3.DatabaseError as exc:
            assert "append-only" in str(exc)
            refused = True
        else:
            refused = False
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if refused:
        assert_clean(data)
    else:
        assert_detected(data, seq, because="differs from its recorded hash")


# --- 9. a forged checkpoint --------------------------------------------------------------------------


def _forged_note(data, *, impersonate: bool) -> str:
    """A checkpoint over the true current root, signed with a fresh Ed25519 key — optionally
    carrying the audit key's key id, so the verifier actually tries the signature."""
    with drill.opened(data) as conn:
        leaves = [bytes.fromhex(row["leaf_hash"]) for row in drill.events(conn)]
    size, root = len(leaves), drill.merkle_root(leaves)
    key_id = drill.note_key_id(drill.checkpoint_notes(data)[0]) if impersonate else None
    return drill.signed_note(drill.ORIGIN, size, root, Ed25519PrivateKey.generate(), key_id=key_id)


@pytest.mark.parametrize(
    ("impersonate", "reason"),
    [(False, "carries no signature by the audit key"), (True, "signature does not verify")],
    ids=["own-key-id", "audit-key-id"],
)
@pytest.mark.parametrize("store", ["file", "database"])
def test_forged_checkpoint_is_reported(data, store, impersonate, reason):
    """Attack: plant a checkpoint signed with another Ed25519 key — appended to the checkpoint
    file outside the database, or inserted into the checkpoint table (inserts are allowed) —
    claiming the current tree. It is reported by where it is and why it fails."""
    note = _forged_note(data, impersonate=impersonate)
    if store == "file":
        drill.append_checkpoint_line(data, json.dumps({"note": note}))
        where = f"checkpoint 2 in {data / drill.CHECKPOINT_FILE}"
    else:
        with drill.opened(data) as conn:
            conn.execute(
                "INSERT INTO audit_auditcheckpoint (tree_size, root_hash, signed_at, note) VALUES (?, ?, ?, ?)",
                (1, "00" * 32, "1977-02-18 08:00:00", note),
            )
            where = (
                f"checkpoint #{conn.execute('SELECT max(id) FROM audit_auditcheckpoint').fetchone()[0]} in the database"
            )
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    verdict = drill.verify(data)
    assert verdict.exit_code == 1, str(verdict)
    assert verdict.report["ok"] is False and verdict.report["checkpoints_checked"] == 1, str(verdict)
    assert [p["message"] for p in verdict.report["problems"]] == [f"{where}: checkpoint {reason}"], str(verdict)
    assert f"{where}: checkpoint {reason}" in verdict.text, str(verdict)


def test_forged_checkpoint_does_not_hide_the_first_bad_event(base, data):
    """Attack: edit an event, and append a forged checkpoint line to the checkpoint file to
    muddy the report. The edited event must still be the one named."""
    note = _forged_note(data, impersonate=False)
    drill.append_checkpoint_line(data, json.dumps({"note": note}))
    seq = target(base, AFTER)
    with tampered(data) as conn:
        drill.update_event(conn, seq, actor_name="mallory")
    assert_detected(data, seq, because="differs from its recorded hash")


@pytest.mark.parametrize(
    "line", ["not json", '{"note": 5}', '{"signed": "x"}'], ids=["not-json", "note-not-text", "no-note"]
)
def test_garbage_in_the_checkpoint_file_is_reported(data, line):
    """Attack: write garbage into the checkpoint file. Verify fails with a report, not a crash."""
    drill.append_checkpoint_line(data, line)
    verdict = drill.verify(data)
    assert verdict.exit_code == 1, str(verdict)
    assert "Traceback" not in verdict.text and verdict.report["ok"] is False, str(verdict)


def test_deleted_head_row_is_reported(data):
    """Attack: delete the head counter row (today no trigger guards it). Verify fails with
    a report, not a crash."""
    with tampered(data) as conn:
        conn.execute("DELETE FROM audit_audithead")
    verdict = drill.verify(data)
    assert verdict.exit_code == 1, str(verdict)
    assert "Traceback" not in verdict.text and verdict.report["ok"] is False, str(verdict)
