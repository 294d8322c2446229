"""Scans over HTTP: send a scan of a paper's part (multipart/form-data), follow its OCR, read its text, queue a
failed one again. Page images are at the URLs a scan lists (the same session or token).

Each handler calls one service or selector of scans/: 404 for a paper or scan missing or not yours to see, 409
for what the rules refuse, 422 for a file that is not a scan (its type read from its bytes) or too large.
"""

from ninja import File, Form, Router, Status, UploadedFile

from secretariat.api.problems import problems
from secretariat.api.schemas import ScanIn, ScanOut
from secretariat.scans import presenters, selectors, services

router = Router(tags=["scans"])


@router.post(
    "/documents/{regno:number}/scans", response={201: ScanOut, **problems(404, 409, 422)}, operation_id="add_scan"
)
def add_scan(request, number: str, payload: Form[ScanIn], file: File[UploadedFile] = None):
    """A scan (PDF, TIFF, JPEG or PNG) of a paper's part, as a new attachment marked as given (the paper's own by
    default), queued for OCR on the worker; GET /scans/{id} shows how it goes."""
    scan = services.add_scan(
        request.auth,
        number,
        name=(file.name if file is not None else "") or "scan",
        data=file.read() if file is not None else b"",
        title=payload.title,
        classification=payload.classification,
    )
    return Status(201, presenters.scan_json(scan))


@router.get("/scans/{int:scan_id}", response={200: ScanOut, **problems(404)}, operation_id="show_scan")
def show_scan(request, scan_id: int):
    """A scan: its OCR state, pages read, and its pages' images; with ?text=true the text OCR read (an audited
    read)."""
    text = request.GET.get("text") == "true"
    scan = selectors.read_scan(request.auth, scan_id) if text else selectors.scan(request.auth, scan_id)
    return presenters.scan_json(scan, text=text)


@router.post(
    "/scans/{int:scan_id}/read-again", response={200: ScanOut, **problems(404, 409)}, operation_id="read_scan_again"
)
def read_again(request, scan_id: int):
    """Queue again a scan whose OCR failed, or whose worker stopped."""
    return presenters.scan_json(services.read_again(request.auth, scan_id))
