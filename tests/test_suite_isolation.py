"""The suite never touches a data dir a person has configured: SECRETARIAT_DATA_DIR (and every other
SECRETARIAT_* setting but the database server's URL) is ignored by the tests, which write to data dirs of
their own (tests/settings.py, tests/conftest.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

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
