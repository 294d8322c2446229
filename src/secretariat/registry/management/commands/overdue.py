from secretariat.kernel import clock
from secretariat.kernel.cli import SecretariatCommand, add_actor, add_as_of
from secretariat.kernel.principals import principal_by_username
from secretariat.registry import presenters, selectors


class Command(SecretariatCommand):
    help = "Copies past their due date, as of now or a given date."

    def add_arguments(self, parser):
        add_actor(parser)
        add_as_of(parser)

    def handle(self, *args, actor, as_of, **o):
        as_of = as_of or clock.now()
        copies = list(selectors.overdue_copies(principal_by_username(actor), as_of))
        self.emit(
            [presenters.copy_json(c, as_of) for c in copies],
            "\n".join(f"No {c.document.number:<12}" + presenters.copy_line(c, as_of) for c in copies)
            or f"no copy is overdue as of {as_of.date().isoformat()}",
        )
