"""Kill -9 on PostgreSQL: writers registering papers at once, one writer killed mid-stream, then
the server itself; after recovery nothing a writer was told is lost, the numbers have no gap and
the audit log verifies. On a throwaway server the drill starts itself (its own data directory and
port), never the configured one, so it runs once, in the SQLite pass."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.audit import drill
from tests.backup import postgres

pytestmark = [
    pytest.mark.slow,
    pytest.mark.embedded,
    pytest.mark.skipif(postgres.unavailable() is not None, reason=postgres.unavailable() or ""),
]

WRITERS = 4

# Each writer registers papers one by one and prints each number once its transaction has committed
# (the service returns after the commit): what it prints is what it was told.
WRITER = r"""
import datetime as dt, sys
import django
django.setup()
from secretariat.kernel.classification import Classification
from secretariat.kernel.principals import principal_by_username
from secretariat.registry import services
reg = principal_by_username("reg")
for k in range(400):
    paper = services.register_document(
        reg, series="GD", title=f"writer {sys.argv[1]} paper {k}", classification=Classification.parse("SECRET"),
        text="Registered while the server may die.", dated=dt.date(2026, 1, 1),
    )
    print(paper.number, flush=True)
"""


class Writer:
    """A writer process, and the numbers it has been told so far (read as it prints them, by a thread)."""

    def __init__(self, k: int, env: dict):
        self.process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(k)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.told: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            if line.startswith("GD-"):
                self.told.append(line.strip())

    def finished(self) -> list[str]:
        self.process.wait(timeout=120)
        self.reader.join(timeout=30)
        return self.told


def _until(condition, timeout: float = 120) -> None:
    """Wait for `condition` (the writers' start-up takes seconds on a busy machine, not a fixed time)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the writers told nothing in time"
        time.sleep(0.05)


def test_nothing_committed_is_lost_when_writers_and_the_server_are_killed(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    with postgres.throwaway_server(durable=True) as server:
        on = {"SECRETARIAT_DATABASE_URL": server.url}
        drill.cli(data, "migrate", "-v0", settings=on)
        drill.install(data, settings=on)
        drill.granted(
            data, "add", "--as", "admin", "reg", "--clearance", "TOP SECRET", "--roles", "registrar", settings=on
        )
        env = drill.cli_env(data, on)
        writers = [Writer(k, env) for k in range(WRITERS)]
        _until(lambda: all(w.told for w in writers))  # every writer is registering
        writers[0].process.send_signal(signal.SIGKILL)  # a writer dies mid-transaction
        after = sum(len(w.told) for w in writers[1:])
        _until(lambda: sum(len(w.told) for w in writers[1:]) >= after + 3)  # the others go on
        server.kill()  # and then the server, under the others
        told = [number for writer in writers for number in writer.finished()]
        assert all(w.process.returncode != 0 for w in writers), "every writer was cut off"
        assert len(told) >= WRITERS, told  # they did get work done before the crash
        server.start()  # crash recovery

        registered = {
            d["number"] for d in drill.cli_json(data, "document", "list", "--as", "reg", "--register", settings=on)
        }
        assert set(told) <= registered, sorted(set(told) - registered)  # nothing a writer was told is lost
        numbers = sorted(int(n.removeprefix("GD-")) for n in registered)
        assert numbers == list(range(1, len(numbers) + 1))  # no gap, no duplicate
        verdict = drill.verify(data, settings=on)
        assert verdict.exit_code == 0 and verdict.report["ok"], str(verdict)
        # The registry goes on after the crash: the next paper takes the next number.
        more = drill.cli_json(
            data,
            *("document", "register", "--as", "reg", "--series", "GD", "--title", "After the crash"),
            *("--classification", "SECRET", "--text-file", str(_text(tmp_path)), "--dated", "2026-01-02"),
            settings=on,
        )
        assert more["number"] == f"GD-{len(numbers) + 1}"
        print(
            f"\n[kill -9] {len(told)} registrations confirmed before the crash, {len(registered)} committed; none lost"
        )
    assert not os.path.exists(server.root)


def _text(tmp_path):
    path = tmp_path / "after.txt"
    path.write_text("After the crash.\n", encoding="utf-8")
    return path
