from secretariat.kernel import clock
from secretariat.kernel.cli import SecretariatCommand, add_actor, add_as_of, listed, subcommand, subcommands
from secretariat.kernel.principals import principal_by_username
from secretariat.registry import presenters, selectors, services


class Command(SecretariatCommand):
    help = "Issue numbered copies of a document, or list its copies."

    def add_arguments(self, parser):
        sub = subcommands(parser)
        issue = subcommand(sub, "issue", help="issue copies (registrar); default: to everyone on the distribution")
        add_actor(issue)
        issue.add_argument("number")
        issue.add_argument("--to", type=listed, default=None, help="usernames of the holders")
        lst = subcommand(sub, "list", help="the copies of a document")
        add_actor(lst)
        lst.add_argument("number")
        add_as_of(lst)

    def handle(self, *args, action, number, actor, **o):
        by = principal_by_username(actor)
        if action == "issue":
            holders = [principal_by_username(u) for u in o["to"]] if o["to"] is not None else None
            copies = services.issue_copies(by, number, holders)
        else:
            selectors.register_entry(by, number)
            copies = list(selectors.copies(by, number))
        as_of = o.get("as_of") or clock.now()
        self.emit(
            [presenters.copy_json(c, as_of) for c in copies],
            "\n".join(presenters.copy_line(c, as_of) for c in copies) or f"no copies of No {number}",
        )
