import contextlib
import datetime as dt
from pathlib import Path

from django.core.files import File

from secretariat.accounts.selectors import addressees_by_name, unit_by_code
from secretariat.kernel.classification import Level
from secretariat.kernel.cli import (
    SecretariatCommand,
    add_actor,
    classification,
    count,
    listed,
    read_text,
    subcommand,
    subcommands,
)
from secretariat.kernel.errors import InvalidInput
from secretariat.kernel.principals import principal_by_username
from secretariat.kernel.restriction import Action
from secretariat.registry import presenters, selectors, services
from secretariat.registry.models import Document


def add_registration_arguments(parser) -> None:
    """What a registration takes on the command line (here, and where a body registers its papers)."""
    parser.add_argument("--number", default=None, help="e.g. P46/X; omitted: the next of --series")
    parser.add_argument(
        "--series", default="R", help="the prefix of numbers the registry allocates: R gives R-1, R-2, …"
    )
    parser.add_argument("--title", required=True)
    parser.add_argument(
        "--classification",
        type=classification,
        required=True,
        help="e.g. 'TOP SECRET' or 'SECRET//SPECIAL FILE'",
    )
    parser.add_argument("--kind", default=Document.Kind.NOTE, choices=Document.Kind.values)
    parser.add_argument("--text-file", type=Path, required=True, help="the body text ('-' for standard input)")
    parser.add_argument("--dated", type=dt.date.fromisoformat, required=True, help="the paper's date, YYYY-MM-DD")
    parser.add_argument("--pages", type=count, default=1, help="how many pages (sheets) the paper has")
    parser.add_argument("--author-unit", default=None, help="code of the unit that wrote it")
    parser.add_argument("--signatory", default="", help="who signed it, as the paper says")
    parser.add_argument("--return-days", type=count, default=None, help="days a copy may be out (default 7)")
    parser.add_argument("--return-to", default=None, help="unit code the copies go back to")
    parser.add_argument("--to", type=listed, default=[], help="distribution: usernames, or unit:CODE")


def registration_fields(o: dict) -> dict:
    """The parsed registration arguments as `register_document` takes them."""
    return {
        "number": o["number"],
        "series": o["series"],
        "title": o["title"],
        "classification": o["classification"],
        "kind": o["kind"],
        "text": read_text(o["text_file"]),
        "dated": o["dated"],
        "page_count": o["pages"],
        "author_unit": unit_by_code(o["author_unit"]) if o["author_unit"] else None,
        "signatory": o["signatory"],
        "return_days": o["return_days"],
        "return_to": unit_by_code(o["return_to"]) if o["return_to"] else None,
        "distribution": addressees_by_name(o["to"]),
    }


class Command(SecretariatCommand):
    help = "Register documents, add versions, attachments and addressees; show and read them."

    def add_arguments(self, parser):
        sub = subcommands(parser)

        reg = subcommand(sub, "register", help="register a document (registrar)")
        add_actor(reg)
        add_registration_arguments(reg)

        dist = subcommand(sub, "distribute", help="add addressees to the distribution")
        add_actor(dist)
        dist.add_argument("number")
        dist.add_argument("addressees", type=listed, help="usernames, unit or post codes, comma-separated")

        ver = subcommand(sub, "version", help="add a new version of the text")
        add_actor(ver)
        ver.add_argument("number")
        ver.add_argument("--text-file", type=Path, required=True)
        ver.add_argument("--note", default="")

        att = subcommand(sub, "attach", help="add an attachment with its own classification")
        add_actor(att)
        att.add_argument("number")
        att.add_argument("--title", required=True)
        att.add_argument("--classification", type=classification, required=True)
        att.add_argument("--text-file", type=Path, default=None)
        att.add_argument("--file", type=Path, default=None, help="a file to attach as it is (a scan, a PDF)")
        att.add_argument("--pages", type=count, default=1)

        show = subcommand(sub, "show", help="register metadata of a document")
        add_actor(show)
        show.add_argument("number")

        read = subcommand(sub, "read", help="read a document's content (audited)")
        add_actor(read)
        read.add_argument("number")

        lst = subcommand(sub, "list", help="documents you may read (or, with --register, see in the register)")
        add_actor(lst)
        lst.add_argument("--register", action="store_true", help="those you may see in the register")
        find = subcommand(
            sub, "search", help="papers you may read holding every word (any form; a phrase in quotes), best first"
        )
        add_actor(find)
        find.add_argument("words", help='what to find: words, or "a phrase" in quotes')
        find.add_argument("--kind", choices=Document.Kind.values, default="", help="only papers of this kind")
        find.add_argument("--level", default="", help="only papers at this level, e.g. SECRET")
        find.add_argument("--limit", type=count, default=20, help="how many, best first (20)")

    def handle(self, *args, action, **o):
        by = principal_by_username(o["actor"])
        if action == "register":
            document = services.register_document(by, **registration_fields(o))
            return self._show(document)
        if action == "distribute":
            services.add_to_distribution(by, o["number"], addressees_by_name(o["addressees"]))
            return self._show(selectors.register_entry(by, o["number"]))
        if action == "version":
            version = services.add_version(by, o["number"], read_text(o["text_file"]), o["note"])
            return self.emit(
                {"number": o["number"], "version": version.number}, f"No {o['number']}: version {version.number}"
            )
        if action == "attach":
            with contextlib.ExitStack() as stack:
                file = None
                if o["file"] is not None:
                    try:
                        file = File(stack.enter_context(o["file"].open("rb")), name=o["file"].name)
                    except OSError as exc:
                        raise InvalidInput(f"cannot read {o['file']}: {exc.strerror}") from None
                attachment = services.add_attachment(
                    by,
                    o["number"],
                    title=o["title"],
                    classification=o["classification"],
                    text=read_text(o["text_file"]),
                    file=file,
                    page_count=o["pages"],
                )
            return self.emit(
                {
                    "number": o["number"],
                    "attachment": attachment.position,
                    "classification": str(attachment.classification),
                },
                f"No {o['number']}: attachment {attachment.position}, {attachment.classification}",
            )
        if action == "show":
            return self._show(selectors.register_entry(by, o["number"]))
        if action == "read":
            reading = selectors.read_document(by, o["number"])
            d = reading.document
            data = presenters.reading_json(reading)
            text = [str(d.classification), f"No {d.number}", d.title, "", reading.version.text]
            for a in reading.attachments:
                text += ["", f"Attachment {a.position}: {a.title} [{a.classification}]", a.text]
            text += ["", f"[{d.return_instruction()}]", str(d.classification)]
            return self.emit(data, "\n".join(text))
        if action == "search":
            try:
                level = Level.parse(o["level"]) if o["level"] else None
            except ValueError as exc:
                raise InvalidInput(str(exc)) from None
            found = selectors.papers_found(by, o["words"], kind=o["kind"], level=level)
            shown = selectors.passages(by, selectors.ranked_papers(found, o["words"])[: o["limit"]], o["words"])
            return self.emit(
                [presenters.passage_json(p) for p in shown], "\n".join(map(presenters.passage_line, shown)) or "none"
            )
        rows = selectors.documents(by, Action.REGISTER if o["register"] else Action.VIEW)
        data = [presenters.document_json(d) for d in rows]
        self.emit(
            data, "\n".join(f"No {r['number']:<14} {r['classification']:<24} {r['dated']}" for r in data) or "none"
        )

    def _show(self, document):
        data = presenters.document_json(document)
        self.emit(data, "\n".join(f"{k:>22}: {v}" for k, v in data.items()))
