from secretariat.decisions import presenters, selectors, services
from secretariat.decisions.selectors import body_by_name
from secretariat.kernel import clock
from secretariat.kernel.cli import SecretariatCommand, add_actor, count, subcommand, subcommands
from secretariat.kernel.principals import principal_by_username
from secretariat.kernel.restriction import Action


def _meeting(parser) -> None:
    add_actor(parser)
    parser.add_argument("body", help="name or prefix")
    parser.add_argument("number", type=count, help="the meeting's (protocol's) number")


class Command(SecretariatCommand):
    help = "Record a body's meetings, sign their protocols, and show a protocol's points."

    def add_arguments(self, parser):
        sub = subcommands(parser)
        record = subcommand(sub, "record", help="record a meeting (the body's secretary)")
        _meeting(record)
        record.add_argument(
            "--on", dest="held_on", type=clock.parse_instant, required=True, metavar="DATE", help="the day it was held"
        )
        _meeting(subcommand(sub, "sign", help="sign the protocol: its points change only by correction from now on"))
        show = subcommand(sub, "show", help="the protocol and the points you may read")
        _meeting(show)
        show.add_argument(
            "--register", action="store_true", help="the points you may see in the register (no titles or decisions)"
        )

    def handle(self, *args, action, actor, body, number, **o):
        by, body = principal_by_username(actor), body_by_name(body)
        if action == "record":
            meeting = services.record_meeting(by, body, number, o["held_on"].date())
        elif action == "sign":
            meeting = services.sign_protocol(by, body, number)
        else:
            if o["register"]:
                return self._show(by, selectors.meeting(by, body, number), self._register_points(by, body, number))
            reading = selectors.read_protocol(by, body, number)
            return self._show(by, reading.meeting, reading.points, content=True)
        self.emit(presenters.meeting_json(meeting), presenters.meeting_line(meeting))

    def _register_points(self, by, body, number):
        return [(point, []) for point in selectors.points(by, selectors.meeting(by, body, number), Action.REGISTER)]

    def _show(self, by, meeting, shown, *, content: bool = False) -> None:
        data = {
            **presenters.meeting_json(meeting),
            "points": [presenters.point_json(p, a, content=content) for p, a in shown],
        }
        lines = [presenters.meeting_line(meeting)]
        lines += [line for p, a in shown for line in presenters.point_lines(p, a, content=content)] or [
            "  no points you may see"
        ]
        self.emit(data, "\n".join(lines))
