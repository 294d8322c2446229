"""BagIt bags (RFC 8493) with SHA-512 manifests, through the Library of Congress's bagit library.

A transfer's files are written to a fresh directory beside the bags, bagged there, checked
(fixity on receipt) and only then renamed into place, so a bag under its final name is always
complete. `bagit.make_bag` changes the process's working directory while it runs; every path
the application uses is absolute (settings resolve the data dir), so another thread of a web
worker is not misled by it, but nothing here may open a relative path.
"""

import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import bagit

ALGORITHM = "sha512"


@dataclass(frozen=True)
class Bagged:
    path: Path
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
