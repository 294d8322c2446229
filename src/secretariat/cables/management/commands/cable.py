import argparse
import datetime as dt
from pathlib import Path

from secretariat.accounts.selectors import unit_by_code
from secretariat.cables import presenters, selectors, services
from secretariat.cables.models import Cable
from secretariat.cables.services import Part
from secretariat.decisions.selectors import body_by_name, point_by_reference
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
from secretariat.kernel.principals import principal_by_username
from secretariat.kernel.restriction import Action
from secretariat.registry import presenters as registry_presenters


def point_reference(value: str) -> tuple[str, int, str]:
    """'P/46/X' (body name or prefix / meeting / point) -> ('P', 46, 'X')."""
    body, _, rest = value.partition("/")
    meeting, _, identifier = rest.partition("/")
    if not body or not meeting.isdigit() or not identifier:
        raise argparse.ArgumentTypeError(f"{value!r} is not BODY/MEETING/POINT, e.g. P/46/X")
    return body, int(meeting), identifier


def part(value: str) -> tuple[str, Path]:
    """'FIRST=first.txt' -> ('FIRST', first.txt); '=more.txt' continues the part before."""
    label, sep, path = value.partition("=")
    if not sep or not path:
        raise argparse.ArgumentTypeError(f"{value!r} is not LABEL=FILE (an empty label continues the part before)")
    return label, Path(path)


def _point(by, reference: tuple[str, int, str]):
    body, meeting, identifier = reference
    return point_by_reference(by, body_by_name(body), meeting, identifier)


class Command(SecretariatCommand):
    help = "Draft, approve, send, acknowledge and report on cables to posts; show and list them."

    def add_arguments(self, parser):
        sub = subcommands(parser)

        draft = subcommand(sub, "draft", help="draft a cable from your unit to a post")
        add_actor(draft)
        draft.add_argument("--subject", required=True, help="the subject line, e.g. 'On the statement'")
        draft.add_argument("--classification", type=classification, required=True)
        draft.add_argument("--to", required=True, metavar="POST", help="code of the action post")
        draft.add_argument("--info", type=listed, default=[], metavar="POST,..", help="codes of info posts")
        draft.add_argument("--addressee-line", default="", help='e.g. "TO THE SOVIET AMBASSADOR"')
        draft.add_argument(
            "--part",
            type=part,
            action="append",
            required=True,
            metavar="LABEL=FILE",
            help="a numbered part, in order (FIRST=first.txt); '=FILE' continues the part before",
        )
        draft.add_argument(
            "--guidance-file",
            type=Path,
            default=None,
            help="guidance for the action addressee alone, after the first part",
        )
        draft.add_argument("--reference", action="append", default=[], help="a reference line (repeatable)")
        draft.add_argument("--handling", type=listed, default=[], help="handling captions, comma-separated")
        draft.add_argument("--point", type=point_reference, default=None, help="the decision it carries out: P/46/X")
        draft.add_argument(
            "--precedence", default=Cable.Precedence.ROUTINE, choices=Cable.Precedence.values, help="how urgent"
        )
        draft.add_argument("--report-requirement", default="", help='e.g. "Wire when you have done it."')
        draft.add_argument("--report-days", type=count, default=None, help="days the post has to report")
        draft.add_argument(
            "--dated",
            type=dt.date.fromisoformat,
            default=None,
            metavar="DATE",
            help="the cable's date, YYYY-MM-DD (today)",
        )
        numbering = draft.add_mutually_exclusive_group()
        numbering.add_argument("--number", default=None, help="a number of your own; omitted: the next of --series")
        numbering.add_argument(
            "--series", default="TEL", help="the prefix the desk numbers cables in: TEL gives TEL-1, TEL-2, …"
        )

        approve = subcommand(sub, "approve", help="approve a draft under the decision it carries out")
        add_actor(approve)
        approve.add_argument("number")
        approve.add_argument("--point", type=point_reference, required=True, help="BODY/MEETING/POINT, e.g. P/46/X")

        for name, text in [
            ("send", "send an approved cable (its sending unit)"),
            ("acknowledge", "the action post confirms it has the cable"),
            ("show", "a cable's register side: state, date-time group, addressees, dates"),
        ]:
            p = subcommand(sub, name, help=text)
            add_actor(p)
            p.add_argument("number")

        report = subcommand(sub, "report", help="report a control on a cable done (a reply to the sender)")
        add_actor(report)
        report.add_argument("number", help="the cable reported on")
        report.add_argument("--text-file", type=Path, required=True, help="the report ('-' for standard input)")
        report.add_argument("--control", type=count, default=None, help="the control it closes, if several are open")
        report.add_argument("--title", default="")
        report.add_argument("--classification", type=classification, default=None, help="default: the cable's")

        lst = subcommand(sub, "list", help="cables you may read")
        add_actor(lst)
        which = lst.add_mutually_exclusive_group()
        which.add_argument("--post", action="store_true", help="the cables addressed to your post")
        which.add_argument("--register", action="store_true", help="cables you may see in the register")

    def handle(self, *args, action, actor, **o):
        by = principal_by_username(actor)
        if action == "draft":
            parts = [Part(label, read_text(path)) for label, path in o["part"]]
            if o["guidance_file"] is not None:
                parts.insert(1, Part("", read_text(o["guidance_file"]), guidance=True))
            document = services.draft_cable(
                by,
                subject=o["subject"],
                classification=o["classification"],
                action_post=unit_by_code(o["to"]),
                parts=parts,
                dated=o["dated"],
                info_posts=[unit_by_code(code) for code in o["info"]],
                addressee_line=o["addressee_line"],
                handling=o["handling"],
                precedence=o["precedence"],
                references=o["reference"],
                point=_point(by, o["point"]) if o["point"] else None,
                report_requirement=o["report_requirement"],
                report_days=o["report_days"],
                number=o["number"],
                series=o["series"],
            )
            return self._show(document.cable)
        if action == "approve":
            return self._show(services.approve_cable(by, o["number"], _point(by, o["point"])))
        if action == "send":
            return self._show(services.send_cable(by, o["number"]))
        if action == "acknowledge":
            return self._show(services.acknowledge_cable(by, o["number"]))
        if action == "show":
            return self._show(selectors.cable_entry(by, o["number"]))
        if action == "report":
            report = services.file_report(
                by,
                o["number"],
                text=read_text(o["text_file"]),
                control=o["control"],
                title=o["title"],
                classification=o["classification"],
            )
            data = {**registry_presenters.document_json(report), "references": o["number"]}
            return self.emit(data, f"No {report.number}: report on No {o['number']} filed, {report.classification}")
        if o["post"]:
            rows = selectors.cables_for_post(by)
        else:
            rows = selectors.cables(by, Action.REGISTER if o["register"] else Action.VIEW)
        self.emit(
            [presenters.cable_json(c) for c in rows],
            "\n".join(presenters.cable_line(c) for c in rows) or "no cables",
        )

    def _show(self, cable) -> None:
        self.emit(presenters.cable_json(cable), presenters.cable_text(cable))
