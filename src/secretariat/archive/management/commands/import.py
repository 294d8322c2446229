import argparse
import csv
import sys
from pathlib import Path

from django.utils.translation import gettext as _
from tqdm import tqdm

from secretariat.archive import selectors, services
from secretariat.archive.management.arguments import unit_named
from secretariat.kernel import batches
from secretariat.kernel.cli import SecretariatCommand, add_actor, classification, subcommand, subcommands
from secretariat.kernel.errors import InvalidInput
from secretariat.kernel.principals import principal_by_username
from secretariat.registry import services as registry


def _transcriptions(folder: Path):
    """(source, text) of each .txt under `folder`, in name order (the source names the file under the folder);
    the text None for a file that cannot be read as UTF-8, which the import then refuses alone."""
    for path in sorted(folder.rglob("*.txt")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = None
        yield f"{folder.name}/{path.relative_to(folder)}", text


def _place(value: str) -> list[str]:
    """TsKhSD/89 → ['TsKhSD', '89']: a repository, or a unit of it, that a finding aid goes into."""
    try:
        return selectors.place_named(value)
    except InvalidInput as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


class Command(SecretariatCommand):
    help = (
        "Import a batch, every paper through its use case (its rules and its audit event), a chunk per transaction, "
        "with a progress bar: a folder of transcriptions or an EAD 2002 finding aid into the archive, or a CSV of "
        "register entries. "
        "Run it again after a kill: what went in is skipped."
    )

    def add_arguments(self, parser):
        sub = subcommands(parser)
        folder = subcommand(sub, "transcriptions", help="every .txt under a folder, as archive items (archivist)")
        add_actor(folder)
        folder.add_argument("folder", type=Path, help="the folder (searched with its subfolders)")
        folder.add_argument(
            "--into", type=unit_named, default={}, metavar="UNIT", help="repository/fond[/opis[/delo]] for them all"
        )
        folder.add_argument(
            "--classification", type=classification, default=None, help="the marking, where a file's cannot be read"
        )
        ead = subcommand(
            sub,
            "ead",
            help="an EAD 2002 finding aid as AtoM exports it: its fonds, series and files as archive units, its items "
            "as items (archivist)",
        )
        add_actor(ead)
        ead.add_argument("file", type=Path, help="the finding aid (.xml)")
        ead.add_argument(
            "--into",
            type=_place,
            default=None,
            metavar="REFERENCE",
            help="where its top description goes: a repository (TsKhSD) for a fonds, a unit (TsKhSD/89) for a series "
            "(default: the repository its unitid's repositorycode names)",
        )
        ead.add_argument(
            "--classification", type=classification, default=None, help="the marking of its items (EAD carries none)"
        )
        entries = subcommand(
            sub,
            "register",
            help="a CSV of register entries (registrar): number,title,classification,kind,dated,pages,signatory,"
            "distribution (names separated by ;),text",
        )
        add_actor(entries)
        entries.add_argument("file", type=Path, help="the CSV file (UTF-8, a header line)")

    def handle(self, *args, action, actor, **o):
        by = principal_by_username(actor)
        with tqdm(
            unit=_("papers") if action != "ead" else _("descriptions"), disable=self.as_json, file=sys.stderr
        ) as bar:
            if action == "transcriptions":
                if not o["folder"].is_dir():
                    raise InvalidInput(f"{o['folder']} is not a folder")
                bar.total = sum(1 for _path in o["folder"].rglob("*.txt"))
                outcome = services.import_transcriptions(
                    by,
                    _transcriptions(o["folder"]),
                    unit=o["into"],
                    classification=o["classification"],
                    progress=bar.update,
                )
            elif action == "ead":
                outcome = services.import_ead(
                    by,
                    o["file"],
                    into=o["into"],
                    classification=o["classification"],
                    counted=lambda total: setattr(bar, "total", total),
                    progress=bar.update,
                )
            else:
                try:
                    with o["file"].open(encoding="utf-8", newline="") as f:
                        rows = list(csv.DictReader(f))
                except (OSError, UnicodeDecodeError, csv.Error) as exc:
                    raise InvalidInput(f"cannot read {o['file']}: {exc}") from None
                bar.total = len(rows)
                outcome = registry.register_batch(by, rows, progress=bar.update)
        self._report(outcome)

    def _report(self, outcome: batches.Outcome) -> None:
        lines = [
            _("%(done)s imported, %(skipped)s there already, %(refused)s refused")
            % {"done": len(outcome.done), "skipped": len(outcome.skipped), "refused": len(outcome.refused)}
        ]
        lines += [f"  {key}: {reason}" for key, reason in outcome.refused]
        self.emit(outcome.as_json(), "\n".join(lines))
        if outcome.refused:
            raise SystemExit(1)
