"""An item's scan under review and in the reading room.

A review that withholds a phrase withholds it on the scan too: wherever OCR found the phrase on a page, a box goes
over it (`boxes_of_review`), beside the boxes the reviewer drew. Publishing rasterises each page afresh with its
boxes burned in and rebuilds the PDF from those rasters, its text layer without a withheld word
(`scans.redaction`); the scan as it came stays in the archive at its marked classification. Before that, the words
a page keeps must hold no withheld phrase (`kept_text`, which `selectors.withheld_elsewhere` reads): a phrase OCR
read in a form the box search missed is a refusal to publish, not a leak.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext
from PIL import Image

from secretariat.archive.models import Annotation, Item, PageRedaction, PublishedPage, Redaction, Review
from secretariat.kernel.errors import InvalidInput, Refused
from secretariat.scans import redaction
from secretariat.scans.models import Scan, ScanPage
from secretariat.scans.ocr import png
from secretariat.scans.words import Box

BOX_LINE = re.compile(
    r"^(\d{1,4})\s*:\s*(\d{1,6})\s*,\s*(\d{1,6})\s*,\s*(\d{1,6})\s*,\s*(\d{1,6})\s*=\s*([A-Za-z]{1,10})$"
)


@dataclass(frozen=True)
class DrawnBox:
    """A box a reviewer drew on a page of the item's scan, in the page image's pixels, with its reason code."""

    page: int
    x0: int
    y0: int
    x1: int
    y1: int
    reason: str

    @classmethod
    def parse(cls, line: str) -> "DrawnBox":
        """'PAGE: X0,Y0,X1,Y1 = REASON', as the desk's drawing writes it and the command line takes it."""
        found = BOX_LINE.match(line.strip())
        if found is None:
            raise InvalidInput(
                gettext("write a box as PAGE: X0,Y0,X1,Y1 = REASON (pixels of the page image), not %(line)r")
                % {"line": line.strip()}
            )
        page, x0, y0, x1, y1, reason = found.groups()
        return cls(int(page), int(x0), int(y0), int(x1), int(y1), reason.upper())

    @classmethod
    def parse_lines(cls, lines: str) -> list["DrawnBox"]:
        return [cls.parse(line) for line in lines.splitlines() if line.strip()]


def boxes_of_review(item: Item, withheld: Sequence[tuple[str, str]], drawn: Sequence[DrawnBox]) -> list[PageRedaction]:
    """The boxes (not yet saved) a review with redactions puts on the item's scan: each withheld (phrase, reason)
    wherever OCR found it on a page, and each box drawn. Refused while the scan is unread: a phrase could not be
    boxed."""
    if item.scan_id is None:
        if drawn:
            raise InvalidInput(gettext("the item has no scan to draw boxes on"))
        return []
    scan = item.scan
    if scan.state != Scan.State.READ:
        raise Refused(
            gettext("the scan of the item is %(state)s: a review with redactions waits until OCR has read it")
            % {"state": scan.get_state_display()}
        )
    pages = {page.number: page for page in scan.pages.all()}
    boxes: dict[tuple, PageRedaction] = {}
    for phrase, reason in withheld:
        for page in pages.values():
            for box in redaction.boxes_for_phrase(phrase, page.page):
                boxes.setdefault((page.number, box, reason), _box(page, box, reason, phrase))
    for d in drawn:
        page = pages.get(d.page)
        if page is None:
            raise InvalidInput(gettext("the scan has no page %(page)s") % {"page": d.page})
        if d.reason not in Redaction.Reason.values:
            raise InvalidInput(
                gettext("unknown redaction reason %(reason)r: use one of %(reasons)s")
                % {"reason": d.reason, "reasons": ", ".join(Redaction.Reason.values)}
            )
        if not (0 <= d.x0 < d.x1 <= page.width and 0 <= d.y0 < d.y1 <= page.height):
            raise InvalidInput(
                gettext("a box on page %(page)s lies outside it (0,0-%(width)s,%(height)s)")
                % {"page": d.page, "width": page.width, "height": page.height}
            )
        box = Box(d.x0, d.y0, d.x1, d.y1)
        boxes.setdefault((page.number, box, d.reason), _box(page, box, d.reason, ""))
    return list(boxes.values())


def _box(page: ScanPage, box: Box, reason: str, phrase: str) -> PageRedaction:
    return PageRedaction(page=page, x0=box.x0, y0=box.y0, x1=box.x1, y1=box.y1, reason=reason, phrase=phrase[:300])


def withheld_phrases_of(item: Item, spans, annotations: dict[int, Annotation]) -> list[tuple[str, str]]:
    """(phrase, reason) of each span a review withholds, as it stands in the item's text or its annotation."""
    return [
        ((item.text if s.annotation is None else annotations[s.annotation].text)[s.start : s.end], s.reason)
        for s in spans
    ]


def _boxes_by_page(review: Review | None) -> dict[int, list[redaction.RedactionBox]]:
    by_page: dict[int, list[redaction.RedactionBox]] = {}
    if review is not None:
        for b in review.page_redactions.all():
            by_page.setdefault(b.page_id, []).append(redaction.RedactionBox(b.box, b.reason))
    return by_page


def kept_text(item: Item, review: Review | None) -> list[tuple[int, str]]:
    """(page number, the words it keeps) of each page of the item's scan, as publishing would keep them."""
    if item.scan_id is None:
        return []
    by_page = _boxes_by_page(review)
    kept = []
    for page in item.scan.pages.all():
        words = page.page
        gone = redaction.withheld(words, [b.box for b in by_page.get(page.pk, [])])
        kept.append((page.number, " ".join(w.text for n, w in enumerate(words.words) if n not in gone)))
    return kept


def drawn_phrases(item: Item, review: Review | None) -> list[str]:
    """What each box drawn on the item's scan covers, as OCR read it (its words in reading order): withheld as a
    phrase is, so that publishing refuses while it still stands in the item's text or annotations."""
    if item.scan_id is None or review is None:
        return []
    pages = {page.pk: page.page for page in item.scan.pages.all()}
    phrases = []
    for drawn in review.page_redactions.all():
        if drawn.phrase:
            continue  # found from a phrase the review withholds in the text already
        words = pages[drawn.page_id]
        covered = sorted(redaction.withheld(words, [drawn.box]))
        if covered:
            phrases.append(" ".join(words.words[n].text for n in covered))
    return phrases


def publish_scan(item: Item, review: Review | None, name: str) -> None:
    """The item's scan as the reading room shows it: each page rasterised afresh with its boxes burned in, and
    the PDF rebuilt from those pages. Refused while the scan is unread."""
    scan = item.scan
    if scan.state != Scan.State.READ:
        raise Refused(
            gettext("the scan of the item is %(state)s: it is published once OCR has read it")
            % {"state": scan.get_state_display()}
        )
    by_page = _boxes_by_page(review)
    pages = list(scan.pages.all())
    rasters, boxes = [], []
    for page in pages:
        with page.image.open("rb") as stored:
            image = Image.open(stored)
            image.load()
        rasters.append((image, page.page))
        boxes.append(by_page.get(page.pk, []))
    PublishedPage.objects.filter(item=item).delete()  # the pages of an earlier publication, if it was withdrawn
    for page, (image, _words), page_boxes in zip(pages, rasters, boxes, strict=True):
        burned = redaction.burn(image, page_boxes)
        shown = PublishedPage(item=item, number=page.number, width=burned.width, height=burned.height)
        shown.image.save(f"{name}-{page.number}.png", ContentFile(png(burned)), save=False)
        thumbnail = burned.resize(shown.thumbnail_size, Image.LANCZOS)
        shown.thumbnail.save(f"{name}-{page.number}-thumb.png", ContentFile(png(thumbnail)), save=False)
        shown.save()
    item.published_scan.save(f"{name}.pdf", ContentFile(redaction.published_pdf(rasters, boxes)), save=False)
