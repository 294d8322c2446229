"""A scan as the API and `--json` give it, and as the command line prints it."""

from secretariat.scans import services
from secretariat.scans.models import Scan


def scan_json(scan: Scan, *, text: bool = False) -> dict:
    attachment = scan.attachment
    shown = {
        "id": scan.pk,
        "name": scan.name,
        "document": attachment.document.number if attachment else None,
        "attachment": attachment.position if attachment else None,
        "content_type": scan.content_type,
        "size": scan.size,
        "sha256": scan.sha256,
        "page_count": scan.page_count,
        "state": scan.state,
        "pages_read": scan.pages_read,
        "error": scan.error,
        "uploaded_at": scan.uploaded_at,
        "read_at": scan.read_at,
        "rereadable": services.rereadable(scan),
        "pages": [
            {
                "number": page.number,
                "width": page.width,
                "height": page.height,
                "dpi": page.dpi,
                "words": len(page.words),
                "image": f"/scans/{scan.pk}/pages/{page.number}.png",
                "thumbnail": f"/scans/{scan.pk}/pages/{page.number}/thumbnail.png",
            }
            for page in scan.pages.all()
        ],
    }
    if text:
        shown["text"] = scan.text
    return shown


def scan_line(scan: Scan) -> str:
    where = f"No {scan.attachment.document.number}, attachment {scan.attachment.position}" if scan.attachment else ""
    state = scan.get_state_display()
    if scan.state in (Scan.State.QUEUED, Scan.State.READING):
        state += f" ({scan.pages_read}/{scan.page_count} pages)"
    if scan.state == Scan.State.FAILED:
        state += f": {scan.error}"
    return f"scan {scan.pk}  {scan.name}  {where}  {scan.page_count} pages  {state}"
