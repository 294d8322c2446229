from pathlib import Path

from django.db import transaction

from secretariat.kernel.cli import SecretariatCommand, add_actor, count
from secretariat.kernel.errors import InvalidInput
from secretariat.kernel.principals import principal_by_username
from secretariat.render.html import render_html
from secretariat.render.pdf import render_case_pdf, render_pdf
from secretariat.render.selectors import read_case_for_rendering, read_for_rendering
from secretariat.render.text import render_text

RENDERERS = {"text": render_text, "html": render_html, "pdf": render_pdf}


class Command(SecretariatCommand):
    help = (
        "Render a document as a reader may see it (an audited read), as plain text, a standalone HTML page or a PDF. "
        "--copy K marks it as the reader's own copy K; only its holder may render a copy. A PDF is binary: it goes "
        "to --output FILE, or to stdout only when stdout is redirected (not a terminal). --case renders a closed case "
        "file's papers as one PDF/A-2b for the archive (archivists)."
    )

    def add_arguments(self, parser):
        parser.add_argument("number", help="registration number, e.g. P46/X (with --case: the case's, e.g. CASE-1)")
        add_actor(parser)
        parser.add_argument("--format", choices=sorted(RENDERERS), default="text", help="what to make (text)")
        parser.add_argument("--copy", type=count, default=None, metavar="K", help="your copy's number")
        parser.add_argument("--output", type=Path, default=None, metavar="FILE", help="write here, not to stdout")
        parser.add_argument(
            "--case", action="store_true", help="NUMBER is a closed case file: its PDF/A (--format pdf)"
        )

    def handle(self, *args, number, actor, copy, output, case, **o):
        if case and (o["format"] != "pdf" or copy is not None):
            raise InvalidInput(
                "--case renders a whole case file as one PDF/A: use it with --format pdf, without --copy"
            )
        binary = o["format"] == "pdf"
        stdout = self.binary_stdout() if binary and output is None else None
        # One transaction: if the file cannot be written, the audited read did not happen either.
        with transaction.atomic():
            if case:
                content = render_case_pdf(*read_case_for_rendering(principal_by_username(actor), number))
            else:
                rendering = read_for_rendering(principal_by_username(actor), number, copy)
                content = RENDERERS[o["format"]](rendering.reading, rendering.copy)
            data = {"number": number, "format": o["format"], "copy": copy, "case": case}
            if stdout is not None:
                stdout.write(content)
                stdout.flush()
                return
            if output is None:
                return self.emit({**data, "content": content}, content.rstrip("\n"))
            try:
                if binary:
                    output.write_bytes(content)
                else:
                    output.write_text(content, encoding="utf-8")
            except OSError as exc:
                raise InvalidInput(f"cannot write {output}: {exc.strerror}") from None
        self.emit({**data, "output": str(output)}, f"No {number} written to {output}")

    def binary_stdout(self):
        """Where a PDF goes without --output: stdout's byte stream, if it is not a terminal."""
        stream = getattr(self.stdout, "buffer", None)
        if self.as_json or stream is None or self.stdout.isatty():
            raise InvalidInput("a PDF is binary: give --output FILE, or redirect stdout to a file or a pipe")
        return stream
