"""Scans in, and OCR on the worker.

A scan comes in checked from its bytes (`files.inspect`: its type whatever its name says, its size, its pages),
is kept as it came and queued for OCR in the same transaction as its audit event. The worker
(`secretariat worker`, started beside `serve` and `demo`) reads it (`ocr.read`: Tesseract in Russian and English
through OCRmyPDF), keeps the PDF/A, one row per page with its image and word boxes, and the text, and indexes
the text for staff search under the scan's own entry (a reader of the paper who is not cleared for the scan's
attachment must not find the paper by a word of the scan). A failed OCR leaves the scan and says why.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from secretariat.accounts.models import Principal
from secretariat.audit.services import record
from secretariat.kernel import clock
from secretariat.kernel.batches import stalled
from secretariat.kernel.classification import Classification
from secretariat.kernel.errors import InvalidInput, NotFound, Refused, ServiceError
from secretariat.kernel.principals import Role
from secretariat.kernel.restriction import Action
from secretariat.kernel.usecases import use_case
from secretariat.registry import services as registry
from secretariat.registry.selectors import register_entry
from secretariat.scans import files, ocr
from secretariat.scans.models import Scan, ScanPage
from secretariat.search import services as search
from secretariat.search.models import Entry

MAX_PAGES = 500  # pages in one scan
STALLED_AFTER = 600  # seconds without a sign of life while reading: the worker reading it is gone

# What an app above does once a scan is read (the archive fills an item's text from it): handed down at start-up
# by its AppConfig.ready(), as panels are, so that the import still points down.
WHEN_READ: list[Callable[[Scan], None]] = []


def kept_scan(by: Principal, *, name: str, data: bytes, attachment=None) -> Scan:
    """Check a scan from its bytes and keep it as it came, queued for OCR, inside the caller's transaction
    (the caller records the event of what the scan is of); refused before anything is kept."""
    if not name.strip():
        raise InvalidInput(_("a scan needs its file's name"))
    scanned = files.inspect(data, max_bytes=settings.SECRETARIAT_MAX_ATTACHMENT_BYTES, max_pages=MAX_PAGES)
    scan = Scan(
        attachment=attachment,
        name=name.strip()[:300],
        content_type=scanned.content_type,
        size=scanned.size,
        sha256=scanned.sha256,
        page_count=scanned.page_count,
        uploaded_at=clock.now(),
        uploaded_by=by,
    )
    scan.original.save(f"scan.{files.ACCEPTED[scanned.content_type].lower()}", ContentFile(data), save=False)
    scan.save()
    read_scan.enqueue(scan.pk)  # a row of the same transaction: queued only if the scan is kept
    return scan


@use_case
@transaction.atomic
def add_scan(
    by: Principal,
    number: str,
    *,
    name: str,
    data: bytes,
    title: str = "",
    classification: Classification | None = None,
) -> Scan:
    """A scan of a paper's part (a page that came on paper, a signed original): an attachment of the paper with
    its own marking (the paper's own by default), its text read by OCR on the worker."""
    by.require_role(Role.REGISTRAR, "keep the register")
    document = register_entry(by, number)
    scanned = files.inspect(data, max_bytes=settings.SECRETARIAT_MAX_ATTACHMENT_BYTES, max_pages=MAX_PAGES)
    attachment = registry.add_attachment(
        by,
        number,
        title=title.strip() or name.strip(),
        classification=classification or document.classification,
        page_count=scanned.page_count,
    )
    scan = kept_scan(by, name=name, data=data, attachment=attachment)
    record(
        by,
        "scan.added",
        document,
        {"scan": scan.pk, "attachment": attachment.position, "type": scan.content_type, "pages": scan.page_count},
    )
    return scan


@use_case(faces=("web", "api"), because="on the command line `scan read` reads a failed scan again at once")
@transaction.atomic
def read_again(by: Principal, scan_id: int) -> Scan:
    """Queue a failed scan, or one whose worker died reading it, for OCR again."""
    scan = Scan.objects.restrict(by, Action.REGISTER).select_for_update(of=("self",)).filter(pk=scan_id).first()
    if scan is None:
        raise NotFound(_("no scan %(id)s") % {"id": scan_id})
    if not rereadable(scan):
        raise Refused(
            _("scan %(id)s is %(state)s: only a failed or stalled scan is read again")
            % {"id": scan.pk, "state": scan.get_state_display()}
        )
    was = scan.state
    scan.state, scan.error, scan.pages_read = Scan.State.QUEUED, "", 0
    scan.save(update_fields=["state", "error", "pages_read"])
    record(by, "scan.requeued", _about(scan), {"scan": scan.pk, "was": was})
    read_scan.enqueue(scan.pk)
    return scan


def rereadable(scan: Scan) -> bool:
    """A failed scan, or one whose worker died reading it."""
    return scan.state == Scan.State.FAILED or (
        scan.state == Scan.State.READING and stalled(scan.heartbeat_at, STALLED_AFTER)
    )


@task()
def read_scan(scan_id: int) -> dict:
    """The worker's task: OCR the scan, page by page, and keep what it read."""
    return read(scan_id)


def read(scan_id: int, progress: Callable[[int, int], None] | None = None) -> dict:
    """OCR one queued scan now (the worker's task; `secretariat scan read` on the command line)."""
    with transaction.atomic():
        scan = Scan.objects.select_for_update().get(pk=scan_id)
        if scan.state not in (Scan.State.QUEUED, Scan.State.READING) or (
            scan.state == Scan.State.READING and not rereadable(scan)
        ):
            return {"state": scan.state}
        scan.state, scan.heartbeat_at, scan.pages_read = Scan.State.READING, timezone.now(), 0
        scan.save(update_fields=["state", "heartbeat_at", "pages_read"])

    def step(done: int, total: int) -> None:
        Scan.objects.filter(pk=scan_id).update(pages_read=done, heartbeat_at=timezone.now())
        if progress:
            progress(done, total)

    try:
        with scan.original.open("rb") as stored:
            data = stored.read()
        reading = ocr.read(files.as_pdf(data, scan.content_type), progress=step, cache=settings.SECRETARIAT_OCR_CACHE)
    except (ocr.OcrFailed, ServiceError) as exc:
        return _failed(scan, str(getattr(exc, "message", None) or exc))
    return _kept(scan, reading)


@transaction.atomic
def _failed(scan: Scan, reason: str) -> dict:
    scan.state, scan.error = Scan.State.FAILED, reason[:2000]
    scan.save(update_fields=["state", "error"])
    record(None, "scan.failed", _about(scan), {"scan": scan.pk, "reason": scan.error})
    return {"state": scan.state, "error": scan.error}


@transaction.atomic
def _kept(scan: Scan, reading: "ocr.Reading") -> dict:
    """What OCR read, kept in one transaction with its event: the PDF/A, the pages, the text and its index entry."""
    stem = hashlib.sha256(f"{scan.pk}:{scan.sha256}".encode()).hexdigest()[:16]
    scan.searchable.save(f"{stem}.pdf", ContentFile(reading.pdfa), save=False)
    ScanPage.objects.filter(scan=scan).delete()  # a stalled reading's pages, if any got in
    for read_page in reading.pages:
        page = ScanPage(
            scan=scan,
            number=read_page.number,
            width=read_page.page.width,
            height=read_page.page.height,
            dpi=read_page.page.dpi,
            words=read_page.page.words_json(),
            hocr=read_page.hocr,
        )
        page.image.save(f"{stem}-{read_page.number}.png", ContentFile(read_page.image_png), save=False)
        page.thumbnail.save(f"{stem}-{read_page.number}-thumb.png", ContentFile(read_page.thumbnail_png), save=False)
        page.save()
    scan.text = reading.text
    scan.state, scan.read_at, scan.pages_read = Scan.State.READ, clock.now(), len(reading.pages)
    scan.save()
    if scan.attachment_id:
        scan.attachment.text = reading.text
        scan.attachment.save(update_fields=["text"])
    search.index(Entry.Scope.SCANS, scan.pk, f"{scan.name}\n{reading.text}")
    record(
        None, "scan.read", _about(scan), {"scan": scan.pk, "pages": len(reading.pages), "characters": len(reading.text)}
    )
    for then in WHEN_READ:
        then(scan)
    return {"state": scan.state, "pages": len(reading.pages)}


def _about(scan: Scan):
    """What a scan's events are about, so that the audit's rule shows them to whoever may see that: the paper
    whose attachment it is, else the archive item it is the scan of."""
    if scan.attachment_id:
        return scan.attachment.document
    return getattr(scan, "archive_item", None) or scan


def waiting(scan_ids: list[int] | None = None) -> list[tuple[int, int]]:
    """(scan, pages) of the scans waiting for OCR (of `scan_ids`, or all), oldest first: what `secretariat scan
    read` reads."""
    rows = Scan.objects.filter(state=Scan.State.QUEUED).order_by("uploaded_at", "pk")
    if scan_ids is not None:
        rows = rows.filter(pk__in=scan_ids)
    return list(rows.values_list("pk", "page_count"))
