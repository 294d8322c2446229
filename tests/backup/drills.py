"""What the backup drills share: reading a backup file for themselves, changing it as an attacker or a
bad disk would, and what a data dir holds."""

import hashlib
import io
import json
import subprocess
import tarfile
from pathlib import Path

from tests.audit import drill

PASSPHRASE = "the plan of the plenum is fulfilled"
MAP = bytes(range(256)) * 64  # an attachment's file: 16 KiB of every byte value


def passphrase(text: str = PASSPHRASE) -> str:
    return text + "\n"


def tree(root: Path) -> dict[str, str]:
    """Every regular file under `root`: relative path -> SHA-256."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def members(backup: Path) -> dict[str, bytes]:
    """The backup's members, read with tarfile here: name -> bytes."""
    with tarfile.open(backup) as tar:
        return {info.name: tar.extractfile(info).read() for info in tar if info.isreg()}


def manifest(backup: Path) -> dict:
    return json.loads(members(backup)["manifest.json"])


def rewrite(backup: Path, into: Path, change=lambda name, data: data, extra: dict[str, bytes] | None = None) -> None:
    """A copy of the backup with members changed by `change(name, bytes)` (None drops one) and
    `extra` members added, the manifest left as it was: what an attacker or a bad disk makes."""
    with tarfile.open(backup) as src, tarfile.open(into, "w:gz") as dst:
        for info in src:
            data = change(info.name, src.extractfile(info).read())
            if data is None:
                continue
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
        for name, data in (extra or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


def entries(data_dir: Path) -> set[str]:
    """What a data dir holds beyond what the settings make on start (the secret key, an empty static dir)."""
    return {
        p.relative_to(data_dir).as_posix()
        for p in data_dir.rglob("*")
        if p.name != "secret_key" and not (p.name == "static" and p.is_dir() and not any(p.iterdir()))
    }


def refused(proc: subprocess.CompletedProcess, *words: str) -> str:
    """Exit 2, one line on stderr naming the cause, no traceback."""
    message = proc.stderr.strip()
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and len(message.splitlines()) == 1, proc.stderr
    for word in words:
        assert word in message, message
    return message


def key_fingerprint(data_dir: Path) -> str:
    return drill.cli_json(data_dir, "audit", "key")["fingerprint"]


def attach_a_file(data_dir: Path) -> Path:
    """Register a paper in the demo's registry and attach a file to it, so MEDIA_ROOT holds one."""
    text, map_file = data_dir.parent / "paper.txt", data_dir.parent / "map.bin"
    text.write_text("On the map of the region.\n", encoding="utf-8")
    map_file.write_bytes(MAP)
    drill.cli(
        data_dir, "document", "register", "--as", "registrar", "--number", "P47/1", "--title", "On the map",
        "--classification", "SECRET", "--text-file", str(text), "--dated", "1977-03-01", "--to", "gromyko",
    )  # fmt: skip
    drill.cli(
        data_dir, "document", "attach", "--as", "registrar", "P47/1", "--title", "Map",
        "--classification", "SECRET", "--file", str(map_file),
    )  # fmt: skip
    return map_file
