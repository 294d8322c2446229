"""A throwaway PostgreSQL server for one drill: initdb in a temporary directory, its own port on
127.0.0.1, a login role with a password (so pg_dump and pg_restore must get it from PGPASSWORD),
stopped and removed afterwards. Never the configured server, never its databases.

The server refuses to run as root, so when the tests run as root (as CI does) it runs as the
`postgres` user, as .ci/run starts its own.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.cli import free_port

TOOLS = ("initdb", "pg_ctl", "postgres", "psql")
ROLE = DATABASE = "secretariat"


def server_binaries() -> Path | None:
    """The newest /usr/lib/postgresql/*/bin holding a server (Debian's layout), or the one on PATH."""

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", path.parent.name)) or (0,)

    for directory in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True):
        if all((directory / tool).exists() for tool in TOOLS):
            return directory
    found = shutil.which("pg_ctl")
    if found and all((Path(found).parent / tool).exists() for tool in TOOLS):
        return Path(found).parent
    return None


def unavailable() -> str | None:
    """Why no throwaway server can be started here, or None."""
    if server_binaries() is None:
        return "no PostgreSQL server binaries (initdb, pg_ctl, postgres, psql): apt-get install postgresql-15"
    if os.getuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no `postgres` user to run the server as"
    return None


@dataclass(frozen=True)
class Server:
    root: Path
    port: int
    password: str
    bin: Path
    options: str = ""

    def start(self) -> None:
        """Start (or, after a crash, recover and start) the server; retried while the dead
        postmaster's backends still hold its shared memory."""
        data = str(self.root / "data")
        for attempt in range(60):
            try:
                self.run(
                    "pg_ctl",
                    "-D",
                    data,
                    "-l",
                    str(self.root / "server.log"),
                    "-w",
                    "-t",
                    "60",
                    "start",
                    "-o",
                    self.options,
                )
                return
            except subprocess.CalledProcessError:
                if attempt == 59:
                    raise
                time.sleep(0.5)

    def kill(self) -> None:
        """SIGKILL the postmaster, as a crash would; its backends notice and end too."""
        pid = int((self.root / "data" / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)

    @property
    def url(self) -> str:
        return f"postgres://{ROLE}:{self.password}@127.0.0.1:{self.port}/{DATABASE}"

    def run(self, *command: str) -> None:
        _as_server_user([str(self.bin / command[0]), *command[1:]])

    def sql(self, *statements: str) -> None:
        """Run statements as the superuser over the server's own socket (trusted there, and only there)."""
        arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(self.root), "-p", str(self.port)]
        arguments += ["-U", "postgres", "-d", "postgres"]
        for statement in statements:
            arguments += ["-c", statement]
        self.run(*arguments)

    def wipe(self) -> None:
        """Drop the registry's database and create it again, empty."""
        self.sql(f"DROP DATABASE {DATABASE} WITH (FORCE)", f"CREATE DATABASE {DATABASE} OWNER {ROLE}")


def _as_server_user(command: list[str]) -> None:
    if os.getuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, text=True, cwd="/", timeout=120)


@contextlib.contextmanager
def throwaway_server(*, durable: bool = False) -> Iterator[Server]:
    binaries = server_binaries()
    assert binaries is not None, unavailable()
    # Under /tmp, so the server user can reach it and the socket path stays short.
    root = Path(tempfile.mkdtemp(prefix="secretariat-backup-pg-", dir="/tmp"))
    if os.getuid() == 0:
        shutil.chown(root, "postgres")
    port = free_port()
    # Durability off, as the server is thrown away, unless a drill kills it: then a commit must
    # reach the kernel before it returns (the page cache outlives the killed processes; fsync
    # only matters to a machine that loses power).
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    if not durable:
        options += " -c synchronous_commit=off"
    server = Server(root, port, secrets.token_hex(16), binaries, options)
    started = False
    try:
        server.run(
            "initdb", "-D", str(root / "data"), "-U", "postgres", "--encoding=UTF8", "--locale=C.UTF-8",
            "--auth-local=trust", "--auth-host=scram-sha-256",
        )  # fmt: skip
        server.start()
        started = True
        server.sql(
            f"CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{server.password}'",
            f"CREATE DATABASE {DATABASE} OWNER {ROLE}",
        )
        yield server
    except subprocess.CalledProcessError as exc:
        log = (root / "server.log").read_text() if (root / "server.log").exists() else ""
        raise AssertionError(f"{exc.cmd} failed:\n{exc.stdout}\n{exc.stderr}\n{log}") from None
    finally:
        if started:
            with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
                server.run("pg_ctl", "-D", str(root / "data"), "-m", "immediate", "-w", "-t", "30", "stop")
        shutil.rmtree(root, ignore_errors=True)
