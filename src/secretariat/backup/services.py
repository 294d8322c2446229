"""Backup and restore of a whole registry: the database, attachments, bags, the checkpoint file,
and the audit key only if encrypted under a passphrase.

`make_backup` is online: it copies the checkpoint file first, then takes a consistent copy of
the database (so the copy holds every head the file holds, and perhaps a few more that
`restore` writes back into the file), then the files, while others keep working. `restore`
checks every SHA-256 in the file against its manifest, and that the data dir and database are
empty, before it writes anything; what it writes it takes back if it fails half-way.

Where an object store is configured (SECRETARIAT_STORAGE_URL), the attachments, bags and signed
heads are read from it through Django's storages for the backup and written back into it, which
must then be empty, on restore; the backup file is the same either way.

A restore of a backup older than the heads the witnesses hold is a rollback of the log: `audit
verify` reports it until an auditor records it (`audit accept-rollback`); see audit/services.py.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from secretariat.archive import bags
from secretariat.audit import checkpoint_store, signing, witnesses
from secretariat.audit.models import AuditCheckpoint
from secretariat.audit.verification import Report, verify_log
from secretariat.backup import databases, tarball
from secretariat.kernel import clock, faults
from secretariat.kernel.errors import InvalidInput, Refused
from secretariat.kernel.faults import AuditKeyUnavailable
from secretariat.kernel.usecases import use_case

MIN_PASSPHRASE = 12  # as the shortest password (settings.AUTH_PASSWORD_VALIDATORS)


def _version() -> str:
    try:
        return importlib.metadata.version("secretariat")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _passphrase(passphrase: str | None) -> bytes | None:
    if passphrase is None:
        return None
    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput(
            _("the passphrase is %(length)s characters long; at least %(minimum)s")
            % {"length": len(passphrase), "minimum": MIN_PASSPHRASE}
        )
    return passphrase.encode()


def _inside(path: Path, directory: Path) -> bool:
    directory = Path(directory).resolve()
    return path == directory or directory in path.parents


def key_path() -> Path:
    return Path(settings.SECRETARIAT_AUDIT_KEY)


def _object_storages() -> dict[str, Storage]:
    """The trees kept in an object store rather than on local disk: "files" and/or "archive"."""
    found = {}
    if not isinstance(storages["default"], FileSystemStorage):
        found["files"] = storages["default"]
    if (archive := bags.object_storage()) is not None:
        found["archive"] = archive
    return found


def _add_storage(writer: tarball.Writer, prefix: str, storage: Storage) -> None:
    for name in bags.walk(storage, ""):
        size = storage.size(name)
        with storage.open(name, "rb") as source:
            writer.add_stream(f"{prefix}/{name}", source, size)


# --- backup ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Made:
    path: Path
    size: int
    sha256: str
    manifest: dict
    seconds: float


@use_case(faces=("cli",), because="the operator's: a backup is taken where the data dir is")
def make_backup(path: Path, *, passphrase: str | None = None, include_key: bool | None = None) -> Made:
    """Write a backup of the whole registry to `path`, a file that must not exist yet.

    The audit key goes in only encrypted under `passphrase` (`include_key` defaults to whether
    a passphrase is given); without one it is left out, to be backed up on its own."""
    started = time.monotonic()
    include_key = passphrase is not None if include_key is None else include_key
    secret = _passphrase(passphrase)
    if include_key and secret is None:
        raise InvalidInput(
            _("the audit key goes into a backup only encrypted: give a passphrase, or leave the key out")
        )
    path = Path(path).absolute()
    if path.exists() or path.is_symlink():
        raise Refused(_("%(path)s exists: a backup never replaces a file; name a new one") % {"path": path})
    if not path.parent.is_dir():
        raise InvalidInput(_("%(parent)s is not a directory") % {"parent": path.parent})
    for directory in (settings.MEDIA_ROOT, settings.SECRETARIAT_ARCHIVE_DIR):
        if _inside(path.resolve(), directory):
            raise InvalidInput(
                _("%(path)s is inside %(directory)s, which the backup copies: put it elsewhere")
                % {"path": path, "directory": directory}
            )
    try:
        private = signing.private_key()
    except AuditKeyUnavailable:
        if include_key:
            raise
        private = None  # a registry whose key is kept elsewhere, or none yet: its log says which key signed it
    fingerprint = signing.fingerprint(private.public_key()) if private is not None else None
    encrypted = (
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(secret),
        )
        if include_key and private is not None
        else None
    )
    log = checkpoint_store.store()
    remote = _object_storages()
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=f".{path.name}-") as staging:
        # The checkpoint log before the database: every head it holds is then in the copy too.
        checkpoints = log.snapshot()
        database = Path(staging) / "database"
        state = databases.snapshot(database)
        database.chmod(0o600)
        member = tarball.SQLITE_MEMBER if databases.engine() == "sqlite" else tarball.POSTGRESQL_MEMBER
        writer = tarball.Writer(path)
        try:
            writer.add_file(member, database)
            database.unlink()
            if checkpoints is not None:
                writer.add_bytes(tarball.CHECKPOINTS_MEMBER, checkpoints, mode=0o644)
            for prefix, root in (("files", settings.MEDIA_ROOT), ("archive", settings.SECRETARIAT_ARCHIVE_DIR)):
                if prefix in remote:
                    _add_storage(writer, prefix, remote[prefix])
                else:
                    writer.add_tree(prefix, Path(root))
            if encrypted is not None:
                writer.add_bytes(tarball.KEY_MEMBER, encrypted)
            manifest = {
                "format": tarball.FORMAT,
                "format_version": tarball.FORMAT_VERSION,
                "created_at": clock.now().isoformat(),
                "secretariat_version": _version(),
                "engine": databases.engine(),
                "database": {"member": member, "migrations": state.migrations},
                "audit": {
                    **state.as_json(),
                    "key_fingerprint": fingerprint,
                    "checkpoint_file_heads": len(witnesses.held_in(checkpoints, log.where).notes) if checkpoints else 0,
                },
                "key": (
                    {
                        "included": True,
                        "member": tarball.KEY_MEMBER,
                        "format": "PKCS#8 PEM, encrypted under the passphrase (PBES2)",
                    }
                    if encrypted is not None
                    else {"included": False, "back_up_on_its_own": str(key_path())}
                ),
                "members": [m.as_json() for m in writer.members],
            }
            size, sha256 = writer.finish(manifest)
        except BaseException:
            writer.abort()
            raise
    return Made(path, size, sha256, manifest, time.monotonic() - started)


# --- restore ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    path: Path
    sha256: str
    size: int
    manifest: dict
    key: str  # "restored" (from the backup), "kept" (already in the data dir, the same), "missing"
    heads_written: int  # heads the restored database holds that its checkpoint file lacked, written to it
    pending_migrations: list[str]
    report: Report | None  # what `audit verify` says; None when it cannot run (no key; unmigrated)
    seconds: float


def _refuse_unless_empty() -> None:
    """Refuse (naming what is there) unless the data dir and the database hold no registry."""
    held = []
    remote = _object_storages()
    for prefix, root in (("files", settings.MEDIA_ROOT), ("archive", settings.SECRETARIAT_ARCHIVE_DIR)):
        if prefix in remote:
            if next(bags.walk(remote[prefix], ""), None) is not None:
                held.append(f"the object store's {prefix}/ holds files")
            continue
        directory = Path(root)
        if directory.is_dir() and any(p.is_file() or p.is_symlink() for p in directory.rglob("*")):
            held.append(f"{directory} holds files")
    log = checkpoint_store.store()
    if log.holds_any():
        held.append(f"{log.where} holds signed heads")
    if (database := databases.holds()) is not None:
        held.append(database)
    if held:
        raise Refused(
            _("restore writes only into an empty data dir and database: %(held)s; nothing was written")
            % {"held": "; ".join(held)}
        )


def _key_for(checked: tarball.Checked, secret: bytes | None) -> tuple[bytes | None, str]:
    """The key to write (unencrypted PEM, as the data dir keeps it) or None, and what becomes of it."""
    wanted = checked.manifest.get("audit", {}).get("key_fingerprint")
    present = key_path()
    if present.exists():
        try:
            existing = signing.fingerprint(
                serialization.load_pem_private_key(present.read_bytes(), password=None).public_key()
            )
        except (OSError, ValueError, TypeError) as exc:
            raise Refused(
                _("%(present)s is there and is not an audit key (%(error)s): nothing was written")
                % {"present": present, "error": exc}
            ) from None
        if wanted and existing != wanted:
            raise Refused(
                _(
                    "%(present)s holds the key %(existing)s; the backup's log is signed by %(wanted)s: nothing was written"
                )
                % {"present": present, "existing": existing, "wanted": wanted}
            )
        return None, "kept"
    if checked.key is None:
        return None, "missing"
    if secret is None:
        raise InvalidInput(
            _("%(path)s holds the audit key encrypted: give its passphrase (--passphrase-stdin); nothing was written")
            % {"path": checked.path}
        )
    try:
        key = serialization.load_pem_private_key(checked.key, password=secret)
    except (ValueError, TypeError):
        raise Refused(
            _("the passphrase does not open the audit key in %(path)s: nothing was written") % {"path": checked.path}
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise Refused(
            _("%(path)s holds a key that is not an Ed25519 audit key: nothing was written") % {"path": checked.path}
        )
    if wanted and signing.fingerprint(key.public_key()) != wanted:
        raise Refused(
            _("the key in %(path)s is not the one its log is signed by (%(wanted)s): nothing was written")
            % {"path": checked.path, "wanted": wanted}
        )
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return pem, "restored"


def _check_migrations(checked: tarball.Checked) -> None:
    """Refuse a backup whose database a newer Secretariat migrated: this code does not know its schema."""
    known = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    unknown = [name for name in checked.manifest["database"].get("migrations", []) if name not in known]
    if unknown:
        raise Refused(
            _(
                "%(path)s is of a newer Secretariat (%(value)s; migration %(unknown)s is unknown here): restore it with that version; nothing was written"
            )
            % {"path": checked.path, "value": checked.manifest.get("secretariat_version"), "unknown": unknown[0]}
        )


def _into_storage(storage: Storage, name: str, written: list):
    """A restore target writing a member into `storage` under `name` (which must be free)."""

    def receive(content) -> None:
        stored = storage.save(name, File(content, name=name.rsplit("/", 1)[-1]))
        written.append((storage, stored))
        if stored != name:
            raise Refused(_("%(name)s is taken in the object store: what was written is taken back") % {"name": name})

    return receive


def _into_log(log: checkpoint_store.ObjectStore, written: list):
    """A restore target writing the backup's checkpoint file into the object store, a head an object."""

    def receive(content) -> None:
        written.append(log)
        log.write(witnesses.held_in(content.read(), log.where).notes)

    return receive


def _place(name: str, staging: Path, written: list):
    remote = _object_storages()
    for prefix, root in (("files", settings.MEDIA_ROOT), ("archive", settings.SECRETARIAT_ARCHIVE_DIR)):
        if name.startswith(f"{prefix}/"):
            relative = name.removeprefix(f"{prefix}/")
            if prefix in remote:
                return _into_storage(remote[prefix], relative, written)
            return Path(root) / relative
    if name == tarball.CHECKPOINTS_MEMBER:
        log = checkpoint_store.store()
        if isinstance(log, checkpoint_store.ObjectStore):
            return _into_log(log, written)
        return log.path
    if name in (tarball.SQLITE_MEMBER, tarball.POSTGRESQL_MEMBER):
        return staging / "database"
    return None  # the manifest and the encrypted key: read already


def _write_key(pem: bytes, written: list[Path]) -> None:
    path = key_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    written.append(path)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
        f.flush()
        os.fsync(f.fileno())


def _take_back(written: list[Path]) -> None:
    """Remove what a failed restore wrote, and the directories it left empty."""
    for path in reversed(written):
        with contextlib.suppress(Exception):
            if isinstance(path, checkpoint_store.ObjectStore):
                path.discard()  # the heads it wrote into a store that was empty
            elif isinstance(path, tuple):
                storage, name = path
                storage.delete(name)
            else:
                path.unlink()
    roots = [Path(settings.MEDIA_ROOT), Path(settings.SECRETARIAT_ARCHIVE_DIR), key_path().parent]
    for root in roots:
        if not root.is_dir():
            continue
        directories = [p for p in root.rglob("*") if p.is_dir()]
        for directory in [*sorted(directories, key=lambda p: len(p.parts), reverse=True), root]:
            with contextlib.suppress(OSError):
                directory.rmdir()  # only if empty: the restore wrote into empty places only


def _pending_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


@use_case(faces=("cli",), because="the operator's: a restore replaces the data dir the server runs on")
def restore(path: Path, *, passphrase: str | None = None) -> Restored:
    """Restore the backup at `path` into the configured, empty data dir and database.

    Before anything is written: the target is empty, every member's SHA-256 and size match the
    manifest, the backup is of this engine and of a schema this code knows, and the key (if the
    backup holds it) opens with the passphrase and is the one the log is signed by. Then the
    files, bags, checkpoint file, key and database are put in place (what was written is taken
    back if that fails), the checkpoint file gets the heads the database holds and it lacks, a
    record of the restore is left for `audit accept-rollback`, and the log is verified."""
    started = time.monotonic()
    path = Path(path).absolute()
    secret = _passphrase(passphrase)
    if not path.is_file():
        raise InvalidInput(_("no backup file at %(path)s") % {"path": path})
    _refuse_unless_empty()
    checked = tarball.check(path)
    manifest = checked.manifest
    if manifest.get("engine") != databases.engine():
        raise Refused(
            _(
                "%(path)s is a backup of a %(value)s database; this registry is configured for %(engine)s (%(describe)s): restore it on the engine it was taken on"
            )
            % {
                "path": path,
                "value": manifest.get("engine"),
                "engine": databases.engine(),
                "describe": databases.describe(),
            }
        )
    _check_migrations(checked)
    pem, key = _key_for(checked, secret)
    written: list = []  # paths, (storage, name) pairs and the checkpoint store, to take back on failure
    data_dir = Path(settings.DATA_DIR)
    log = checkpoint_store.store()
    log.clear()  # empty, or it would not have come this far
    with tempfile.TemporaryDirectory(dir=data_dir, prefix=".restore-") as staging:
        try:
            tarball.extract(checked, lambda name: _place(name, Path(staging), written), written)
            if pem is not None:
                _write_key(pem, written)
            databases.put_in_place(Path(staging) / "database")
        except BaseException as exc:
            _take_back(written)
            if isinstance(exc, OSError) and faults.describe(exc) is None:  # a full disk keeps its own line
                raise Refused(
                    _("restore could not write %(target)s: %(reason)s; what it had written is taken back")
                    % {"target": exc.filename or data_dir, "reason": exc.strerror or exc}
                ) from None
            raise
    tarball.sync_directory(data_dir)
    notes = list(AuditCheckpoint.objects.order_by("tree_size", "id").values_list("note", flat=True))
    heads_written = log.write(notes)
    record = {
        "backup": {"name": path.name, "path": str(path), "sha256": checked.sha256, "size": checked.size},
        "created_at": manifest.get("created_at"),
        "restored_at": clock.now().isoformat(),
        "engine": manifest.get("engine"),
        "audit": {"size": manifest["audit"]["size"], "root": manifest["audit"]["root"]},
    }
    Path(settings.SECRETARIAT_RESTORE_RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    pending = _pending_migrations()
    report = None
    if not pending and key != "missing":
        report = verify_log()
    return Restored(
        path, checked.sha256, checked.size, manifest, key, heads_written, pending, report, time.monotonic() - started
    )
