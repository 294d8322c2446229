import io
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from secretariat.kernel.cli import SecretariatCommand, add_actor
from secretariat.kernel.errors import InvalidInput
from secretariat.kernel.principals import principal_by_username
from secretariat.render.trace import trace


def page_text(path: Path) -> str:
    """The text of every page of a PDF file; InvalidInput if it cannot be read as one."""
    try:
        pages = PdfReader(io.BytesIO(path.read_bytes())).pages
        return "\n".join(page.extract_text() or "" for page in pages)
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(f"{path} is not a readable PDF: {exc}") from None


class Command(SecretariatCommand):
    help = (
        "Name the copy a PDF was rendered from (document, copy number, holder, issue time) by the trace mark "
        "printed on its pages; the mark survives removal of the PDF's metadata. For registrars and auditors, "
        "about the copies they may see in the register."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a PDF rendered with `secretariat render … --format pdf --copy K`")
        add_actor(parser)

    def handle(self, *args, file, actor, **options):
        found = trace(principal_by_username(actor), page_text(file))
        rows = [
            {
                "number": copy.document.number,
                "copy": copy.number,
                "of": copy.document.copies_made,
                "holder": copy.holder.username,
                "holder_name": str(copy.holder),
                "issued_at": copy.issued_at.isoformat(),
                "status": copy.status,
            }
            for copy in found
        ]
        text = "\n".join(
            f"No {r['number']}, copy No. {r['copy']} of {r['of']}, held by {r['holder_name']} ({r['holder']}), "
            f"issued {r['issued_at']}, {r['status']}"
            for r in rows
        )
        self.emit({"file": str(file), "copies": rows}, text)
