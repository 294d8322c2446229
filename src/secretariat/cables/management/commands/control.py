import contextlib
import sys

from secretariat.accounts.selectors import addressees_by_name
from secretariat.cables import presenters, selectors, services
from secretariat.kernel import clock
from secretariat.kernel.cli import (
    SecretariatCommand,
    add_actor,
    add_as_of,
    count,
    subcommand,
    subcommands,
)
from secretariat.kernel.leases import LeaseHeld
from secretariat.kernel.principals import principal_by_username


class Command(SecretariatCommand):
    help = "Controls: obligations with a due date, closed by a report. List, instruct, cancel, escalate."

    def add_arguments(self, parser):
        sub = subcommands(parser)

        lst = subcommand(sub, "list", help="the controls you may see")
        add_actor(lst)
        which = lst.add_mutually_exclusive_group()
        which.add_argument("--mine", action="store_true", help="the open controls you or your unit must answer")
        which.add_argument("--overdue", action="store_true", help="open controls past due, oldest first")
        add_as_of(lst)

        instruct = subcommand(sub, "instruct", help="open a control from a decision, on its extract (the secretary)")
        add_actor(instruct)
        instruct.add_argument("extract", help="the extract's number, e.g. P47/5")
        instruct.add_argument(
            "--assignee", required=True, help="a username, or unit:CODE, on the extract's distribution"
        )
        instruct.add_argument("--task", required=True, help="what is to be done, one line")
        instruct.add_argument(
            "--due", type=clock.parse_instant, required=True, metavar="WHEN", help="ISO date or date-time"
        )

        cancel = subcommand(sub, "cancel", help="cancel a control you opened, saying why")
        add_actor(cancel)
        cancel.add_argument("id", type=count)
        cancel.add_argument("--reason", required=True)

        subcommand(sub, "escalate", help="escalate overdue controls and notify assignee and opener (the timed sweep)")

    def handle(self, *args, action, **o):
        now = clock.now()
        if action == "escalate":
            # Notices sent through the console mail backend go to stderr: stdout is the result (--json).
            try:
                with contextlib.redirect_stdout(sys.stderr):
                    late = services.escalate_overdue()
            except LeaseHeld as held:  # another app server sweeps: nothing done, and no error
                return self.emit(held.as_json(), held.message)
            lines = [presenters.control_line(c, now) for c in late]
            return self.emit(
                [presenters.control_json(c, now) for c in late],
                "\n".join([f"escalated {len(late)} overdue control(s); assignees and openers notified:", *lines])
                if late
                else "no overdue control left to escalate",
            )
        by = principal_by_username(o["actor"])
        if action == "instruct":
            (assignee,) = addressees_by_name([o["assignee"]])
            control = services.instruct(by, o["extract"], assignee=assignee, task=o["task"], due_at=o["due"])
            return self._one(selectors.control(by, control.pk), now)
        if action == "cancel":
            control = services.cancel_control(by, o["id"], o["reason"])
            return self._one(selectors.control(by, control.pk), now)
        as_of = o["as_of"] or now
        if o["overdue"]:
            rows = selectors.overdue_controls(by, as_of)
        elif o["mine"]:
            rows = selectors.controls_on(by)
        else:
            rows = selectors.controls(by)
        rows = selectors.read_controls(by, rows)
        empty = f"no control is overdue as of {as_of.date().isoformat()}" if o["overdue"] else "no controls"
        self.emit(
            [presenters.control_json(c, as_of) for c in rows],
            "\n".join(presenters.control_line(c, as_of) for c in rows) or empty,
        )

    def _one(self, control, now) -> None:
        self.emit(presenters.control_json(control, now), presenters.control_line(control, now))
