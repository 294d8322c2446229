"""BagIt bags (RFC 8493) with SHA-512 manifests, through the Library of Congress's bagit library.

A transfer's files are written to a fresh directory beside the bags, bagged there, checked
(fixity on receipt) and only then renamed into place, so a bag under its final name is always
complete. `bagit.make_bag` changes the process's working directory while it runs; every path
the application uses is absolute (settings resolve the data dir), so another thread of a web
worker is not misled by it, but nothing here may open a relative path.

Where the bags are kept: SECRETARIAT_ARCHIVE_DIR on local disk, or, when an object store is
configured (STORAGES["archive"], from SECRETARIAT_STORAGE_URL), that storage, shared by every app
server. A bag for the object store is built and checked in a temporary local directory (bagit
needs one), then each of its files is stored under its key prefix (`bags/<slug>/…`); checking a
stored bag downloads it into a temporary directory and validates it there, so what is checked
is what the store holds. `put`, `check` and `remove` choose; a Transfer's `bag` is the key prefix
(the directory under SECRETARIAT_ARCHIVE_DIR on local disk) either way.
"""

import hashlib
import posixpath
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import bagit
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages

ALGORITHM = "sha512"


@dataclass(frozen=True)
class Bagged:
    path: Path | str  # the bag's directory, or its key prefix in the object store
    payload_oxum: str  # "octets.files" of the payload, as bag-info.txt records it
    tagmanifest_sha512: str  # the digest of the tag manifest, which covers every manifest


def write_bag(path: Path, files: dict[str, bytes], info: dict[str, str]) -> Bagged:
    """Write `files` (relative POSIX paths → bytes) as the payload of a new bag at `path`."""
    if path.exists():
        raise FileExistsError(f"{path} exists already")
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}-", dir=path.parent))
    try:
        for name, content in files.items():
            relative = PurePosixPath(name)
            if relative.is_absolute() or ".." in relative.parts:
                raise ValueError(f"payload path {name!r} leaves the bag")
            target = staging.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        bagit.make_bag(str(staging), dict(info), checksums=[ALGORITHM])
        problems = fixity_problems(staging)
        if problems:
            raise ValueError(f"the bag failed its fixity check on receipt: {'; '.join(problems)}")
        staging.rename(path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return bagged(path)


def bagged(path: Path) -> Bagged:
    bag = bagit.Bag(str(path))
    digest = hashlib.sha512((path / f"tagmanifest-{ALGORITHM}.txt").read_bytes()).hexdigest()
    return Bagged(path, bag.info["Payload-Oxum"], digest)


ROOT_ENTRIES = {"bagit.txt", "bag-info.txt", f"manifest-{ALGORITHM}.txt", f"tagmanifest-{ALGORITHM}.txt", "data"}


def fixity_problems(path: Path) -> list[str]:
    """What is wrong with the bag at `path`: missing, added or altered files, bad or missing
    manifests, anything at its root that a bag written here never holds."""
    if not path.is_dir():
        return [f"no bag at {path}"]
    present = {entry.name for entry in path.iterdir()}
    problems = [f"{name} is missing" for name in sorted(ROOT_ENTRIES - present)]
    problems += [f"{name} was added at the bag's root" for name in sorted(present - ROOT_ENTRIES)]
    if problems:
        return problems
    try:
        bagit.Bag(str(path)).validate(processes=1)
    except bagit.BagValidationError as exc:
        return [str(detail) for detail in exc.details] or [exc.message]
    except (bagit.BagError, OSError) as exc:
        return [str(exc)]
    return []


# Where the bags are kept.

STORAGE_ALIAS = "archive"
CHUNK = 1 << 20


def object_storage() -> Storage | None:
    """The object store holding the bags, or None: they are on local disk under SECRETARIAT_ARCHIVE_DIR."""
    return storages[STORAGE_ALIAS] if STORAGE_ALIAS in settings.STORAGES else None


def walk(storage: Storage, prefix: str) -> Iterator[str]:
    """Every file's name under `prefix` in `storage`, in a stable order."""
    try:
        directories, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(prefix, name) if prefix else name
    for directory in sorted(directories):
        yield from walk(storage, posixpath.join(prefix, directory) if prefix else directory)


def put(key: str, files: dict[str, bytes], info: dict[str, str]) -> Bagged:
    """Write a new bag under `key` (`bags/<slug>`) where the bags are kept; whatever was there
    under that key before (an orphan of a transfer that rolled back) is removed first."""
    storage = object_storage()
    remove(key)
    if storage is None:
        return write_bag(Path(settings.SECRETARIAT_ARCHIVE_DIR) / key, files, info)
    with tempfile.TemporaryDirectory(prefix="secretariat-bag-") as scratch:
        local = write_bag(Path(scratch) / "bag", files, info)
        try:
            for path in sorted(p for p in local.path.rglob("*") if p.is_file()):
                name = f"{key}/{path.relative_to(local.path).as_posix()}"
                with open(path, "rb") as f:
                    stored = storage.save(name, File(f, name=path.name))
                if stored != name:
                    storage.delete(stored)
                    raise FileExistsError(f"{name} exists already in the object store")
        except BaseException:
            remove(key)
            raise
        return Bagged(key, local.payload_oxum, local.tagmanifest_sha512)


def remove(key: str) -> None:
    """Remove the bag under `key`, if any."""
    storage = object_storage()
    if storage is None:
        shutil.rmtree(Path(settings.SECRETARIAT_ARCHIVE_DIR) / key, ignore_errors=True)
        return
    for name in list(walk(storage, key)):
        storage.delete(name)


def check(key: str) -> tuple[list[str], str | None]:
    """What is wrong with the bag under `key` (see fixity_problems), and the SHA-512 of its tag
    manifest when nothing is (None otherwise): read back from where the bags are kept."""
    storage = object_storage()
    if storage is None:
        path = Path(settings.SECRETARIAT_ARCHIVE_DIR) / key
        problems = fixity_problems(path)
        return problems, None if problems else bagged(path).tagmanifest_sha512
    with tempfile.TemporaryDirectory(prefix="secretariat-bag-") as scratch:
        local = Path(scratch) / "bag"
        local.mkdir()
        names = list(walk(storage, key))
        if not names:
            return [f"no bag at {key} in the object store"], None
        for name in names:
            relative = PurePosixPath(name).relative_to(key)
            if any(part in ("", ".", "..") for part in relative.parts):
                return [f"{name} is not a plain name inside the bag"], None
            target = local.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with storage.open(name, "rb") as source, open(target, "wb") as out:
                while chunk := source.read(CHUNK):
                    out.write(chunk)
        problems = fixity_problems(local)
        return problems, None if problems else bagged(local).tagmanifest_sha512
