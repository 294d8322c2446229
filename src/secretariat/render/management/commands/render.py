from pathlib import Path

from django.db import transaction

from secretariat.accounts.selectors import principal_by_username
from secretariat.commands import SecretariatCommand, add_actor, count
from secretariat.errors import InvalidInput
from secretariat.render.html import render_html
from secretariat.render.selectors import read_for_rendering
from secretariat.render.text import render_text

RENDERERS = {"text": render_text, "html": render_html}


class Command(SecretariatCommand):
    help = (
        "Render a document as a reader may see it (an audited read), as plain text or a standalone HTML page. "
        "--copy K marks it as the reader's own copy K; only its holder may render a copy."
    )

    def add_arguments(self, parser):
        parser.add_argument("number", help="registration number, e.g. P46/X")
        add_actor(parser)
        parser.add_argument("--format", choices=sorted(RENDERERS), default="text")
        parser.add_argument("--copy", type=count, default=None, metavar="K", help="your copy's number")
        parser.add_argument("--output", type=Path, default=None, metavar="FILE", help="write here, not to stdout")

    def handle(self, *args, number, actor, copy, output, **o):
        # One transaction: if the file cannot be written, the audited read did not happen either.
        with transaction.atomic():
            rendering = read_for_rendering(principal_by_username(actor), number, copy)
            content = RENDERERS[o["format"]](rendering.reading, rendering.copy)
            data = {"number": number, "format": o["format"], "copy": copy}
            if output is None:
                return self.emit({**data, "content": content}, content.rstrip("\n"))
            try:
                output.write_text(content, encoding="utf-8")
            except OSError as exc:
                raise InvalidInput(f"cannot write {output}: {exc.strerror}") from None
        self.emit({**data, "output": str(output)}, f"No {number} written to {output}")
