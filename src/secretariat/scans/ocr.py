"""Read a scan: OCRmyPDF and Tesseract (Russian and English by default) make a PDF/A with a text layer,
each page straightened (deskew) and turned upright (rotate_pages); then each page of that PDF/A is drawn
as an image for readers, with a thumbnail, and its words with their boxes in that image's pixels (taken
from the PDF/A's own text layer, so the boxes, the text and the searchable PDF say the same thing).

No models, no database: the worker calls `read(pdf)` with the bytes `files.as_pdf` gave and keeps what it
returns. Whatever goes wrong comes out as `OcrFailed` with a reason a clerk can read; the temporary files
of a run are removed whether it succeeds or not.

Why `mode="force"` (OCR every page, discarding any text layer the PDF already has):
- what a reader sees is what the text says: a text layer that does not match the picture (a scanner's poor
  OCR, or text left under a black box drawn over it, the classic failed redaction) is not carried into the
  search index, the word boxes or the reading copy;
- deskew and rotation apply to every page, so every page's word boxes are in the same straightened image;
- the Ghostscript Debian ships (10.0.0) corrupts PDFs with existing text in OCRmyPDF's skip and redo modes,
  and OCRmyPDF refuses them with it; force is the mode it allows for a PDF/A.
The cost: a born-digital PDF's exact text is replaced by OCR of its rasterised pages. The file as uploaded
is kept by the caller beside the reading, so nothing is lost.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import io
import logging
import math
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from django.utils.translation import gettext as _
from PIL import Image

from secretariat.scans import words

Progress = Callable[[int, int], None]

THUMBNAIL_WIDTH = 200
# A page image is drawn at the asked dpi, or lower when the page is so large that it would pass this many pixels.
MAX_PAGE_PIXELS = 40_000_000
# Tesseract's seconds for one page before OCRmyPDF gives up on it (its default is 180).
PAGE_TIMEOUT = 180.0
# This module is also the OCRmyPDF plugin that reports progress (get_progressbar_class below).
PLUGIN = __name__


class OcrFailed(Exception):
    """The scan could not be read; `reason` says why in words for the clerk (no traceback)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ReadPage:
    number: int  # from 1
    image_png: bytes
    thumbnail_png: bytes
    page: words.Page  # its words in image_png's pixels
    hocr: str


@dataclass(frozen=True)
class Reading:
    pdfa: bytes
    text: str  # the pages' text, a form feed between pages
    pages: list[ReadPage]


def read(
    pdf: bytes,
    *,
    languages: Sequence[str] = ("rus", "eng"),
    progress: Progress | None = None,
    dpi: int = 150,
    page_timeout: float = PAGE_TIMEOUT,
    cache: Path | None = None,
) -> Reading:
    """OCR `pdf` (a PDF: `files.as_pdf` makes one of any accepted scan) and draw its pages at `dpi`.

    `progress(done, total)` is called with the pages OCR has finished: (0, n) before OCR starts, then after each
    page; once more with (n, n) when the whole reading (PDF/A, page images) is ready. What the callback raises
    (to cancel, say) stops the reading and comes out of read() as it is. With a `cache` folder, the same bytes
    read in the same languages by the same OCRmyPDF and Tesseract are read once (`_cached`)."""
    languages = languages.split("+") if isinstance(languages, str) else list(languages)
    pdfa = searchable(pdf, languages=languages, progress=progress, page_timeout=page_timeout, cache=cache)
    pages, texts = _pages(pdfa, dpi, _hocr_language(languages))
    if progress is not None:
        progress(len(pages), len(pages))
    return Reading(pdfa=pdfa, text="\f".join(texts), pages=pages)


def searchable(
    pdf: bytes,
    *,
    languages: Sequence[str] = ("rus", "eng"),
    progress: Progress | None = None,
    page_timeout: float = PAGE_TIMEOUT,
    cache: Path | None = None,
) -> bytes:
    """The PDF/A OCR makes of `pdf`, with its text layer (`read` without the page images)."""
    languages = languages.split("+") if isinstance(languages, str) else list(languages)
    if progress is not None and (count := _page_count(pdf)):
        progress(0, count)  # here, not from inside OCRmyPDF: a callback that raises now stops nothing half-begun
    return _cached(cache, pdf, languages, lambda: _ocr(pdf, languages, progress, page_timeout))


def _cached(cache: Path | None, pdf: bytes, languages: list[str], ocr: Callable[[], bytes]) -> bytes:
    """The PDF/A OCR made of `pdf` before, kept in `cache` under a key of the bytes, the languages and the
    versions of OCRmyPDF and Tesseract; else `ocr()`, kept there. For a registry that rebuilds the same scans
    (the demo, its tests) on one machine: SECRETARIAT_OCR_CACHE."""
    if cache is None:
        return ocr()
    import ocrmypdf

    key = hashlib.sha256(pdf)
    key.update("|".join([*languages, ocrmypdf.__version__, _tesseract_version()]).encode())
    kept = Path(cache, f"{key.hexdigest()}.pdf")
    if kept.is_file():
        return kept.read_bytes()
    pdfa = ocr()
    kept.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=kept.parent, suffix=".part", delete=False) as part:
        part.write(pdfa)
    Path(part.name).replace(kept)  # whole or not at all, whoever else is writing the same key
    return pdfa


@functools.cache
def _tesseract_version() -> str:
    try:
        found = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False)
    except OSError:
        return "no tesseract"  # OCR itself then fails and says why
    said = (found.stdout or found.stderr).strip()
    return said.splitlines()[0] if said else "tesseract"


def _page_count(pdf: bytes) -> int:
    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError:
        return 0  # OCRmyPDF will say what is wrong with it
    try:
        return len(document)
    finally:
        document.close()


# --- OCRmyPDF ---------------------------------------------------------------------------------------------


def _ocr(pdf: bytes, languages: list[str], progress: Progress | None, page_timeout: float) -> bytes:
    import ocrmypdf

    timeouts = _TimeoutWatch()
    logger = logging.getLogger("ocrmypdf")
    logger.addHandler(timeouts)
    told = _Told(progress)
    token = _listener.set(told if progress is not None else None)
    try:
        with tempfile.TemporaryDirectory(prefix="secretariat-ocr-") as work:
            source, target = Path(work, "scan.pdf"), Path(work, "reading.pdf")
            source.write_bytes(pdf)
            code = ocrmypdf.ocr(
                source,
                target,
                language=languages,
                mode="force",  # why: the module's docstring
                deskew=True,
                rotate_pages=True,
                output_type="pdfa",
                jobs=1,
                progress_bar=True,  # handed to this module's progress class, which never writes anything
                plugins=[PLUGIN],
                tesseract_timeout=page_timeout,
            )
            if timeouts.pages:
                raise OcrFailed(
                    _("Tesseract took longer than %(seconds)s seconds on a page and gave up; no text was read there.")
                    % {"seconds": f"{page_timeout:g}"}
                )
            if code != ocrmypdf.ExitCode.ok:
                raise OcrFailed(_exit_reason(code))
            return target.read_bytes()
    except OcrFailed:
        raise
    except Exception as exc:
        if told.raised is not None:  # the caller's progress callback raised (to cancel, say): theirs to handle
            raise told.raised from None
        raise _failure(exc, languages) from None
    finally:
        _listener.reset(token)
        logger.removeHandler(timeouts)


def _failure(exc: Exception, languages: list[str]) -> OcrFailed:
    """What went wrong, in words for the clerk; the details (and for the unforeseen, the traceback) to the log."""
    from ocrmypdf import exceptions as ocr_errors

    log = logging.getLogger(__name__)
    if isinstance(exc, ocr_errors.MissingDependencyError):
        return OcrFailed(_missing(str(exc), languages))
    if isinstance(exc, ocr_errors.EncryptedPdfError):
        return OcrFailed(_("The PDF is encrypted; OCR cannot read it."))
    if isinstance(exc, ocr_errors.DigitalSignatureError):
        return OcrFailed(_("The PDF is digitally signed; OCR would break the signature."))
    if isinstance(exc, (ocr_errors.InputFileError, ocr_errors.UnsupportedImageFormatError, ocr_errors.DpiError)):
        return OcrFailed(_("The file cannot be read as a scan: it is damaged or not a page image."))
    if isinstance(exc, ocr_errors.SubprocessOutputError):
        log.warning("OCR: a program failed: %s", exc)
        return OcrFailed(
            _("A program OCR runs (Tesseract or Ghostscript) failed on this file; the server's log says more.")
        )
    if isinstance(exc, ocr_errors.PdfaConversionFailedError):
        return OcrFailed(_("Ghostscript could not make a PDF/A of the read scan."))
    if isinstance(exc, ocr_errors.ExitCodeException):
        log.warning("OCR refused: %s", exc)
        return OcrFailed(_("OCR refused the file (%(what)s).") % {"what": type(exc).__name__})
    if isinstance(exc, (OSError, MemoryError)):
        log.warning("OCR failed: %r", exc)
        return OcrFailed(_("The server could not run OCR on this file (disk or memory); the server's log says more."))
    # The worker's boundary: the clerk reads a reason, the traceback goes to the server's log.
    log.error("OCR failed", exc_info=exc)
    return OcrFailed(_("OCR failed on this file; the server's log says more."))


def _missing(message: str, languages: Iterable[str]) -> str:
    lowered = message.lower()
    if "language data" in lowered:
        absent = [lang for lang in languages if lang in message.split("languages:", 1)[-1]]
        return _("Tesseract has no language data for %(languages)s; install tesseract-ocr-%(first)s.") % {
            "languages": ", ".join(absent) or message.strip().splitlines()[-1],
            "first": (absent or ["LANG"])[0],
        }
    if "tesseract" in lowered:
        return _("Tesseract is not installed (Debian: tesseract-ocr, tesseract-ocr-rus, tesseract-ocr-eng).")
    if "ghostscript" in lowered or "gs" in lowered.split():
        return _("Ghostscript is not installed or not usable (Debian: ghostscript).")
    return _("A program OCR needs is missing: %(what)s") % {"what": message.strip().splitlines()[0]}


def _exit_reason(code: int) -> str:
    import ocrmypdf

    if code == ocrmypdf.ExitCode.pdfa_conversion_failed:
        return _("Ghostscript could not make a PDF/A of the read scan.")
    if code == ocrmypdf.ExitCode.invalid_output_pdf:
        return _("OCR made a PDF that does not check out as valid.")
    return _("OCR stopped with code %(code)s.") % {"code": int(code)}


class _TimeoutWatch(logging.Handler):
    """OCRmyPDF logs a page Tesseract gave up on and carries on without its text: here that is a failure."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.pages = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "took too long" in record.getMessage():
            self.pages += 1


class _Told:
    """The caller's progress callback, and what it raised, if it did (which read() passes on as it is)."""

    def __init__(self, callback: Progress | None):
        self.callback = callback
        self.raised: BaseException | None = None

    def __call__(self, done: int, total: int) -> None:
        try:
            self.callback(done, total)
        except BaseException as exc:
            self.raised = exc
            raise


# Progress: OCRmyPDF asks its plugins for a progress-bar class; this one tells the caller of read() (found
# through a context variable, so two readings in two threads each hear their own) how many pages are done.
_listener: contextvars.ContextVar[_Told | None] = contextvars.ContextVar("secretariat_ocr_progress", default=None)
_COUNTED = {"OCR", "Image processing"}


class _PageProgress:
    def __init__(self, *, total=None, desc=None, unit=None, disable=False, **kwargs):
        self.listener = _listener.get()
        self.counting = self.listener is not None and desc in _COUNTED and bool(total)
        self.total = int(total or 0)
        self.done = 0.0
        self.told = 0

    def __enter__(self):
        # Nothing told here: OCRmyPDF's executor enters the bar outside the block that stops its log thread on an
        # error, so a callback raising here would leave that thread waiting forever. read() tells (0, n) itself.
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n=1, *, completed=None):
        self.done = float(completed) if completed is not None else self.done + n
        self._tell()

    def _tell(self) -> None:
        if not self.counting:
            return
        pages = min(self.total, int(math.floor(self.done + 1e-6)))
        if pages > self.told:
            self.told = pages
            self.listener(pages, self.total)


try:
    from ocrmypdf import hookimpl
except ImportError:  # pragma: no cover - ocrmypdf is a pinned dependency
    pass
else:

    @hookimpl
    def get_progressbar_class():
        return _PageProgress


# --- pages ------------------------------------------------------------------------------------------------


def _pages(pdfa: bytes, dpi: int, language: str) -> tuple[list[ReadPage], list[str]]:
    document = pdfium.PdfDocument(pdfa)
    try:
        read = [_page(document[index], index + 1, dpi, language) for index in range(len(document))]
    finally:
        document.close()
    return [page for page, _text in read], [text for _page, text in read]


def _page(pdf_page: pdfium.PdfPage, number: int, dpi: int, language: str) -> tuple[ReadPage, str]:
    width_pt, height_pt = pdf_page.get_size()
    dpi = max(1, min(dpi, math.floor(72 * math.sqrt(MAX_PAGE_PIXELS / max(1.0, width_pt * height_pt)))))
    image = pdf_page.render(scale=dpi / 72, rotation=0).to_pil()
    image = image.convert("L") if image.mode != "RGB" else image
    width, height = image.size
    text_page = pdf_page.get_textpage()
    try:
        found = tuple(_words(pdf_page, text_page, width, height))
        raw = text_page.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
        text = "\n".join(line.rstrip() for line in _printable(raw).split("\n"))
    finally:
        text_page.close()
    page = words.Page(width=width, height=height, dpi=dpi, words=found)
    thumbnail = image.resize((THUMBNAIL_WIDTH, max(1, round(height * THUMBNAIL_WIDTH / width))), Image.LANCZOS)
    return ReadPage(
        number=number,
        image_png=png(image, dpi),
        thumbnail_png=png(thumbnail, None),
        page=page,
        hocr=words.hocr(page, language=language),
    ), text.strip()


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cf") and char not in "\n\t"


def _printable(text: str) -> str:
    """The text layer's text without the control characters pdfium puts in it (a line-end hyphen is \x02)."""
    return "".join(" " if _is_control(char) else char for char in text)


def _words(pdf_page: pdfium.PdfPage, text_page: pdfium.PdfTextPage, width: int, height: int):
    """The text layer's characters grouped into words (runs of non-space characters), each word's box the
    union of its characters' boxes mapped into the page image (pdfium's own page-to-device mapping, so a
    page's /Rotate is followed)."""
    raw, chars = pdf_page.raw, []
    for index in range(text_page.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(text_page.raw, index)
        char = chr(code) if code else " "
        # pdfium marks a word broken at a line's end with a control character (\x02): a word ends there too,
        # and no control character may stand in a text kept (kernel/texts.py).
        if char.isspace() or _is_control(char) or pdfium_c.FPDFText_IsGenerated(text_page.raw, index) == 1:
            if chars:
                yield from _word(chars, width, height)
            chars = []
            continue
        left, bottom, right, top = text_page.get_charbox(index, loose=True)
        corners = [_device(raw, x, y, width, height) for x in (left, right) for y in (bottom, top)]
        chars.append((char, corners))
    if chars:
        yield from _word(chars, width, height)


def _word(chars, width: int, height: int):
    xs = [x for _char, corners in chars for x, _y in corners]
    ys = [y for _char, corners in chars for _x, y in corners]
    x0, y0 = max(0, math.floor(min(xs))), max(0, math.floor(min(ys)))
    x1, y1 = min(width, math.ceil(max(xs))), min(height, math.ceil(max(ys)))
    if x0 < x1 and y0 < y1:
        yield words.Word("".join(char for char, _corners in chars), words.Box(x0, y0, x1, y1))


def _device(raw_page, x: float, y: float, width: int, height: int) -> tuple[float, float]:
    import ctypes

    device_x, device_y = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDF_PageToDevice(raw_page, 0, 0, width, height, 0, x, y, device_x, device_y)
    return device_x.value, device_y.value


def png(image: Image.Image, dpi: int | None = None) -> bytes:
    """A page image as PNG (lossless: a page view, a thumbnail, a burned page of the reading room)."""
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False, **({"dpi": (dpi, dpi)} if dpi else {}))
    return out.getvalue()


def _hocr_language(languages: Sequence[str]) -> str:
    return {"rus": "ru", "eng": "en"}.get(languages[0] if languages else "", "ru")
