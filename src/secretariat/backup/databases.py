"""The database in a backup: a consistent copy taken online, and put back into an empty database.

SQLite: the sqlite3 backup API from the live connection, in one step, so the copy is one read
transaction's snapshot while writers go on (WAL). PostgreSQL: `pg_dump -Fc` of a snapshot that
this process exported from a REPEATABLE READ transaction, in which it also reads the audit
head it writes into the manifest, so the manifest and the dump describe the same instant. The
password goes to pg_dump and pg_restore in PGPASSWORD, never on a command line.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils.translation import gettext as _

from secretariat.audit import merkle
from secretariat.kernel.errors import Refused

PG_TIMEOUT = 3600  # seconds for pg_dump or pg_restore


@dataclass(frozen=True)
class AuditState:
    """What the copied database's audit log holds: written into the manifest."""

    size: int
    root: str
    events: int
    newest_head: dict | None
    migrations: list[str]  # "app.name", in the order applied

    def as_json(self) -> dict:
        return {"size": self.size, "root": self.root, "events": self.events, "newest_head": self.newest_head}


def engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else connection.vendor


def describe() -> str:
    database = settings.DATABASES["default"]
    if engine() == "sqlite":
        return f"the SQLite database {database['NAME']}"
    host = database.get("HOST") or "localhost"
    return f"the PostgreSQL database {database.get('NAME')!r} on {host}:{database.get('PORT') or 5432}"


def _audit_state(cursor) -> AuditState:
    """Read the audit head, its root, the newest signed head and the migrations applied (plain SQL:
    the same on the SQLite copy and inside the PostgreSQL snapshot)."""
    cursor.execute("SELECT size FROM audit_audithead WHERE id = 1")
    row = cursor.fetchone()
    size = int(row[0]) if row else 0
    cursor.execute(f"SELECT leaf_hash FROM audit_auditevent WHERE seq <= {size} ORDER BY seq")
    tree = merkle.CompactRange()
    while rows := cursor.fetchmany(2000):
        for (leaf,) in rows:
            tree.append(bytes.fromhex(leaf))
    cursor.execute(
        "SELECT tree_size, root_hash, signed_at, note FROM audit_auditcheckpoint ORDER BY tree_size DESC, id DESC"
    )
    newest = cursor.fetchone()
    cursor.fetchall()
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    return AuditState(
        size=size,
        root=tree.root().hex(),
        events=tree.state()[0],
        newest_head=(
            {"size": int(newest[0]), "root": newest[1], "signed_at": str(newest[2]), "note": newest[3]}
            if newest
            else None
        ),
        migrations=migrations,
    )


def _no_registry(exc: Exception) -> Refused:
    return Refused(
        _("%(describe)s holds no registry yet (run `secretariat migrate`): nothing to back up (%(error)s)")
        % {"describe": describe(), "error": exc}
    )


# --- taking the copy ----------------------------------------------------------------------------


def snapshot(into: Path) -> AuditState:
    """Copy the live database to `into` (a file that does not exist yet), consistently, while
    others keep writing; return what its audit log holds."""
    return _snapshot_sqlite(into) if engine() == "sqlite" else _snapshot_postgresql(into)


def _snapshot_sqlite(into: Path) -> AuditState:
    connection.ensure_connection()
    target = sqlite3.connect(into)
    try:
        with connection.wrap_database_errors:
            connection.connection.backup(target)  # one step: one read transaction's snapshot
        target.execute("PRAGMA journal_mode=DELETE")  # the copy is one file; WAL again once it is in use
        (verdict,) = target.execute("PRAGMA quick_check").fetchone()
        if verdict != "ok":
            raise Refused(
                _("the copy of %(describe)s fails SQLite's quick_check (%(verdict)s): no backup written")
                % {"describe": describe(), "verdict": verdict}
            )
        try:
            return _audit_state(target.cursor())
        except sqlite3.OperationalError as exc:
            raise _no_registry(exc) from None
    finally:
        target.close()


def _snapshot_postgresql(into: Path) -> AuditState:
    dump = pg_tool("pg_dump")
    connection.ensure_connection()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot_id,) = cursor.fetchone()
        if "audit_audithead" not in connection.introspection.table_names(cursor):
            raise _no_registry("no audit tables")
        state = _audit_state(cursor)
        # The exported snapshot lives as long as this transaction: pg_dump reads exactly what was read above.
        _run([dump, "--format=custom", f"--snapshot={snapshot_id}", f"--file={into}", *_pg_arguments()], "pg_dump")
    return state


# --- the target: empty, then filled ---------------------------------------------------------------


def holds() -> str | None:
    """What the configured database already holds that a restore must not overwrite; None if empty.

    SQLite: no file, or one with no table, or with Secretariat's tables and no audit event (a
    data dir migrated and never used: the restored file replaces it). PostgreSQL: no table at
    all, since pg_restore creates them."""
    if engine() == "sqlite":
        return _sqlite_holds(Path(settings.DATABASES["default"]["NAME"]))
    connection.ensure_connection()
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if not tables:
            return None
        events = "no"
        if "audit_auditevent" in tables:
            cursor.execute("SELECT count(*) FROM audit_auditevent")
            events = cursor.fetchone()[0]
    return f"{describe()} already holds {len(tables)} table(s) and {events} audit event(s)"


def _sqlite_holds(path: Path) -> str | None:
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=rw", uri=True)
        try:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            events = (
                db.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0]
                if ("audit_auditevent" in tables)
                else 0
            )
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        return f"{path} is there and is not an empty database ({exc})"
    if events:
        return f"{path} already holds a registry ({events} audit events)"
    foreign = tables - {"sqlite_sequence"} and "django_migrations" not in tables
    return f"{path} already holds tables that are not Secretariat's" if foreign else None


def put_in_place(copy: Path) -> None:
    """Make the restored database the configured one: the SQLite file renamed over whatever empty
    file is there; the PostgreSQL dump restored in one transaction (all of it, or nothing)."""
    connections.close_all()
    if engine() == "sqlite":
        target = Path(settings.DATABASES["default"]["NAME"])
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(copy, target)
        return
    _run(
        [
            pg_tool("pg_restore"),
            "--no-owner",  # the tables belong to whoever restores, the configured user
            "--no-privileges",  # the grants of the old server's roles mean nothing here
            "--exit-on-error",
            "--single-transaction",  # a failed restore leaves the database as empty as it was
            *_pg_arguments(),
            str(copy),
        ],
        "pg_restore",
    )


# --- pg_dump and pg_restore ------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """pg_dump or pg_restore: on PATH, else the newest in /usr/lib/postgresql/*/bin (Debian's layout)."""
    found = shutil.which(name)
    if found:
        return found

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", path.parent.parent.name)) or (0,)

    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=version)
    if not candidates:
        raise Refused(
            _(
                "%(name)s is neither on PATH nor in /usr/lib/postgresql/*/bin: install the PostgreSQL client of the server's version (Debian: postgresql-client-15)"
            )
            % {"name": name}
        )
    return str(candidates[-1])


def _pg_arguments() -> list[str]:
    database = settings.DATABASES["default"]
    arguments = ["--no-password"]  # never prompt: the password is in PGPASSWORD or nowhere
    if database.get("HOST"):
        arguments.append(f"--host={database['HOST']}")
    if database.get("PORT"):
        arguments.append(f"--port={database['PORT']}")
    if database.get("USER"):
        arguments.append(f"--username={database['USER']}")
    arguments.append(f"--dbname={database['NAME']}")
    return arguments


def _pg_environment() -> dict[str, str]:
    database = settings.DATABASES["default"]
    env = dict(os.environ)  # PGHOST and its kin reach Django's connection through libpq too: the same server
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    options = database.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(option):
            env[variable] = str(options[option])
    return env


def _run(command: list[str], what: str) -> None:
    try:
        result = subprocess.run(
            command, env=_pg_environment(), capture_output=True, text=True, timeout=PG_TIMEOUT, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Refused(_("%(what)s could not run: %(error)s") % {"what": what, "error": exc}) from None
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        cause = lines[0] if lines else f"exit status {result.returncode}"
        raise Refused(
            _("%(what)s failed on %(describe)s: %(cause)s") % {"what": what, "describe": describe(), "cause": cause}
        )
