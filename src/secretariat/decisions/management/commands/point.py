from pathlib import Path

from secretariat.accounts.selectors import addressees_by_name
from secretariat.decisions import presenters, services
from secretariat.decisions.selectors import body_by_name
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


def _point(parser) -> None:
    add_actor(parser)
    parser.add_argument("body", help="name or prefix")
    parser.add_argument("meeting", type=count, help="the meeting's (protocol's) number")
    parser.add_argument("identifier", help="the point as the body writes it, e.g. X")


class Command(SecretariatCommand):
    help = "Record a protocol's points and the papers they carry; correct a point of a signed protocol."

    def add_arguments(self, parser):
        sub = subcommands(parser)

        record = subcommand(sub, "record", help="record a point of an unsigned protocol (the body's secretary)")
        _point(record)
        record.add_argument("--title", required=True)
        record.add_argument("--decision-file", type=Path, required=True, help="the decision ('-' for standard input)")
        record.add_argument("--classification", type=classification, required=True, help="e.g. 'TOP SECRET'")
        record.add_argument("--to", type=listed, default=[], help="who the decision goes to: usernames, or unit:CODE")
        record.add_argument("--approver", default=None, help="who approves its drafts (default: the secretary)")

        attach = subcommand(sub, "attach", help="attach a paper (a draft) to a point of an unsigned protocol")
        _point(attach)
        attach.add_argument("--title", required=True)
        attach.add_argument("--text-file", type=Path, required=True, help="its text ('-' for standard input)")
        attach.add_argument("--classification", type=classification, required=True)
        attach.add_argument("--pages", type=count, default=1)

        correct = subcommand(sub, "correct", help="correct a point of a signed protocol: its next version")
        _point(correct)
        correct.add_argument("--title", required=True)
        correct.add_argument("--decision-file", type=Path, required=True, help="the decision ('-' for standard input)")
        correct.add_argument("--reason", required=True)

    def handle(self, *args, action, actor, body, meeting, identifier, **o):
        by, body = principal_by_username(actor), body_by_name(body)
        if action == "record":
            point = services.record_point(
                by,
                body,
                meeting,
                identifier,
                title=o["title"],
                decision=read_text(o["decision_file"]),
                classification=o["classification"],
                addressees=addressees_by_name(o["to"]),
                approver=principal_by_username(o["approver"]) if o["approver"] else None,
            )
            return self.emit(presenters.point_json(point), "\n".join(presenters.point_lines(point)))
        if action == "attach":
            attachment = services.attach_to_point(
                by,
                body,
                meeting,
                identifier,
                title=o["title"],
                text=read_text(o["text_file"]),
                classification=o["classification"],
                page_count=o["pages"],
            )
            return self.emit(
                {"point": presenters.point_reference(attachment.point), **presenters.attachment_json(attachment)},
                f"point {presenters.point_reference(attachment.point)}: {presenters.attachment_line(attachment)}",
            )
        version = services.correct_point(
            by,
            body,
            meeting,
            identifier,
            title=o["title"],
            decision=read_text(o["decision_file"]),
            reason=o["reason"],
        )
        self.emit(
            presenters.version_json(version.point, version),
            f"point {presenters.point_reference(version.point)}: version {version.number} ({version.reason})",
        )
