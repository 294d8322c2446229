"""Run the real `secretariat` command in a subprocess, against a data dir of its own."""

import atexit
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SECRETARIAT = str(Path(sys.executable).with_name("secretariat"))
# The configured PostgreSQL of this pass (CI's second), or '' on SQLite.
PG_URL = os.environ.get("SECRETARIAT_DATABASE_URL", "")


@contextlib.contextmanager
def scratch_database(prefix: str, template: str | None = None) -> Iterator[str]:
    """A new database on the configured PostgreSQL server, for processes of its own; its URL. Made from the
    server's maintenance database, as Django's test runner does (the configured database is never touched):
    empty, or a copy of `template` (a built demo: conftest's golden_demo_database); dropped afterwards."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    parts = urlsplit(PG_URL)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    copying = f' TEMPLATE "{template}"' if template else ""
    for attempt in range(40):
        try:
            with psycopg.connect(maintenance, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{name}"{copying}')
            break
        except psycopg.errors.ObjectInUse:  # an autovacuum worker in the template: wait for it
            if attempt == 39:
                raise
            time.sleep(0.25)
    try:
        yield urlunsplit(parts._replace(path="/" + name))
    finally:
        _drop(maintenance, name)


@contextlib.contextmanager
def demo_on_postgresql(golden: tuple[Path, str], prefix: str, data_dir: Path) -> Iterator[str]:
    """A copy of the golden demo on PostgreSQL: its database copied (CREATE DATABASE … TEMPLATE) and its data dir
    copied into `data_dir`; the copy's URL, dropped afterwards."""
    golden_dir, name = golden
    shutil.copytree(golden_dir, data_dir, symlinks=True, dirs_exist_ok=True)
    with scratch_database(prefix, template=name) as url:
        yield url


def create_template(name: str) -> str:
    """(Re)create the empty database `name` on the configured server, to build a template in; its URL."""
    import psycopg

    parts = urlsplit(PG_URL)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    _drop(maintenance, name)
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path="/" + name))


def _drop(url: str, name: str) -> None:
    """Drop a scratch database. FORCE ends the leftover sessions, but not an autovacuum worker that may be busy
    in it (the test role may not signal those): wait for it and retry."""
    import psycopg

    for attempt in range(40):
        try:
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
            if attempt == 39:
                raise
            time.sleep(0.25)


def free_port() -> int:
    """A port free on 127.0.0.1 now, for a server a test starts (another may take it before the server binds)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(data_dir: Path, database_url: str | None = None) -> dict:
    """The environment of a fresh process: this data dir, SQLite unless a database URL is given."""
    dropped = {"SECRETARIAT_DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRETARIAT_SSL_REDIRECT"}  # test-only
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["SECRETARIAT_DATA_DIR"] = str(data_dir)
    env["DJANGO_SETTINGS_MODULE"] = "secretariat.settings"
    if database_url:
        env["SECRETARIAT_DATABASE_URL"] = database_url
    return env


def run(data_dir: Path, *args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `secretariat ARGS`; `demo` builds and exits (--no-serve) rather than serving for ever."""
    if args[:1] == ("demo",) and "--no-serve" not in args:
        args = (*args, "--no-serve")
    return subprocess.run(
        [SECRETARIAT, *args],
        env=env_for(data_dir),
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd or data_dir,
        timeout=120,
    )


DB_NAME = "secretariat.sqlite3"
_migrated_db: Path | None = None


def migrated(data_dir: Path) -> None:
    """`secretariat migrate` on a new SQLite data dir, as set-up (not as what a test tries). The
    migrations run once per test process, in a data dir of their own; every data dir after that
    gets a copy of the file they made, which is what they would make again (about 5 s saved)."""
    global _migrated_db
    if _migrated_db is None:
        template = Path(tempfile.mkdtemp(prefix="secretariat-migrated-"))
        atexit.register(shutil.rmtree, template, True)
        _ok(run(template, "migrate", "-v0"), "migrate")
        _migrated_db = template / DB_NAME
    data_dir.mkdir(parents=True, exist_ok=True)
    assert not (data_dir / DB_NAME).exists(), f"{data_dir} already holds a database"
    shutil.copyfile(_migrated_db, data_dir / DB_NAME)


# Installation and grants of access on the command line, as an office does them: two officers.
OFFICER_PASSWORD = "the security officer's own pass phrase"


def _ok(result: subprocess.CompletedProcess, what) -> subprocess.CompletedProcess:
    assert result.returncode == 0, (what, result.stdout, result.stderr)
    return result


def install(data_dir: Path, admin: str = "admin", officer: str = "security") -> None:
    """`principal bootstrap ADMIN OFFICER`; the security officer then activates their account
    with the code it printed (their password: OFFICER_PASSWORD)."""
    made = json.loads(_ok(run(data_dir, "principal", "bootstrap", admin, officer, "--json"), "bootstrap").stdout)
    code = next(row["activation_code"] for row in made if row["username"] == officer)
    _ok(run(data_dir, "principal", "activate", officer, stdin=f"{code}\n{OFFICER_PASSWORD}\n"), "activate")


def granted(data_dir: Path, *args: str, officer: str = "security") -> subprocess.CompletedProcess:
    """`principal ARGS` (add, roles or a raised clearance, asked `--as` an administrator), then the
    security officer's approval, proved with their password; the approval's run is returned."""
    asked = json.loads(_ok(run(data_dir, "principal", *args, "--json"), args).stdout)
    approval = ("principal", "approve", str(asked["id"]), "--as", officer, "--secret-stdin")
    return _ok(run(data_dir, *approval, stdin=OFFICER_PASSWORD + "\n"), approval)
