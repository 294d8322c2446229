"""The backup file: one gzipped tar of named members and a manifest of their SHA-256 sums.

Members, each a regular file (no links, no devices, no directories of their own):

    database/secretariat.sqlite3 | database/secretariat.pgdump   the database
    files/…                 the attachments: settings.MEDIA_ROOT, or the object store's files/
    archive/…               the transferred bags: settings.SECRETARIAT_ARCHIVE_DIR, or the object store's archive/
    audit-checkpoints.log   the checkpoint log: the file, or the object store's heads as the file would hold them
    keys/audit-ed25519.pem.enc   the audit key, encrypted under a passphrase (only when one is given)
    manifest.json           last: what the backup is, and the SHA-256 and size of every other member

The file is written under a temporary name beside its own and linked into place only when
whole and synced, so a backup that fails leaves nothing behind. It is read twice on restore:
once to check every sum before anything is written, then to write, checking the sums again.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

from secretariat.kernel.errors import InvalidInput, Refused

FORMAT = "secretariat-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/secretariat.sqlite3"
POSTGRESQL_MEMBER = "database/secretariat.pgdump"
CHECKPOINTS_MEMBER = "audit-checkpoints.log"
KEY_MEMBER = "keys/audit-ed25519.pem.enc"
FIXED_MEMBERS = {MANIFEST, SQLITE_MEMBER, POSTGRESQL_MEMBER, CHECKPOINTS_MEMBER, KEY_MEMBER}
TREES = ("files", "archive")  # members under these are files of a directory tree
CHUNK = 1 << 20
MANIFEST_LIMIT = 64 << 20  # a manifest larger than this is not one
KEY_LIMIT = 64 << 10


def allowed(name: str) -> bool:
    """A member name a backup may hold: one of the fixed ones, or a plain relative path under a tree."""
    path = PurePosixPath(name)
    if not name or name != str(path) or path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
        return False
    return name in FIXED_MEMBERS or (path.parts[0] in TREES and len(path.parts) > 1)


class _Hashing(io.RawIOBase):
    """Reads through to `source`, hashing every byte that passes."""

    def __init__(self, source, limit: int | None = None):
        self.source, self.sha256, self.size, self.limit = source, hashlib.sha256(), 0, limit

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self.limit is not None:
            n = self.limit - self.size if n is None or n < 0 else min(n, self.limit - self.size)
        data = self.source.read(n)
        self.sha256.update(data)
        self.size += len(data)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


@dataclass
class Member:
    name: str
    sha256: str
    size: int

    def as_json(self) -> dict:
        return {"name": self.name, "sha256": self.sha256, "size": self.size}


class Writer:
    """A backup file being written under a temporary name beside `path`."""

    def __init__(self, path: Path):
        self.path = path
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".partial")
        self.temporary = Path(temporary)
        self.file = os.fdopen(fd, "wb")  # 0600, as mkstemp makes it: the backup holds the registry's papers
        self.tar = tarfile.open(fileobj=self.file, mode="w:gz", format=tarfile.PAX_FORMAT, compresslevel=6)
        self.members: list[Member] = []

    def _info(self, name: str, size: int, mode: int = 0o600, mtime: float = 0) -> tarfile.TarInfo:
        if not allowed(name) or name == MANIFEST:
            raise ValueError(f"not a backup member: {name}")
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, mode & 0o777, int(mtime)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    def add_bytes(self, name: str, data: bytes, mode: int = 0o600) -> Member:
        self.tar.addfile(self._info(name, len(data), mode, time.time()), io.BytesIO(data))
        member = Member(name, hashlib.sha256(data).hexdigest(), len(data))
        self.members.append(member)
        return member

    def add_file(self, name: str, source: Path) -> Member:
        """A regular file, hashed as it is read: what is in the tar is what was hashed, even if the
        file grows meanwhile (its size is taken when it is opened)."""
        with open(source, "rb") as f:
            stat = os.fstat(f.fileno())
            reader = _Hashing(f)
            self.tar.addfile(self._info(name, stat.st_size, stat.st_mode, stat.st_mtime), reader)
        member = Member(name, reader.sha256.hexdigest(), stat.st_size)
        self.members.append(member)
        return member

    def add_stream(self, name: str, source, size: int, mtime: float = 0) -> Member:
        """`size` bytes read from the file object `source` (a file in a Django storage), hashed as read."""
        reader = _Hashing(source, limit=size)
        self.tar.addfile(self._info(name, size, 0o600, mtime), reader)
        member = Member(name, reader.sha256.hexdigest(), reader.size)
        self.members.append(member)
        return member

    def add_tree(self, prefix: str, root: Path) -> list[Member]:
        """Every regular file under `root`, as `prefix/relative path`, in a stable order."""
        added = []
        if not root.is_dir():
            return added
        for directory, subdirs, names in os.walk(root):
            subdirs.sort()
            for name in sorted(names):
                source = Path(directory) / name
                if source.is_symlink() or not source.is_file():
                    raise Refused(
                        _("%(source)s is not a regular file: a backup holds only regular files") % {"source": source}
                    )
                added.append(self.add_file(f"{prefix}/{source.relative_to(root).as_posix()}", source))
        return added

    def finish(self, manifest: dict) -> tuple[int, str]:
        """Add the manifest, sync, and link the file into place (never over another); (size, SHA-256)."""
        data = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
        self.tar.addfile(info, io.BytesIO(data))
        self.tar.close()
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        try:
            os.link(self.temporary, self.path)
        except FileExistsError:
            raise Refused(
                _("%(path)s appeared while the backup was written: nothing was replaced") % {"path": self.path}
            ) from None
        except OSError:  # a file system without hard links: rename, having checked
            if self.path.exists():
                raise Refused(
                    _("%(path)s appeared while the backup was written: nothing was replaced") % {"path": self.path}
                ) from None
            os.rename(self.temporary, self.path)
        self.temporary.unlink(missing_ok=True)
        sync_directory(self.path.parent)
        return self.path.stat().st_size, file_sha256(self.path)

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.tar.close()
        with contextlib.suppress(Exception):
            self.file.close()
        self.temporary.unlink(missing_ok=True)


def sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_sha256(path: Path) -> str:
    sha256 = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            sha256.update(chunk)
    return sha256.hexdigest()


@dataclass
class Checked:
    """A backup file read whole, every member's sum matched against its manifest."""

    path: Path
    sha256: str  # of the whole file
    size: int
    manifest: dict
    key: bytes | None = None  # the encrypted key member, if the backup holds one
    members: dict[str, Member] = field(default_factory=dict)


def _open(path: Path, source) -> tarfile.TarFile:
    try:
        return tarfile.open(fileobj=source, mode="r|*")
    except DAMAGED as exc:
        raise InvalidInput(
            _("%(path)s is not a Secretariat backup (not a tar file: %(error)s)") % {"path": path, "error": exc}
        ) from None


DAMAGED = (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile)  # what a torn or altered tar.gz raises


@contextlib.contextmanager
def _reading(path: Path, written: bool = False) -> Iterator[None]:
    """A torn or altered tar is refused in one line, not a traceback."""
    try:
        yield
    except DAMAGED as exc:
        done = _("what was written is taken back") if written else _("nothing was written")
        raise Refused(
            _("%(path)s is damaged or cut short (%(error)s): %(done)s")
            % {"path": path, "error": exc or type(exc).__name__, "done": done}
        ) from None


def _entries(path: Path, source) -> Iterator[tuple[tarfile.TarInfo, tarfile.ExFileObject]]:
    """Each member of the tar read from `source` in order, refusing what no backup holds."""
    seen: set[str] = set()
    tar = _open(path, source)
    try:
        for info in tar:
            if not info.isreg() or not allowed(info.name):
                raise Refused(
                    _("%(path)s holds %(member)s, which no Secretariat backup holds: nothing was written")
                    % {"path": path, "member": repr(info.name)}
                )
            if info.name in seen:
                raise Refused(
                    _("%(path)s holds %(member)s twice: nothing was written")
                    % {"path": path, "member": repr(info.name)}
                )
            seen.add(info.name)
            yield info, tar.extractfile(info)
    finally:
        tar.close()


def check(path: Path) -> Checked:
    """Read the whole file, hashing every member, and match the sums against the manifest.

    Refused, naming the member, on any difference: a member missing, extra, of another size or
    sum. Nothing is written."""
    try:
        raw = open(path, "rb")
    except OSError as exc:
        raise InvalidInput(_("cannot read %(path)s: %(strerror)s") % {"path": path, "strerror": exc.strerror}) from None
    with raw, _reading(path):
        whole = _Hashing(raw)
        found: dict[str, Member] = {}
        manifest_bytes, key = None, None
        for info, f in _entries(path, io.BufferedReader(whole, CHUNK)):
            if info.name == MANIFEST:
                if info.size > MANIFEST_LIMIT:
                    raise Refused(
                        _("%(path)s: its manifest is %(size)s bytes long: not a manifest")
                        % {"path": path, "size": info.size}
                    )
                manifest_bytes = f.read()
                continue
            reader = _Hashing(f)
            if info.name == KEY_MEMBER and info.size <= KEY_LIMIT:
                key = reader.read()
            while reader.read(CHUNK):
                pass
            found[info.name] = Member(info.name, reader.sha256.hexdigest(), reader.size)
        while whole.read(CHUNK):  # the tar's padding, so the file's sum is of all of it
            pass
    if manifest_bytes is None:
        raise Refused(
            _("%(path)s holds no %(manifest)s: not a Secretariat backup, or cut short")
            % {"path": path, "manifest": MANIFEST}
        )
    try:
        manifest = json.loads(manifest_bytes)
        listed = {m["name"]: Member(m["name"], m["sha256"], int(m["size"])) for m in manifest["members"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise Refused(
            _("%(path)s: its %(manifest)s is not a backup manifest (%(error)s)")
            % {"path": path, "manifest": MANIFEST, "error": exc}
        ) from None
    if manifest.get("format") != FORMAT:
        raise Refused(
            _("%(path)s is not a Secretariat backup (its manifest says %(format)s)")
            % {"path": path, "format": repr(manifest.get("format"))}
        )
    if manifest.get("format_version") != FORMAT_VERSION:
        raise Refused(
            _(
                "%(path)s is a backup of format %(format)s; this Secretariat reads format %(readable)s: "
                "restore it with the version that made it (%(version)s)"
            )
            % {
                "path": path,
                "format": repr(manifest.get("format_version")),
                "readable": FORMAT_VERSION,
                "version": manifest.get("secretariat_version"),
            }
        )
    for name in sorted(listed.keys() | found.keys()):
        want, got = listed.get(name), found.get(name)
        if got is None:
            raise Refused(
                _("%(path)s lacks %(name)s, which its manifest lists: nothing was written")
                % {"path": path, "name": name}
            )
        if want is None:
            raise Refused(
                _("%(path)s holds %(name)s, which its manifest does not list: nothing was written")
                % {"path": path, "name": name}
            )
        if (got.size, got.sha256) != (want.size, want.sha256):
            raise Refused(
                _(
                    "%(path)s: %(name)s is not what the manifest says (SHA-256 %(sha256)s…, %(size)s bytes; the manifest: %(listed_sha256)s…, %(listed_size)s bytes): damaged or altered; nothing was written"
                )
                % {
                    "path": path,
                    "name": name,
                    "sha256": got.sha256[:16],
                    "size": got.size,
                    "listed_sha256": want.sha256[:16],
                    "listed_size": want.size,
                }
            )
    return Checked(path, whole.sha256.hexdigest(), whole.size, manifest, key, found)


def extract(checked: Checked, place: Callable[[str], Path | Callable | None], written: list) -> None:
    """Read the file again and write each member where `place` says (None: not written), checking
    every sum again (the file may have changed since it was checked). Every path written is added
    to `written` as it is created, for the caller to take back on failure. A target that is not a
    path is called with the member's content (a seekable file) once its sum is checked: it writes
    it elsewhere (a Django storage) and records in `written` what to take back."""
    with open(checked.path, "rb") as raw, _reading(checked.path, written=True):
        for info, f in _entries(checked.path, raw):
            target = place(info.name)
            if target is None:
                continue
            if not isinstance(target, Path):
                _receive(checked, info, f, target)
                continue
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, info.mode & 0o777 or 0o600)
            written.append(target)
            reader = _Hashing(f)
            with os.fdopen(fd, "wb") as out:
                while chunk := reader.read(CHUNK):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            expected = checked.members[info.name]
            if (reader.size, reader.sha256.hexdigest()) != (expected.size, expected.sha256):
                raise Refused(
                    _("%(path)s changed while it was restored (%(name)s differs): taken back")
                    % {"path": checked.path, "name": info.name}
                )


def _receive(checked: Checked, info: tarfile.TarInfo, f, receive: Callable) -> None:
    expected = checked.members[info.name]
    with tempfile.SpooledTemporaryFile(max_size=8 * CHUNK) as spool:
        reader = _Hashing(f)
        while chunk := reader.read(CHUNK):
            spool.write(chunk)
        if (reader.size, reader.sha256.hexdigest()) != (expected.size, expected.sha256):
            raise Refused(
                _("%(path)s changed while it was restored (%(name)s differs): taken back")
                % {"path": checked.path, "name": info.name}
            )
        spool.seek(0)
        receive(spool)
