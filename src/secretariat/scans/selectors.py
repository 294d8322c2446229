"""Reading scans: through the access rule, as what each scan is a scan of (access.scan_q); a page image of a
classified scan read is an audit event, as reading the paper is."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from secretariat.audit.services import record
from secretariat.kernel.errors import NotFound
from secretariat.kernel.restriction import Action
from secretariat.registry.selectors import is_classified
from secretariat.scans.models import Scan, ScanPage
from secretariat.search.models import Entry
from secretariat.search.selectors import matching, ranked
from secretariat.search.text import query_stems, snippet


def scans(principal, action: Action = Action.VIEW) -> QuerySet[Scan]:
    """VIEW: the scans whose content (pages, text) this principal may read; REGISTER: also those whose register
    side (name, pages, OCR's state) a registrar keeps without reading them."""
    return Scan.objects.restrict(principal, action)


def scan(principal, scan_id: int, action: Action = Action.REGISTER) -> Scan:
    """A scan's register side (`action` VIEW: one whose content this principal may read); NotFound when missing
    or not allowed."""
    found = scans(principal, action).select_related("attachment__document").filter(pk=scan_id).first()
    if found is None:
        raise NotFound(_("no scan %(id)s") % {"id": scan_id})
    found.readable = action is Action.VIEW or scans(principal).filter(pk=scan_id).exists()
    return found


def scans_of_paper(principal, document) -> list[Scan]:
    """The scans of a paper's attachments on its register entry, each marked `readable` when this principal may
    see its pages too."""
    rows = list(
        scans(principal, Action.REGISTER)
        .filter(attachment__document=document)
        .select_related("attachment")
        .order_by("attachment__position")
        .prefetch_related("pages")
    )
    readable = set(scans(principal).filter(pk__in=[s.pk for s in rows]).values_list("pk", flat=True))
    for row in rows:
        row.readable = row.pk in readable
    return rows


@transaction.atomic
def page_image(principal, scan_id: int, number: int, *, thumbnail: bool = False):
    """A page image (or its thumbnail) of a scan this principal may read, its reading recorded (rule 4)."""
    page = (
        ScanPage.objects.restrict(principal, Action.VIEW)
        .select_related("scan__attachment__document")
        .filter(scan_id=scan_id, number=number)
        .first()
    )
    if page is None:
        raise NotFound(_("no page %(number)s of scan %(id)s") % {"number": number, "id": scan_id})
    _record_read(principal, page.scan, "scan.page_read", {"scan": scan_id, "page": number, "thumbnail": thumbnail})
    return page.thumbnail if thumbnail else page.image


def scans_found(principal, query: str) -> QuerySet[Scan]:
    """The scans of papers this principal may read whose OCR text holds every word of `query`."""
    return matching(scans(principal).filter(state=Scan.State.READ, attachment__isnull=False), Entry.Scope.SCANS, query)


def scan_search_texts():
    """(scan, what staff search finds it by) for every scan read: the scans' index, rebuilt."""
    rows = Scan.objects.filter(state=Scan.State.READ).order_by("pk").values_list("pk", "name", "text")
    return ((pk, f"{name}\n{text}") for pk, name, text in rows.iterator(chunk_size=200))


@transaction.atomic
def read_scan(principal, scan_id: int) -> Scan:
    """A scan with the text OCR read of it, as its page shows it: reading a classified scan's text is recorded."""
    found = scan(principal, scan_id, Action.VIEW)
    if found.state == Scan.State.READ:
        _record_read(principal, found, "scan.text_read", {"scan": found.pk})
    return found


def _record_read(principal, read: Scan, action: str, data: dict) -> None:
    """Rule 4: reading a classified scan (an archive item's scan always holds what its review withholds) is an
    event about the paper, or the item, it is a scan of."""
    attachment = read.attachment
    if attachment is None:
        record(principal, action, read.archive_item, data)
    elif not attachment.document.is_public and is_classified(attachment):
        record(principal, action, attachment.document, data)


@dataclass(frozen=True)
class ScanPassage:
    """A scan staff search found, with the passage of its OCR text where the words stand."""

    scan: Scan
    parts: list[tuple[str, bool]]


@transaction.atomic
def scan_passages(principal, query: str, limit: int = 20) -> tuple[int, list[ScanPassage]]:
    """How many scans this principal may read hold every word of `query`, and the best `limit` of them with their
    passages; showing a classified scan's words is reading it (audited)."""
    found = scans_found(principal, query)
    count = found.count()
    best = list(ranked(found.select_related("attachment__document"), Entry.Scope.SCANS, query)[:limit])
    wanted = query_stems(query)
    shown = []
    for row in best:
        _record_read(principal, row, "scan.text_read", {"scan": row.pk, "through": "search"})
        shown.append(ScanPassage(row, snippet(row.text, wanted)))
    return count, shown
