"""Faults of the machine, not of the request: a damaged database file, a missing key, a full
disk, a server that does not answer. Each is named in one line that says what to do, for the
CLI (`secretariat`'s exit code 3) and the web (a plain 503 page), instead of a traceback.

`describe` reads an exception and says what it means here, or None when it is not such a fault
(a bug, which keeps its traceback for whoever fixes it).
"""

from __future__ import annotations

import errno

from django.conf import settings
from django.db import DatabaseError

EXIT_CODE = 3  # the CLI's exit code for a fault of the machine (2: a refused request)


class AuditKeyUnavailable(RuntimeError):
    """The audit key cannot be read, so no event can be signed and no change can be made."""


def _database_name() -> str:
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        return f"the database file {database['NAME']}"
    return f"PostgreSQL database {database.get('NAME')!r} on {database.get('HOST') or 'localhost'}:{database.get('PORT') or 5432}"


def _any(*needles: str):
    return lambda text: any(needle in text for needle in needles)


def _database_fault(message: str) -> str | None:
    text = message.lower()
    where = _database_name()
    data_dir = settings.DATA_DIR
    causes = [
        (
            lambda t: "no such table" in t or ("relation" in t and "does not exist" in t),
            "this data dir has no registry yet: run `secretariat migrate` first",
        ),
        (
            _any("file is not a database", "disk image is malformed", "file is encrypted"),
            f"{where} is damaged or is not a Secretariat database: restore it from a backup "
            "(`secretariat restore FILE`); nothing was written",
        ),
        (
            _any("readonly database", "read-only file system"),
            f"{where} (in {data_dir}) is read-only: nothing was written; run as the user who owns it, "
            "or on a writable volume",
        ),
        (
            _any("database or disk is full", "no space left on device"),
            f"the disk holding {where} is full: nothing was written; free some space and try again",
        ),
        (
            _any("disk i/o error"),
            f"{where} could not be written or read (a disk I/O error): the disk may be full or failing; "
            "nothing was written",
        ),
        (_any("unable to open database file"), f"cannot open {where}: check that {data_dir} exists and is yours"),
        (
            _any("the database system is starting up", "the database system is shutting down", "recovery mode"),
            f"{where} is starting up or shutting down: try again in a moment",
        ),
        (
            _any("password authentication failed", "no pg_hba.conf entry", 'role "'),
            f"{where} refused the login: check the user and password in SECRETARIAT_DATABASE_URL",
        ),
        (
            lambda t: 'database "' in t and "does not exist" in t,
            f"{where} does not exist: create it, or correct SECRETARIAT_DATABASE_URL",
        ),
        (
            _any(
                "connection refused",
                "could not connect",
                "timeout expired",
                "no route to host",
                "could not translate host name",
                "server closed the connection",
                "connection is bad",
            ),
            f"{where} does not answer: is the server running and reachable?",
        ),
    ]
    for matches, meaning in causes:
        if matches(text):
            first_line = message.strip().splitlines()[0] if message.strip() else type(message).__name__
            return f"{meaning} ({first_line})"
    return None


def describe(exc: BaseException) -> str | None:
    """What `exc` means for whoever runs the registry, in one line; None for anything else."""
    if isinstance(exc, AuditKeyUnavailable):
        return str(exc)
    if isinstance(exc, DatabaseError):
        return _database_fault(str(exc))
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
        return f"{exc.filename or settings.DATA_DIR}: {exc.strerror}: nothing was written; free some space or remount it writable"
    return None
