"""Faults of the machine end in one line that names the cause (CLI, exit 3) or a plain 503 page
(web, API), never in a traceback, and leave nothing half-written.

The CLI drills run `secretariat` in a subprocess over a small data dir of their own (embedded
SQLite, as the audit drills do), built once for the module and copied for each drill. The web's
503 is in tests/web/test_unavailable.py.
"""

import resource
import shutil
import signal
import sqlite3

import pytest
from django.db import OperationalError

from secretariat.kernel import faults
from tests.audit import drill
from tests.cli import migrated

pytestmark = pytest.mark.embedded


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """A migrated data dir with its two officers (so the audit key exists) and one unit."""
    data = tmp_path_factory.mktemp("faults") / "data"
    data.mkdir()
    migrated(data)
    drill.install(data)
    drill.cli(data, "unit", "add", "--as", "admin", "gd1", "General Department")
    return data


@pytest.fixture
def data(office, tmp_path):
    return shutil.copytree(office, tmp_path / "data")


def one_line_fault(proc, *words: str) -> str:
    """The run ended with exit 3 and one line on stderr naming the cause; no traceback."""
    message = proc.stderr.strip()
    assert proc.returncode == faults.EXIT_CODE, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr and len(message.splitlines()) == 1, proc.stderr
    for word in words:
        assert word in message, message
    return message


def units(data) -> list[str]:
    with sqlite3.connect(data / drill.DB_NAME) as conn:
        return [row[0] for row in conn.execute("SELECT code FROM accounts_unit ORDER BY code")]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(b"this is not a database at all\n" * 200, id="foreign-file"),
        pytest.param(None, id="torn-pages"),
    ],
)
@pytest.mark.parametrize("command", [("audit", "verify"), ("migrate",)])
def test_a_damaged_database_file_is_named_not_traced(data, damage, command):
    path = data / drill.DB_NAME
    raw = bytearray(path.read_bytes())
    if damage is None:  # keep the header, scramble every page after the first
        raw[4096:] = bytes((b * 7 + 13) % 256 for b in raw[4096:])
        damage = bytes(raw)
    path.write_bytes(damage)
    one_line_fault(drill.cli(data, *command, check=False), "is damaged or is not a Secretariat database", "restore")


def test_a_missing_audit_key_refuses_every_change_in_one_line(data):
    shutil.rmtree(data / "keys")
    message = one_line_fault(
        drill.cli(data, "unit", "add", "--as", "admin", "gd2", "Second Department", check=False), "no audit key at"
    )
    assert "restore it from its backup" in message
    assert units(data) == ["gd1"]  # nothing written


def test_an_unreadable_key_is_named(data):
    key = data / drill.KEY_FILE
    key.write_text("not a key")
    one_line_fault(
        drill.cli(data, "unit", "add", "--as", "admin", "gd2", "Second Department", check=False),
        "does not hold the audit key",
    )
    assert units(data) == ["gd1"]


def test_an_unmigrated_data_dir_says_to_migrate(tmp_path):
    data = tmp_path / "empty"
    data.mkdir()
    one_line_fault(drill.cli(data, "unit", "list", check=False), "run `secretariat migrate` first")


def test_a_postgresql_server_that_does_not_answer_is_named(tmp_path):
    """Port 9 (discard) on loopback: nobody listens, so the connection is refused at once."""
    settings = {"SECRETARIAT_DATABASE_URL": "postgres://secretariat:x@127.0.0.1:9/secretariat"}
    for command in (("unit", "list"), ("migrate",)):
        one_line_fault(drill.cli(tmp_path, *command, check=False, settings=settings), "does not answer", ":9")


def _full_disk():
    """In the child: no file may grow past 8 KiB (`ulimit -f`), and growing one is an error, not a kill."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (8 * 1024, 8 * 1024))


def test_a_full_disk_refuses_the_change_and_corrupts_nothing(data):
    """No file may grow past 8 KiB (the database file is larger already, so SQLite cannot write a
    page to it, nor its write-ahead log past two pages): the change is refused in one line, the
    database is intact and the log verifies; with room again, the same change works."""
    proc = drill.subprocess.run(
        [drill.secretariat_bin(), "unit", "add", "--as", "admin", "gd2", "Second Department"],
        capture_output=True,
        text=True,
        env=drill.cli_env(data),
        timeout=drill.TIMEOUT,
        preexec_fn=_full_disk,
    )
    one_line_fault(proc, "nothing was written")
    with sqlite3.connect(data / drill.DB_NAME) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert units(data) == ["gd1"]
    drill.assert_clean(data)
    drill.cli(data, "unit", "add", "--as", "admin", "gd2", "Second Department")
    assert units(data) == ["gd1", "gd2"]
    drill.assert_clean(data)


def test_a_fault_is_described_and_a_bug_is_not():
    assert "does not answer" in faults.describe(
        OperationalError('connection to server at "127.0.0.1", port 9 failed: Connection refused')
    )
    assert "starting up" in faults.describe(OperationalError("FATAL:  the database system is starting up"))
    assert "refused the login" in faults.describe(
        OperationalError('FATAL:  password authentication failed for user "x"')
    )
    assert "does not exist: create it" in faults.describe(OperationalError('FATAL:  database "nope" does not exist'))
    assert "is full" in faults.describe(OperationalError("database or disk is full"))
    assert faults.describe(OperationalError('near "SELEC": syntax error')) is None
    assert faults.describe(KeyError("x")) is None
