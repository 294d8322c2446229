from pathlib import Path

from secretariat.archive import selectors, services
from secretariat.archive.management.arguments import unit_named
from secretariat.archive.transcription import parse
from secretariat.kernel.cli import SecretariatCommand, add_actor, classification, read_text
from secretariat.kernel.errors import InvalidInput
from secretariat.kernel.principals import principal_by_username


def summary(found: dict) -> str:
    """The fields the importer read, one per line, then the annotations and what it could not place."""
    classification = found["classification"]
    reference = found["archival_reference"]
    back = found["return_instruction"]
    rows = [
        ("issuing body", found["issuing_body"]),
        ("type", found["document_type"]),
        ("number", found["number"]),
        ("protocol / point", " / ".join(filter(None, [found["protocol_number"], found["point"]]))),
        ("date", f"{found['date']} ({found['date_as_written']})" if found["date"] else found["date_as_written"]),
        ("classification", " / ".join(filter(None, [classification["level"], *classification["caveats"]]))),
        ("title", found["title"]),
        ("distribution", ", ".join(found["distribution"])),
        ("return", back["text"]),
        ("signatory", found["signatory"]),
        ("attachments", "; ".join(a["title"] or "" for a in found["attachments"])),
        ("archival reference", reference["as_written"]),
    ]
    lines = [f"{name}: {value}" for name, value in rows if value]
    lines += [f"[{a['kind']}] {a['text']}" for a in found["annotations"]]
    lines += [f"unparsed: {line}" for line in found["unparsed"]]
    return "\n".join(lines)


class Command(SecretariatCommand):
    help = (
        "Read a transcribed or translated paper (English or Russian: numbers, markings, dates, distribution, "
        "margin notes, stamps, page markers, archival references) and import it as an archive item with its "
        "annotations, where its archival reference says (--into to choose). --dry-run only reads it. Every line of "
        "the file ends up in the text, an annotation, a field or the unparsed lines."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a UTF-8 text file ('-' for standard input)")
        parser.add_argument("--dry-run", action="store_true", help="read and report; import nothing")
        add_actor(parser, required=False)
        parser.add_argument(
            "--into",
            type=unit_named,
            default={},
            metavar="UNIT",
            help="repository/fond[/opis[/delo]], e.g. TsKhSD/89/25",
        )
        parser.add_argument("--item", default=None, metavar="N", help="the item's number in the unit")
        parser.add_argument(
            "--classification",
            type=classification,
            default=None,
            help="the paper's marking, where the file's cannot be read (UNCLASSIFIED if it never was classified)",
        )

    def handle(self, *args, file, dry_run, actor, into, item, classification, **o):
        text = read_text(file)
        if dry_run:
            found = parse(services.transcription_text(text, str(file))).as_json()
            return self.emit(found, summary(found))
        if actor is None:
            raise InvalidInput("importing is an archivist's act: give --as USER (or --dry-run to only read the file)")
        imported = services.import_transcription(
            principal_by_username(actor), text, source=str(file), identifier=item, classification=classification, **into
        )
        found = imported.transcription
        found.pop("source", None)
        reference = selectors.reference(imported)
        self.emit(found | {"archive_item": reference}, f"imported as {reference}\n{summary(found)}")
