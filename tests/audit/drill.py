"""Helpers for tamper drills on a real data dir: run the CLI, open the SQLite file as an attacker.

Nothing here imports the application. The CLI runs in a subprocess over its own data dir, on
SQLite whatever the CI pass (the drills edit the database file directly), and the attacker's
view of the log (canonical event bytes, leaf hashes, signed notes) is re-implemented from
rule 5 of docs/architecture.md and the C2SP signed-note format, so a drill checks the app against the spec
rather than against itself.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.cli import DB_NAME, migrated

TIMEOUT = 120  # seconds for any one CLI call
CHECKPOINT_FILE = "audit-checkpoints.log"
AUDIT_TABLES = ("audit_auditevent", "audit_auditcheckpoint")
EVENT_COLUMNS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "data",
    "leaf_hash",
    "signature",
)
ORIGIN = "secretariat.local/audit"  # the default SECRETARIAT_AUDIT_ORIGIN
PASSWORD = "correct horse battery staple"
TEXT = "The draft of the statement is to be approved.\n"


def secretariat_bin() -> str:
    candidate = Path(sys.executable).parent / "secretariat"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("secretariat")
    if found is None:
        raise RuntimeError("no `secretariat` console script next to the interpreter or on PATH")
    return found


def cli_env(data_dir: Path, settings: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a CLI call: this data dir, SQLite, the project's own settings, and
    any SECRETARIAT_* `settings` the drill gives (a witness, a pinned key)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SECRETARIAT_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["DJANGO_SETTINGS_MODULE"] = "secretariat.settings"
    env["SECRETARIAT_DATA_DIR"] = str(data_dir)
    env.update(settings or {})
    return env


def cli(
    data_dir: Path, *args: str, stdin: str | None = None, check: bool = True, settings: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run `secretariat ARGS` over `data_dir`; with `check`, fail loudly unless it exits 0."""
    proc = subprocess.run(
        [secretariat_bin(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=cli_env(data_dir, settings),
        timeout=TIMEOUT,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"`secretariat {' '.join(args)}` exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        )
    return proc


def cli_json(data_dir: Path, *args: str, settings: dict[str, str] | None = None):
    return json.loads(cli(data_dir, *args, "--json", settings=settings).stdout)


# --- verify ---------------------------------------------------------------------------------

FIRST_BAD = re.compile(r"first bad event #(\d+):")


@dataclass
class Verdict:
    """What `secretariat audit verify --json` said."""

    exit_code: int
    text: str  # the human report it writes to stderr on failure
    report: dict

    @property
    def first_bad_event(self) -> int | None:
        return self.report["first_bad_event"]

    @property
    def named_in_text(self) -> int | None:
        match = FIRST_BAD.search(self.text)
        return int(match.group(1)) if match else None

    def problems_at(self, seq: int) -> list[str]:
        return [p["message"] for p in self.report["problems"] if p["seq"] == seq]

    def __str__(self) -> str:
        return f"exit {self.exit_code}\n{self.text}\n{json.dumps(self.report, indent=2)}"


def verify(data_dir: Path, *args: str, settings: dict[str, str] | None = None) -> Verdict:
    """Run `audit verify --json`: the report on stdout, and on failure the human text on stderr."""
    run = subprocess.run(
        [secretariat_bin(), "audit", "verify", "--json", *args],
        capture_output=True,
        text=True,
        env=cli_env(data_dir, settings),
        timeout=TIMEOUT,
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        raise AssertionError(
            f"`audit verify --json` printed no JSON\nstdout:\n{run.stdout}\nstderr:\n{run.stderr}"
        ) from None
    return Verdict(run.returncode, run.stderr, report)


def assert_clean(data_dir: Path) -> Verdict:
    """Verify passes: exit 0, ok, nothing named."""
    verdict = verify(data_dir)
    assert verdict.exit_code == 0, str(verdict)
    assert verdict.report["ok"] is True and verdict.first_bad_event is None, str(verdict)
    return verdict


def assert_detected(data_dir: Path, seq: int, *, because: str = "") -> Verdict:
    """Verify fails (exit 1), reports a problem at event `seq` (whose message contains
    `because`), and names `seq` as the first bad event in the JSON and in the text."""
    verdict = verify(data_dir)
    assert verdict.exit_code == 1, str(verdict)
    assert verdict.report["ok"] is False, str(verdict)
    assert "Traceback" not in verdict.text, str(verdict)
    assert any(because in message for message in verdict.problems_at(seq)), (
        f"no problem at #{seq} mentioning {because!r}\n{verdict}"
    )
    assert verdict.first_bad_event == seq == verdict.named_in_text, (
        f"expected first bad event #{seq}; JSON named #{verdict.first_bad_event}, "
        f"text named #{verdict.named_in_text}\n{verdict}"
    )
    assert f"first bad event #{seq}:" in verdict.text
    return verdict


# --- the attacker's side: the SQLite file -----------------------------------------------------


def db_path(data_dir: Path) -> Path:
    return data_dir / DB_NAME


def connect(data_dir: Path) -> sqlite3.Connection:
    """A plain connection to the data dir's database, autocommit, rows as sqlite3.Row."""
    path = db_path(data_dir)
    assert path.exists(), f"no database at {path}"
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    conn.row_factory = sqlite3.Row
    return conn


@contextlib.contextmanager
def opened(data_dir: Path) -> Iterator[sqlite3.Connection]:
    """`connect`, closed afterwards."""
    conn = connect(data_dir)
    try:
        yield conn
    finally:
        conn.close()


def audit_triggers(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    """The triggers guarding the audit app's tables: name -> (table, CREATE TRIGGER statement)."""
    rows = conn.execute(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND substr(tbl_name, 1, 6) = 'audit_'"
    )
    return {row["name"]: (row["tbl_name"], row["sql"]) for row in rows}


@contextlib.contextmanager
def tampered(data_dir: Path) -> Iterator[sqlite3.Connection]:
    """Edit the database file directly, as someone with write access to it would.

    The append-only triggers are dropped for the edit and put back afterwards, so the schema
    looks untouched; the edit is one transaction, and the WAL is folded into the main file.
    """
    conn = connect(data_dir)
    try:
        conn.execute("BEGIN IMMEDIATE")
        triggers = audit_triggers(conn)
        unguarded = set(AUDIT_TABLES) - {table for table, _ in triggers.values()}
        assert not unguarded, f"no append-only triggers on {unguarded}"
        for name in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
        yield conn
        for _, sql in triggers.values():
            conn.execute(sql)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()


def events(conn: sqlite3.Connection) -> list[dict]:
    return [dict(row) for row in conn.execute("SELECT * FROM audit_auditevent ORDER BY seq")]


def event(conn: sqlite3.Connection, seq: int) -> dict:
    row = conn.execute("SELECT * FROM audit_auditevent WHERE seq = ?", (seq,)).fetchone()
    assert row is not None, f"no event #{seq}"
    return dict(row)


def head_size(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT size FROM audit_audithead WHERE id = 1").fetchone()[0]


def set_head(conn: sqlite3.Connection, size: int) -> None:
    conn.execute("UPDATE audit_audithead SET size = ? WHERE id = 1", (size,))


def update_event(conn: sqlite3.Connection, seq: int, **values) -> None:
    assignments = ", ".join(f'"{column}" = ?' for column in values)
    cur = conn.execute(f"UPDATE audit_auditevent SET {assignments} WHERE seq = ?", (*values.values(), seq))
    assert cur.rowcount == 1, f"no event #{seq} to update"


def insert_event(conn: sqlite3.Connection, row: dict) -> None:
    columns = ", ".join(f'"{c}"' for c in EVENT_COLUMNS)
    marks = ", ".join("?" * len(EVENT_COLUMNS))
    conn.execute(f"INSERT INTO audit_auditevent ({columns}) VALUES ({marks})", [row[c] for c in EVENT_COLUMNS])


def delete_event(conn: sqlite3.Connection, seq: int) -> None:
    cur = conn.execute("DELETE FROM audit_auditevent WHERE seq = ?", (seq,))
    assert cur.rowcount == 1, f"no event #{seq} to delete"


def renumber_from(conn: sqlite3.Connection, first: int, by: int) -> None:
    """Move every event with seq >= first by `by` places, one row at a time so seq stays unique."""
    seqs = [r[0] for r in conn.execute("SELECT seq FROM audit_auditevent WHERE seq >= ? ORDER BY seq", (first,))]
    for seq in reversed(seqs) if by > 0 else seqs:
        conn.execute("UPDATE audit_auditevent SET seq = ? WHERE seq = ?", (seq + by, seq))


def reseal(conn: sqlite3.Connection, seq: int) -> str:
    """Recompute and store the leaf hash of event `seq` as it now stands (the attacker cannot
    re-sign it: the audit key is not in the database)."""
    leaf = leaf_hash(canonical(event(conn, seq))).hex()
    update_event(conn, seq, leaf_hash=leaf)
    return leaf


# --- the spec, re-implemented: canonical event bytes, leaf hashes, signed notes --------------


def canonical(row: dict) -> bytes:
    """rule 5 of docs/architecture.md's canonical event: sorted-key compact UTF-8 JSON of the event as stored.

    Django keeps an aware datetime on SQLite as naive UTC text ('YYYY-MM-DD HH:MM:SS[.ffffff]').
    """
    at = dt.datetime.fromisoformat(row["at"])
    at = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
    body = {
        "seq": row["seq"],
        "at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": {"id": row["actor_id"], "name": row["actor_name"]},
        "action": row["action"],
        "object": {"type": row["object_type"], "id": row["object_id"]},
        "data": json.loads(row["data"]),
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def merkle_root(leaves: list[bytes]) -> bytes:
    """RFC 6962 MTH: SHA-256() when empty, the leaf itself for one, else split at the largest
    power of two below n and hash SHA-256(0x01 || left || right)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + merkle_root(leaves[:k]) + merkle_root(leaves[k:])).digest()


def signed_note(origin: str, size: int, root: bytes, private_key, key_id: bytes | None = None) -> str:
    """A C2SP signed note over a tlog checkpoint body, signed by `private_key` (Ed25519).

    `key_id` defaults to the key's own 4-byte hash; pass another key's to impersonate it.
    """
    from cryptography.hazmat.primitives import serialization

    body = f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"
    raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if key_id is None:
        key_id = hashlib.sha256(origin.encode() + b"\n\x01" + raw).digest()[:4]
    blob = base64.b64encode(key_id + private_key.sign(body.encode())).decode()
    return f"{body}\n\u2014 {origin} {blob}\n"


def note_key_id(note: str) -> bytes:
    """The 4-byte key hash on a note's first signature line."""
    signature_line = note.partition("\n\n")[2].splitlines()[0]
    return base64.b64decode(signature_line.split(" ")[2])[:4]


EVENT_CONTEXT = b"secretariat audit event v1\n"  # what an event's Ed25519 signature covers, before the leaf
KEY_FILE = Path("keys") / "audit-ed25519.pem"


def swap_key(data_dir: Path, conn: sqlite3.Connection, size: int) -> None:
    """Put a new audit key in the data dir and re-sign the whole log with it: every event's
    signature, every head (database and file) and one more over all `size` events."""
    key = Ed25519PrivateKey.generate()
    (data_dir / KEY_FILE).write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    leaves = []
    for row in events(conn):
        leaf = bytes.fromhex(row["leaf_hash"])
        leaves.append(leaf)
        update_event(conn, row["seq"], signature=key.sign(EVENT_CONTEXT + leaf).hex())
    sizes = [row[0] for row in conn.execute("SELECT tree_size FROM audit_auditcheckpoint ORDER BY tree_size")]
    notes = [signed_note(ORIGIN, n, merkle_root(leaves[:n]), key) for n in [*sizes, size]]
    conn.execute("DELETE FROM audit_auditcheckpoint")
    for n, note in zip([*sizes, size], notes, strict=True):
        conn.execute(
            "INSERT INTO audit_auditcheckpoint (tree_size, root_hash, signed_at, note) VALUES (?, ?, ?, ?)",
            (n, merkle_root(leaves[:n]).hex(), "1977-02-18 08:00:00", note),
        )
    (data_dir / CHECKPOINT_FILE).write_text("".join(json.dumps({"note": n}) + "\n" for n in notes), encoding="utf-8")


def checkpoint_notes(data_dir: Path) -> list[str]:
    path = data_dir / CHECKPOINT_FILE
    if not path.exists():
        return []
    return [json.loads(line)["note"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def append_checkpoint_line(data_dir: Path, line: str) -> None:
    with (data_dir / CHECKPOINT_FILE).open("a", encoding="utf-8") as f:
        f.write(line + "\n")


# --- snapshots of the database file (rollback) --------------------------------------------------


def _db_files(directory: Path) -> list[Path]:
    return [directory / (DB_NAME + suffix) for suffix in ("", "-wal", "-shm")]


def snapshot_db(data_dir: Path, into: Path) -> None:
    """Copy the database file as a backup would: WAL folded in first, then the files copied."""
    with opened(data_dir) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    into.mkdir(parents=True, exist_ok=True)
    for src in _db_files(data_dir):
        if src.exists():
            shutil.copy2(src, into / src.name)


def restore_db(data_dir: Path, snapshot: Path) -> None:
    """Put the snapshot back in place of the database (and only the database) of `data_dir`."""
    for path in _db_files(data_dir):
        path.unlink(missing_ok=True)
    for src in _db_files(snapshot):
        if src.exists():
            shutil.copy2(src, data_dir / src.name)


# --- the base data dir -------------------------------------------------------------------------


@dataclass(frozen=True)
class Base:
    """A data dir built through the CLI, and what its log holds."""

    path: Path
    events: tuple[dict, ...]  # the rows of audit_auditevent, in seq order
    checkpoint_size: int  # the tree size of its one signed checkpoint

    @property
    def size(self) -> int:
        return len(self.events)

    def seq_of(self, action: str) -> int:
        matches = [e["seq"] for e in self.events if e["action"] == action]
        assert len(matches) == 1, f"expected one {action} event, found {matches}"
        return matches[0]


def build_base(data_dir: Path) -> Base:
    """The reference case in miniature, through the real CLI, with a checkpoint in the middle:

    install the two officers; a unit; a registrar, a member and an auditor, each asked for and
    approved; register P46/X to the member; issue
    copy 1; the member confirms receipt; **sign a checkpoint**; then, not yet covered by any
    signed head, the member reads the document and the registry takes the copy back.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    text_file = data_dir.parent / f"{data_dir.name}-text.txt"
    text_file.write_text(TEXT, encoding="utf-8")
    migrated(data_dir)
    install(data_dir)
    cli(data_dir, "unit", "add", "--as", "admin", "gd1", "General Department")
    for username, role in (("reg", "registrar"), ("gromyko", "member"), ("auditor", "auditor")):
        granted(data_dir, "add", "--as", "admin", username, "--clearance", "TOP SECRET", "--roles", role)
    cli(
        data_dir,
        "document", "register", "--as", "reg", "--number", "P46/X", "--title", "On the statement",
        "--classification", "TOP SECRET", "--text-file", str(text_file), "--dated", "1977-02-18", "--to", "gromyko",
    )  # fmt: skip
    cli(data_dir, "copies", "issue", "--as", "reg", "P46/X")
    cli(data_dir, "copy", "receipt", "--as", "gromyko", "P46/X", "1")
    checkpoint = cli_json(data_dir, "audit", "checkpoint", "--as", "auditor")
    cli(data_dir, "document", "read", "--as", "gromyko", "P46/X")
    cli(data_dir, "copy", "return", "--as", "reg", "P46/X", "1")
    with opened(data_dir) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        logged = events(conn)  # all of them, as stored (`audit log` shows only what its reader may see)
    return Base(path=data_dir, events=tuple(logged), checkpoint_size=checkpoint["tree_size"])


def install(data_dir: Path, settings: dict[str, str] | None = None) -> None:
    """`principal bootstrap admin security`; the security officer activates their account with
    its code, setting PASSWORD, with which they approve what the administrator asks."""
    made = cli_json(data_dir, "principal", "bootstrap", "admin", "security", settings=settings)
    code = next(row["activation_code"] for row in made if row["username"] == "security")
    cli(data_dir, "principal", "activate", "security", stdin=f"{code}\n{PASSWORD}\n", settings=settings)


def granted(data_dir: Path, *args: str, settings: dict[str, str] | None = None) -> None:
    """`principal ARGS` asked as the administrator, approved by the security officer."""
    asked = cli_json(data_dir, "principal", *args, settings=settings)
    approval = ("principal", "approve", str(asked["id"]), "--as", "security", "--secret-stdin")
    cli(data_dir, *approval, stdin=PASSWORD + "\n", settings=settings)


def fresh_copy(base: Base, into: Path) -> Path:
    """A private copy of the base data dir (database, keys, checkpoint file) for one drill."""
    shutil.copytree(base.path, into)
    return into
