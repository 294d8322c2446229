"""Run the real `secretariat` command in a subprocess, against a data dir of its own."""

import os
import subprocess
import sys
from pathlib import Path

SECRETARIAT = str(Path(sys.executable).with_name("secretariat"))


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
