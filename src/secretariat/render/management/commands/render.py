from pathlib import Path

from django.db import transaction

from secretariat.accounts.selectors import principal_by_username
from secretariat.commands import SecretariatCommand, add_actor, count
from secretariat.errors import InvalidInput
from secretariat.render.html import render_html
from secretariat.render.pdf import render_pdf
from secretariat.render.selectors import read_for_rendering
from secretariat.render.text import render_text

RENDERERS = {"text": render_text, "html": render_html, "pdf": render_pdf}


class Command(SecretariatCommand):
    help = (
        "Render a document as a reader may see it (an audited read), as plain text, a standalone HTML page or a PDF. "
        "--copy K marks it as the reader's own copy K; only its holder may render a copy. A PDF is binary: it goes "
        "to --output FILE, or to stdout only when stdout is redirected (not a terminal)."
    )

    def add_arguments(self, parser):
        parser.add_argument("number", help="registration number, e.g. P46/X")
        add_actor(parser)
        parser.add_argument("--format", choices=sorted(RENDERERS), default="text")
        parser.add_argument("--copy", type=count, default=None, metavar="K", help="your copy's number")
        parser.add_argument("--output", type=Path, default=None, metavar="FILE", help="write here, not to stdout")

    def handle(self, *args, number, actor, copy, output, **o):
        binary = o["format"] == "pdf"
        stdout = self.binary_stdout() if binary and output is None else None
        # One transaction: if the file cannot be written, the audited read did not happen either.
        with transaction.atomic():
            rendering = read_for_rendering(principal_by_username(actor), number, copy)
            content = RENDERERS[o["format"]](rendering.reading, rendering.copy)
            data = {"number": number, "format": o["format"], "copy": copy}
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
