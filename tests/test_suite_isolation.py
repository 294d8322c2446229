"""The suite never touches a data dir a person has configured: SECRETARIAT_DATA_DIR (and every other
SECRETARIAT_* setting but the database server's URL) is ignored by the tests, which write to data dirs of
their own (tests/settings.py, tests/conftest.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.embedded]  # inner runs of pytest, on SQLite

ROOT = Path(__file__).resolve().parents[1]

# Tests that write where the settings point: the audit key (any event), the checkpoint file (a commit's
# on_commit callback), the demo's files (built once: key, checkpoint file, the transfer's bag; then copied for
# the test), and the real command over a demo data dir (`secretariat demo` run once, then copied).
WRITERS = [
    "tests/audit/test_log.py::test_a_checkpoint_is_a_signed_note_over_the_head_and_covers_its_own_event",
    "tests/audit/test_log.py::test_a_committed_checkpoint_is_appended_to_the_checkpoint_file",
    "tests/web/test_audit_desk.py::test_verify_now_answers_in_place_and_appends_nothing",
    "tests/render/test_render.py::test_the_render_command_on_a_demo_data_dir",
]


def contents(folder: Path) -> dict[str, bytes | None]:
    """Every name under `folder`, with its bytes (None for a directory)."""
    return {str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes() for p in sorted(folder.rglob("*"))}


def test_a_configured_data_dir_is_untouched_by_a_run_of_the_tests(tmp_path):
    configured = tmp_path / "secretariat-data"
    (configured / "keys").mkdir(parents=True)
    (configured / "keys" / "audit-ed25519.pem").write_text("a person's audit key\n")
    (configured / "audit-checkpoints.log").write_text('{"note": "a person\'s checkpoint"}\n')
    (configured / "secretariat.sqlite3").write_bytes(b"a person's registry")
    before = contents(configured)
    # What a person may have exported. SECRETARIAT_DATABASE_URL is left out: it names a server, not a data dir,
    # and a second run on this pass's PostgreSQL server could take this run's test database name (test_secretariat
    # with -n 0).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECRETARIAT_", "PYTEST_"))}
    env |= {
        "SECRETARIAT_DATA_DIR": str(configured),
        "SECRETARIAT_ARCHIVE_DIR": str(configured / "archive"),
        "SECRETARIAT_SECRET_KEY": "a person's secret key",
        "SECRETARIAT_CLOCK": "2001-01-01T00:00:00+00:00",
        "SECRETARIAT_DEVELOPMENT": "1",
    }
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider", "-q", *WRITERS],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    assert f"{len(WRITERS)} passed" in result.stdout
    assert contents(configured) == before


MIXED = """
import pytest


def test_the_demo_and_a_fixture_that_needs_the_empty_database(demo, admin):
    pass


@pytest.mark.django_db
def test_the_demo_and_a_django_db_mark(demo):
    pass
"""


def test_a_test_asking_for_the_demo_and_the_empty_database_fails_at_set_up(tmp_path):
    """`demo` is a database of its own: a test cannot get it and the empty test database at once."""
    (tmp_path / "conftest.py").write_text("from tests.conftest import *  # noqa: F403\n")
    (tmp_path / "test_mixed.py").write_text(MIXED)
    # On SQLite: a second run on this pass's PostgreSQL server could take this run's test database name.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "SECRETARIAT_"))}
    env |= {"PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "tests.settings"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rE", "test_mixed.py"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "2 errors" in result.stdout and "passed" not in result.stdout, result.stdout[-5000:] + result.stderr[-3000:]
    for name, asked in [
        ("test_the_demo_and_a_fixture_that_needs_the_empty_database", "(_django_db_helper, db)"),
        ("test_the_demo_and_a_django_db_mark", "(_django_db_helper, a django_db mark)"),
    ]:
        assert f"test_mixed.py::{name} asks for the demo and for the empty test database {asked}" in result.stdout


EMBEDDED = """
import pytest


@pytest.mark.embedded
def test_on_a_data_dir_of_its_own(tmp_path):
    pass


def test_on_the_test_database(db):
    pass
"""

MISMARKED = """
import pytest

pytestmark = pytest.mark.embedded


def test_asking_for_the_test_database(db):
    pass


@pytest.mark.django_db
def test_with_a_django_db_mark():
    pass


def test_asking_for_a_fixture_that_needs_the_test_database(admin):
    pass
"""


def inner_pytest(folder: Path, *args: str, database_url: str | None = None) -> subprocess.CompletedProcess:
    """pytest in a subprocess over `folder`, with the suite's conftest and its `embedded` mark, on SQLite unless
    a database URL is given."""
    (folder / "conftest.py").write_text(
        "from tests.conftest import *  # noqa: F403\n\n\n"
        "def pytest_configure(config):\n"
        '    config.addinivalue_line("markers", "embedded: on a data dir of its own")\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "SECRETARIAT_"))}
    env |= {"PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "tests.settings"}
    if database_url:
        env["SECRETARIAT_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--strict-markers", "-q", *args],
        env=env,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("workers", ["0", "1"])
def test_an_embedded_test_that_uses_the_configured_database_is_a_collection_error(tmp_path, workers):
    """On either engine, before any test runs (on PostgreSQL it would be deselected, never having run there); in
    one process a usage error, under xdist the run stopped with the same words."""
    (tmp_path / "test_embedded.py").write_text(EMBEDDED)
    (tmp_path / "test_mismarked.py").write_text(MISMARKED)
    result = inner_pytest(tmp_path, "-n", workers)
    output = result.stdout + result.stderr
    expected = pytest.ExitCode.USAGE_ERROR if workers == "0" else pytest.ExitCode.INTERRUPTED
    assert result.returncode == expected, output[-8000:]
    assert "passed" not in output and "test_on_a_data_dir_of_its_own" not in output
    assert "INTERNALERROR" not in output
    said = [line for line in output.splitlines() if "is marked embedded but uses the configured database" in line]
    assert [line.split("test_mismarked.py::", 1)[1] for line in said] == [
        "test_asking_for_the_test_database is marked embedded but uses the configured database "
        "(_django_db_helper, db, django_db_setup)",
        "test_with_a_django_db_mark is marked embedded but uses the configured database (a django_db mark)",
        "test_asking_for_a_fixture_that_needs_the_test_database is marked embedded but uses the configured database "
        "(_django_db_helper, db, django_db_setup)",
    ], output[-8000:]


def test_embedded_tests_are_deselected_on_postgresql_only(tmp_path):
    """Collected on SQLite; on PostgreSQL (a URL naming no server: collecting connects to none) deselected, the
    others kept."""
    (tmp_path / "test_embedded.py").write_text(EMBEDDED)
    on_sqlite = inner_pytest(tmp_path, "--collect-only")
    assert on_sqlite.returncode == 0, on_sqlite.stdout[-5000:] + on_sqlite.stderr[-3000:]
    assert "2 tests collected" in on_sqlite.stdout and "deselected" not in on_sqlite.stdout
    on_postgresql = inner_pytest(tmp_path, "--collect-only", database_url="postgres://nobody@127.0.0.1:9/nothing")
    assert on_postgresql.returncode == 0, on_postgresql.stdout[-5000:] + on_postgresql.stderr[-3000:]
    assert "1/2 tests collected (1 deselected)" in on_postgresql.stdout
    assert "Embedded tests deselected on PostgreSQL: 1 (they run on SQLite)" in on_postgresql.stdout
    assert "test_embedded.py::test_on_the_test_database" in on_postgresql.stdout
    assert "test_on_a_data_dir_of_its_own" not in on_postgresql.stdout
