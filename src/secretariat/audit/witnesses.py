"""Where signed tree heads are kept outside the database: the checkpoint file and the witnesses.

A head in the database can be deleted by whoever can write the database; a head that also sits
in a file, a directory on another volume or another server cannot be taken back by the same
hand, so a log shortened or rolled back later is evident (`audit verify` compares them).

Every store is written the same way: one JSON line `{"note": …}` per signed note, appended,
fsynced. A write cut short (a full disk, a crash) leaves a last line without its newline; a
reader tells that fragment apart from a bad line, and the next write removes it before
appending, under an exclusive lock so two processes never interleave.

Witness locations come from SECRETARIAT_AUDIT_WITNESSES: directories (absolute paths, never
inside the data dir, whose writer they are meant to check) and http(s) URLs that accept a note
by POST and give back every note they hold by GET: a plain log collector, or another Secretariat's
`/audit/witnessed`, which keeps the heads of the logs whose keys it is given
(SECRETARIAT_AUDIT_WITNESS_FOR) after checking each signature.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from secretariat.audit import signing

URL_TIMEOUT = 5  # seconds for one witness URL


@dataclass
class Held:
    """What one store holds: its notes in order, and what it holds that is not a note."""

    where: str
    notes: list[str] = field(default_factory=list)
    bad_lines: list[int] = field(default_factory=list)  # line numbers (from 1) holding no note
    fragment: int = 0  # bytes of an unfinished last line (a write cut short), 0 if none
    missing: bool = False  # the store itself is gone (no file) or did not answer (a URL)
    error: str = ""


def _lines(raw: bytes, where: str) -> Held:
    held = Held(where)
    complete, newline, rest = raw.rpartition(b"\n")
    if not newline:
        complete, rest = b"", raw
    held.fragment = len(rest)
    for number, line in enumerate(complete.split(b"\n") if complete else [], start=1):
        if not line.strip():
            continue
        try:
            note = json.loads(line)["note"]
        except (ValueError, KeyError, TypeError):
            note = None
        if isinstance(note, str):
            held.notes.append(note)
        else:
            held.bad_lines.append(number)
    return held


def held_in(raw: bytes, where: str) -> Held:
    """The notes in the bytes of a store file (a copy of one, in a backup)."""
    return _lines(raw, where)


def read_file(path: Path) -> Held:
    """The notes in a store file; a file that is not there is reported as missing, not empty."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Held(str(path), missing=True)
    return _lines(raw, str(path))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock beside `path`, so writers in other processes wait their turn."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f".{path.name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _line(note: str) -> bytes:
    return (json.dumps({"note": note}) + "\n").encode()


def _append(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace(path: Path, data: bytes) -> None:
    """Write `data` whole under a temporary name, then rename it over `path`: all or nothing."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(temporary, path)
    finally:
        if fd != -1:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def read_bytes_locked(path: Path) -> bytes | None:
    """The whole store file as it stands between two writes (a backup's copy); None if there is none."""
    with _locked(path):
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None


def write_file(path: Path, notes: list[str]) -> int:
    """Make the file hold every note of `notes` after what it holds; return how many were added.

    Lines already there are kept as they are, bad ones included (they are evidence); only an
    unfinished last line is dropped, by rewriting the file whole and renaming it into place.
    """
    with _locked(path):
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raw = b""
        held = _lines(raw, str(path))
        present = set(held.notes)
        added = b"".join(_line(note) for note in notes if note not in present)
        if held.fragment:
            _replace(path, raw[: len(raw) - held.fragment] + added)
        elif added:
            _append(path, added)
        return added.count(b"\n")


def _url_read(url: str) -> Held:
    try:
        with urllib.request.urlopen(url, timeout=URL_TIMEOUT) as response:
            text = response.read().decode()
    except (OSError, urllib.error.URLError, UnicodeDecodeError) as exc:
        return Held(url, missing=True, error=str(exc))
    mine = settings.SECRETARIAT_AUDIT_ORIGIN + "\n"  # a witness may keep other logs' heads too
    return Held(url, notes=[note for note in split_notes(text) if note.startswith(mine)])


def _url_write(url: str, notes: list[str]) -> int:
    present = set(_url_read(url).notes)
    added = 0
    for note in notes:
        if note in present:
            continue
        request = urllib.request.Request(
            url, data=note.encode(), method="POST", headers={"Content-Type": "text/plain; charset=utf-8"}
        )
        with urllib.request.urlopen(request, timeout=URL_TIMEOUT):
            added += 1
    return added


def split_notes(text: str) -> list[str]:
    """Signed notes written one after another (as `/audit/checkpoints` serves them), apart.

    A note is its body, a blank line and signature lines (each starting with an em dash); the
    next note starts at the first line after them that is not a signature.
    """
    notes, current, in_signatures = [], [], False
    for line in text.splitlines(keepends=True):
        if in_signatures and not line.startswith("\u2014 "):
            notes.append("".join(current))
            current, in_signatures = [], False
        if not line.strip() and not current:
            continue
        current.append(line)
        if not line.strip():
            in_signatures = True
    if current:
        notes.append("".join(current))
    return notes


def witness_locations() -> list[str]:
    """The configured witnesses, checked: a directory inside the data dir witnesses nothing."""
    locations = []
    for location in settings.SECRETARIAT_AUDIT_WITNESSES:
        if location.startswith(("http://", "https://")):
            locations.append(location)
            continue
        directory = Path(location)
        if not directory.is_absolute():
            raise ImproperlyConfigured(f"audit witness {location!r} must be an absolute path or an http(s) URL")
        directory = directory.resolve()
        if directory == settings.DATA_DIR or settings.DATA_DIR in directory.parents:
            raise ImproperlyConfigured(
                f"audit witness {directory} is inside the data dir {settings.DATA_DIR}: whoever can rewrite the "
                "log could rewrite it too; put it on another volume or another machine"
            )
        locations.append(str(directory))
    return locations


def _witness_file(directory: str) -> Path:
    name = "".join(c if c.isalnum() or c in "-." else "_" for c in settings.SECRETARIAT_AUDIT_ORIGIN)
    return Path(directory) / f"{name}.checkpoints"


def read_witness(location: str) -> Held:
    if location.startswith(("http://", "https://")):
        return _url_read(location)
    held = read_file(_witness_file(location))
    held.where = f"witness {location}"
    return held


def write_witness(location: str, notes: list[str]) -> int:
    if location.startswith(("http://", "https://")):
        return _url_write(location, notes)
    return write_file(_witness_file(location), notes)


def witnessed_keys() -> dict[str, signing.Ed25519PublicKey]:
    """The logs this registry witnesses, by origin: SECRETARIAT_AUDIT_WITNESS_FOR's verifier keys."""
    keys = {}
    for vkey in settings.SECRETARIAT_AUDIT_WITNESS_FOR:
        try:
            origin, key = signing.parse_verifier_key(vkey)
        except ValueError as exc:
            raise ImproperlyConfigured(f"SECRETARIAT_AUDIT_WITNESS_FOR: {exc}") from None
        keys[origin] = key
    return keys
