from secretariat.kernel import clock
from secretariat.kernel.cli import SecretariatCommand, add_actor, add_as_of
from secretariat.kernel.principals import principal_by_username
from secretariat.registry import presenters, selectors


class Command(SecretariatCommand):
    help = "The register: the balance of every document, or of one with its copies and holders."

    def add_arguments(self, parser):
        add_actor(parser)
        parser.add_argument("number", nargs="?", help="one document; omitted: every document")
        add_as_of(parser)

    def handle(self, *args, actor, number, as_of, **o):
        by = principal_by_username(actor)
        as_of = as_of or clock.now()
        if number is None:
            rows = selectors.balances(by, as_of)
            return self.emit(
                [b.as_json() for b in rows],
                "\n".join(presenters.balance_line(b) for b in rows) or "the register is empty",
            )
        document = selectors.register_entry(by, number)
        (balance,) = selectors.balances(by, as_of, number)
        copies = presenters.copies_at(selectors.copies(by, number), as_of)
        data = {
            **presenters.document_json(document),
            "balance": balance.as_json(),
            "copies": [presenters.copy_json(c, as_of) for c in copies],
        }
        lines = [
            f"No {document.number}   {document.classification}   dated {document.dated.isoformat()}   "
            f"{document.page_count} page(s)",
            f"{document.return_instruction()}",
            "",
            *(presenters.copy_line(c, as_of) for c in copies),
            "",
            presenters.balance_line(balance),
            f"(as of {as_of.isoformat(timespec='minutes')})",
        ]
        self.emit(data, "\n".join(lines))
