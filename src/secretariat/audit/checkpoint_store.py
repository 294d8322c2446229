"""The checkpoint log outside the database: one interface, two kinds of store.

- A file on local disk (settings.SECRETARIAT_AUDIT_CHECKPOINTS): one JSON line per signed
  note, appended under a lock (audit/witnesses.py); the store of a registry on one machine.
- An object store shared by every app server (STORAGES["checkpoints"], set by
  SECRETARIAT_STORAGE_URL): each signed head is an immutable object of its own, named
  `<tree_size:012d>-<sha256 of the note>.json` and holding `{"note": …}`, so two nodes never
  race on one object (two that write the same head write the same bytes under the same name).
  Reading the log lists the prefix, in name order, which is tree-size order.

`publish_checkpoints`, `audit verify` and backup/restore reach the log only through `store()`.
A store reads into the same `witnesses.Held` either way: a deleted object is a head the store
lacks, as a removed line is in the file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

from secretariat.audit import witnesses
from secretariat.audit.witnesses import Held

STORAGE_ALIAS = "checkpoints"


def _as_lines(notes: list[str]) -> bytes:
    return b"".join((json.dumps({"note": note}) + "\n").encode() for note in notes)


class FileStore:
    """The checkpoint file on local disk."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.where = str(self.path)

    def read(self) -> Held:
        return witnesses.read_file(self.path)

    def write(self, notes: list[str]) -> int:
        return witnesses.write_file(self.path, notes)

    def snapshot(self) -> bytes | None:
        """The whole file as it stands between two writes; None if there is none."""
        return witnesses.read_bytes_locked(self.path)

    def holds_any(self) -> bool:
        return self.path.exists() and self.path.stat().st_size > 0

    def clear(self) -> None:
        """Remove an empty store before a restore writes it (the caller has checked it holds nothing)."""
        self.path.unlink(missing_ok=True)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def object_name(note: str) -> str:
    lines = note.splitlines()
    try:
        size = int(lines[1])
    except (IndexError, ValueError):
        size = 0
    return f"{size:012d}-{hashlib.sha256(note.encode()).hexdigest()}.json"


class ObjectStore:
    """One object per signed head, under a storage's prefix."""

    def __init__(self, storage: Storage):
        self.storage = storage
        bucket = getattr(storage, "bucket_name", "")
        location = getattr(storage, "location", "")
        self.where = f"s3://{bucket}/{location}".rstrip("/") + "/" if bucket else f"the storage {STORAGE_ALIAS!r}"

    def names(self) -> list[str]:
        try:
            _, files = self.storage.listdir("")
        except FileNotFoundError:
            return []
        return sorted(name for name in files if name.endswith(".json"))

    def read(self) -> Held:
        names = self.names()
        held = Held(self.where, missing=not names)
        for number, name in enumerate(names, start=1):
            try:
                with self.storage.open(name, "rb") as f:
                    note = json.loads(f.read())["note"]
            except (ValueError, KeyError, TypeError):
                note = None
            except FileNotFoundError:
                continue  # removed between the listing and the read: as if not listed
            if isinstance(note, str) and name == object_name(note):
                held.notes.append(note)
            else:
                held.bad_lines.append(number)  # an object that is not the head its name says
        return held

    def write(self, notes: list[str]) -> int:
        present = set(self.names())
        added = 0
        for note in notes:
            name = object_name(note)
            if name in present:
                continue
            self.storage.save(name, ContentFile((json.dumps({"note": note}) + "\n").encode()))
            present.add(name)
            added += 1
        return added

    def snapshot(self) -> bytes | None:
        """Every head as the checkpoint file would hold it (one JSON line each); None if there is none."""
        held = self.read()
        return None if held.missing else _as_lines(held.notes)

    def holds_any(self) -> bool:
        return bool(self.names())

    def clear(self) -> None:
        pass  # objects are never rewritten: an empty prefix needs nothing removed

    def discard(self) -> None:
        """Remove every head object (a failed restore taking back what it wrote into an empty store)."""
        for name in self.names():
            self.storage.delete(name)


def store() -> FileStore | ObjectStore:
    """The checkpoint log this registry is configured for."""
    if STORAGE_ALIAS in settings.STORAGES:
        return ObjectStore(storages[STORAGE_ALIAS])
    return FileStore(Path(settings.SECRETARIAT_AUDIT_CHECKPOINTS))
