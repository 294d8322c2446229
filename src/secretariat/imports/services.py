"""Queue a batch import from the web or the API, and run it on the worker.

The command line runs a batch at once with its own progress bar (`secretariat import`); a browser cannot wait an
hour for a response, so the web and the API store the file, queue a task on the database queue (django-tasks with
its database backend, on SQLite and PostgreSQL alike) and show the batch's page, whose counts grow as the worker
goes. The worker runs the same batch functions the command does (`archive.services.import_transcriptions`,
`registry.services.register_batch`): every paper through its use case, its rules and its audit event, a chunk per
transaction; a rerun skips what went in, so a batch left by a worker that died is resumed, not redone.
"""

import contextlib
import csv
import io
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from secretariat.accounts.models import Principal
from secretariat.archive import services as archive
from secretariat.audit.services import record
from secretariat.imports.models import ImportBatch
from secretariat.kernel import clock
from secretariat.kernel.batches import stalled
from secretariat.kernel.classification import Classification
from secretariat.kernel.errors import InvalidInput, NotFound, Refused, ServiceError
from secretariat.kernel.principals import Role
from secretariat.kernel.usecases import use_case
from secretariat.registry import services as registry

MAX_FILES = 10_000  # transcriptions in one batch
STALLED_AFTER = 300  # seconds without a heartbeat: the worker running it is gone
HEARTBEAT_EVERY = 1.0  # seconds: progress is written at most this often, and after every chunk
WHO = {
    ImportBatch.Kind.TRANSCRIPTIONS: (Role.ARCHIVIST, "import transcriptions into the archive"),
    ImportBatch.Kind.REGISTER: (Role.REGISTRAR, "keep the register"),
    ImportBatch.Kind.EAD: (Role.ARCHIVIST, "import finding aids into the archive"),
}


@dataclass(frozen=True)
class Sent:
    """One file as sent: its name and its bytes (a Django File, an UploadedFile)."""

    name: str
    file: File


def _limit() -> int:
    return settings.SECRETARIAT_MAX_ATTACHMENT_BYTES


def _read(sent: Sent) -> bytes:
    if sent.file.size is not None and sent.file.size > _limit():
        raise InvalidInput(
            _("%(file)s is larger than the largest file taken (%(limit)s bytes)")
            % {"file": sent.name, "limit": _limit()}
        )
    sent.file.seek(0)
    return sent.file.read()


def _suffix(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def _transcriptions(files: Sequence[Sent]) -> tuple[str, bytes, int]:
    """The transcriptions sent, as one ZIP of .txt files: (what was sent, the ZIP's bytes, how many papers).
    A ZIP sent is kept as it is once its members are checked; .txt files sent are packed into one."""
    if len(files) == 1 and _suffix(files[0].name) == ".zip":
        data = _read(files[0])
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive_file:
                members = [m for m in archive_file.infolist() if not m.is_dir() and _suffix(m.filename) == ".txt"]
        except (zipfile.BadZipFile, EOFError):
            raise InvalidInput(_("%(file)s is not a ZIP file") % {"file": files[0].name}) from None
        too_large = [m.filename for m in members if m.file_size > _limit()]
        if too_large:
            raise InvalidInput(
                _("%(member)s in %(file)s is larger than the largest file taken (%(limit)s bytes)")
                % {"member": too_large[0], "file": files[0].name, "limit": _limit()}
            )
        count, source = len(members), files[0].name
    else:
        strays = [f.name for f in files if _suffix(f.name) != ".txt"]
        if strays:
            raise InvalidInput(_("%(file)s is neither a transcription (.txt) nor a ZIP of them") % {"file": strays[0]})
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive_file:
            for sent in files:
                archive_file.writestr(PurePosixPath(sent.name).name, _read(sent))
        data, count = buffer.getvalue(), len(files)
        source = (
            files[0].name if count == 1 else ngettext("%(count)s file", "%(count)s files", count) % {"count": count}
        )
    if count == 0:
        raise InvalidInput(_("%(file)s holds no transcriptions (.txt files)") % {"file": source})
    if count > MAX_FILES:
        raise InvalidInput(
            _("%(count)s transcriptions is more than one batch takes (%(limit)s): send them in parts")
            % {"count": count, "limit": MAX_FILES}
        )
    return source, data, count


def _entries(files: Sequence[Sent]) -> tuple[str, bytes, int]:
    """The CSV of register entries sent: (its name, its bytes, how many rows)."""
    if len(files) != 1 or _suffix(files[0].name) != ".csv":
        raise InvalidInput(_("send one CSV file (.csv) of register entries"))
    data = _read(files[0])
    rows = list(_rows(data, files[0].name))
    if not rows:
        raise InvalidInput(_("%(file)s holds no register entries below its header") % {"file": files[0].name})
    return files[0].name, data, len(rows)


def _finding_aid(files: Sequence[Sent]) -> tuple[str, bytes, int]:
    """The EAD 2002 finding aid sent: (its name, its bytes, how many descriptions), read through once here so that
    a malformed or unsafe file is refused before it is queued."""
    if len(files) != 1 or _suffix(files[0].name) != ".xml":
        raise InvalidInput(_("send one finding aid (.xml), as AtoM exports it in EAD 2002"))
    data = _read(files[0])
    with _on_disk(data, files[0].name) as path:
        total, _top = archive.finding_aid_read(path)
    return files[0].name, data, total


@contextlib.contextmanager
def _on_disk(data: bytes, name: str) -> Iterator[Path]:
    """The bytes as a file of the same name in a directory of its own (the EAD reader reads a path), removed after."""
    with tempfile.TemporaryDirectory(prefix="secretariat-import-") as directory:
        path = Path(directory) / PurePosixPath(name).name
        path.write_bytes(data)
        yield path


READERS = {
    ImportBatch.Kind.TRANSCRIPTIONS: (_transcriptions, "zip"),
    ImportBatch.Kind.REGISTER: (_entries, "csv"),
    ImportBatch.Kind.EAD: (_finding_aid, "xml"),
}


def _rows(data: bytes, name: str) -> Iterator[dict]:
    try:
        reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
        if "number" not in (reader.fieldnames or []):
            raise InvalidInput(
                _(
                    "%(file)s has no 'number' column: its first line names the columns, as `secretariat import "
                    "register --help` lists them"
                )
                % {"file": name}
            )
        yield from reader
    except UnicodeDecodeError:
        raise InvalidInput(_("%(file)s is not UTF-8 text: save it as CSV in UTF-8") % {"file": name}) from None
    except csv.Error as exc:
        raise InvalidInput(_("%(file)s is not a CSV file: %(reason)s") % {"file": name, "reason": exc}) from None


@use_case(
    faces=("web", "api"),
    because="the command line runs a batch at once with its own progress bar (`secretariat import`), no queue",
)
@transaction.atomic
def queue_import(
    by: Principal,
    kind: str,
    files: Sequence[Sent],
    *,
    into: dict | list[str] | None = None,
    classification: Classification | None = None,
) -> ImportBatch:
    """Keep the files sent and queue their import for the worker; the batch, whose page shows how it goes.
    What cannot be a batch (no file, a wrong type, an unreadable CSV or finding aid) is refused here, before
    anything is kept. `into`: a unit's place for transcriptions (archive.selectors.unit_named), a repository and
    units below it for a finding aid (["TsKhSD", "89"])."""
    if kind not in WHO:
        raise InvalidInput(
            _("an import is of transcriptions, register entries or a finding aid, not %(kind)r") % {"kind": kind}
        )
    role, to = WHO[kind]
    by.require_role(role, to)
    if not files:
        raise InvalidInput(_("choose the files to import"))
    read, extension = READERS[kind]
    source, data, total = read(files)
    options = {}
    if kind != ImportBatch.Kind.REGISTER:
        options = {"into": into or None, "classification": str(classification) if classification else ""}
    batch = ImportBatch(kind=kind, source=source, options=options, by=by, queued_at=clock.now(), total=total)
    batch.file.save(f"{kind}.{extension}", ContentFile(data), save=False)
    batch.save()
    record(by, "import.queued", batch, {"kind": kind, "source": source, "papers": total})
    run_batch.enqueue(batch.pk)  # a row of the same transaction: queued only if the batch is
    return batch


@use_case(faces=("web", "api"), because="a queued batch's own step; on the command line a rerun of the command")
@transaction.atomic
def resume_import(by: Principal, batch_id: int) -> ImportBatch:
    """Queue again a batch whose worker died (no sign of life for STALLED_AFTER) or that failed: the papers that
    went in are skipped, the rest imported."""
    batch = ImportBatch.objects.select_for_update().filter(pk=batch_id, by=by).first()
    if batch is None:
        raise NotFound(_("no import %(id)s of yours") % {"id": batch_id})
    if not resumable(batch):
        raise Refused(
            _("import %(id)s is %(state)s: only a failed or stalled import is resumed")
            % {"id": batch.pk, "state": batch.state}
        )
    was = batch.state
    batch.state, batch.error, batch.finished_at = ImportBatch.State.QUEUED, "", None
    batch.processed = batch.imported = batch.skipped = 0
    batch.refused = []
    batch.save()
    record(by, "import.resumed", batch, {"was": was})
    run_batch.enqueue(batch.pk)
    return batch


def resumable(batch: ImportBatch) -> bool:
    """A failed batch, or one whose worker died running it."""
    return batch.state == ImportBatch.State.FAILED or (
        batch.state == ImportBatch.State.RUNNING and stalled(batch.heartbeat_at or batch.started_at, STALLED_AFTER)
    )


@task()
def run_batch(batch_id: int) -> dict:
    """The worker's task: import the batch's papers, counting as it goes; then say how it ended, with its event."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        if batch.state != ImportBatch.State.QUEUED:
            return {"state": batch.state}  # run already, or resumed under another task
        batch.state, batch.started_at, batch.heartbeat_at = ImportBatch.State.RUNNING, clock.now(), timezone.now()
        batch.save(update_fields=["state", "started_at", "heartbeat_at"])
    progress = _Progress(batch.pk)
    try:
        outcome = _run(batch, progress)
    except ServiceError as exc:
        return _ended(batch, progress, error=exc.message)
    except Exception as exc:  # the file gone from the store, the database away: said on the page, not lost
        _ended(batch, progress, error=_("the import stopped: %(reason)s") % {"reason": f"{type(exc).__name__}: {exc}"})
        raise
    return _ended(batch, progress, outcome=outcome)


def _run(batch: ImportBatch, progress):
    with batch.file.open("rb") as stored:
        data = stored.read()
    if batch.kind == ImportBatch.Kind.REGISTER:
        return registry.register_batch(batch.by, _rows(data, batch.source), progress=progress)
    classification = batch.options.get("classification") or None
    if batch.kind == ImportBatch.Kind.EAD:
        with _on_disk(data, batch.source) as path:
            return archive.import_ead(
                batch.by,
                path,
                into=batch.options.get("into") or None,
                classification=Classification.parse(classification) if classification else None,
                name=batch.source,
                progress=progress,
            )
    with zipfile.ZipFile(io.BytesIO(data)) as archive_file:
        return archive.import_transcriptions(
            batch.by,
            _members(archive_file, batch.source),
            unit=batch.options.get("into") or None,
            classification=Classification.parse(classification) if classification else None,
            progress=progress,
        )


def _members(archive_file: zipfile.ZipFile, source: str) -> Iterator[tuple[str, str | None]]:
    """(source, text) of each .txt in the ZIP, in name order, as `secretariat import transcriptions` reads a
    folder; the text None for a member that is not UTF-8 (or larger than the limit), which is then refused alone."""
    folder = PurePosixPath(source).stem if _suffix(source) == ".zip" else "upload"
    for member in sorted(archive_file.infolist(), key=lambda m: m.filename):
        if member.is_dir() or _suffix(member.filename) != ".txt":
            continue
        text = None
        if member.file_size <= _limit():
            with archive_file.open(member) as f:
                raw = f.read(_limit() + 1)
            try:
                text = raw.decode("utf-8") if len(raw) <= _limit() else None
            except UnicodeDecodeError:
                text = None
        yield f"{folder}/{member.filename}", text


class _Progress:
    """Counts the papers handled into the batch's row: after each chunk, at most once a HEARTBEAT_EVERY."""

    def __init__(self, batch_id: int):
        self.batch_id, self.pending, self.written = batch_id, 0, 0.0

    def __call__(self, n: int) -> None:
        self.pending += n
        if time.monotonic() - self.written >= HEARTBEAT_EVERY or n > 1:
            self.flush()

    def flush(self) -> None:
        ImportBatch.objects.filter(pk=self.batch_id).update(
            processed=F("processed") + self.pending, heartbeat_at=timezone.now()
        )
        self.pending, self.written = 0, time.monotonic()


@transaction.atomic
def _ended(batch: ImportBatch, progress: _Progress, *, outcome=None, error: str = "") -> dict:
    """The batch finished (with its counts) or failed (with why), and its event, in one transaction."""
    progress.flush()
    batch.refresh_from_db()
    batch.finished_at = clock.now()
    if outcome is None:
        batch.state, batch.error = ImportBatch.State.FAILED, error[:2000]
        record(batch.by, "import.failed", batch, {"reason": batch.error})
    else:
        batch.state = ImportBatch.State.FINISHED
        batch.imported, batch.skipped = len(outcome.done), len(outcome.skipped)
        batch.refused = outcome.as_json()["refused"]
        record(
            batch.by,
            "import.finished",
            batch,
            {"imported": batch.imported, "skipped": batch.skipped, "refused": len(outcome.refused)},
        )
    batch.save()
    return {"state": batch.state, "imported": batch.imported, "skipped": batch.skipped, "error": batch.error}
