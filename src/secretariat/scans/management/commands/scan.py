import sys
from pathlib import Path

from django.utils.translation import gettext as _
from tqdm import tqdm

from secretariat.kernel.cli import SecretariatCommand, add_actor, classification, subcommand, subcommands
from secretariat.kernel.errors import InvalidInput
from secretariat.kernel.principals import principal_by_username
from secretariat.scans import presenters, selectors, services


class Command(SecretariatCommand):
    help = (
        "Scans of papers: send them (each an attachment, its text read by OCR in Russian and English), read the "
        "queued ones now with a progress bar, show one."
    )

    def add_arguments(self, parser):
        sub = subcommands(parser)

        add = subcommand(sub, "add", help="scans (PDF, TIFF, JPEG, PNG) of a paper's parts, queued for the worker")
        add_actor(add)
        add.add_argument("number", help="the paper's registration number")
        add.add_argument("files", nargs="+", type=Path, help="the scans, one attachment each")
        add.add_argument("--title", default="", help="the attachment's title (one file); else the file's name")
        add.add_argument(
            "--classification",
            type=classification,
            default=None,
            help="the attachments' marking; the paper's by default",
        )
        add.add_argument("--now", action="store_true", help="read them here, with a progress bar, not on the worker")

        read = subcommand(sub, "read", help="OCR the scans waiting for it now, here, with a progress bar")
        read.add_argument("scans", nargs="*", type=int, help="scan ids (default: every queued scan)")

        show = subcommand(sub, "show", help="a scan: its OCR state and pages; --text for what OCR read (audited)")
        add_actor(show)
        show.add_argument("scan", type=int, help="the scan's id (`scan add` prints it)")
        show.add_argument("--text", action="store_true", help="print the text OCR read")

    def handle(self, *args, action, **o):
        if action == "read":
            return self._read(services.waiting(o["scans"] or None))
        by = principal_by_username(o["actor"])
        if action == "show":
            scan = selectors.read_scan(by, o["scan"]) if o["text"] else selectors.scan(by, o["scan"])
            text = presenters.scan_line(scan) + (f"\n\n{scan.text}" if o["text"] else "")
            return self.emit(presenters.scan_json(scan, text=o["text"]), text)
        added = []
        for path in o["files"]:
            if not path.is_file():
                raise InvalidInput(_("%(path)s is not a file") % {"path": path})
            added.append(
                services.add_scan(
                    by,
                    o["number"],
                    name=path.name,
                    data=path.read_bytes(),
                    title=o["title"] if len(o["files"]) == 1 else "",
                    classification=o["classification"],
                )
            )
        if o["now"]:
            self._read(services.waiting([scan.pk for scan in added]), quiet=True)
            added = [selectors.scan(by, scan.pk) for scan in added]
        self.emit([presenters.scan_json(s) for s in added], "\n".join(presenters.scan_line(s) for s in added))

    def _read(self, waiting: list[tuple[int, int]], quiet: bool = False) -> None:
        """OCR each (scan, pages) now, one bar of pages across them all; a scan that fails is said, the rest go on."""
        outcomes = []
        with tqdm(total=sum(p for _s, p in waiting), unit=_("pages"), disable=self.as_json, file=sys.stderr) as bar:
            for scan_id, pages in waiting:
                start = bar.n
                outcome = services.read(
                    scan_id, progress=lambda read, total, start=start: bar.update(start + read - bar.n)
                )
                bar.update(start + pages - bar.n)
                outcomes.append({"scan": scan_id, **outcome})
        if not quiet:
            lines = [
                f"scan {o['scan']}: {o['state']}" + (f" ({o['error']})" if o.get("error") else "") for o in outcomes
            ]
            self.emit(outcomes, "\n".join(lines) or _("no scans wait for OCR"))
