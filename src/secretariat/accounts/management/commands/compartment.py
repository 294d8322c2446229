from secretariat.accounts import selectors, services
from secretariat.kernel.cli import SecretariatCommand, add_actor, subcommand, subcommands


class Command(SecretariatCommand):
    help = "Add and list compartments (caveats such as SPECIAL FILE)."

    def add_arguments(self, parser):
        sub = subcommands(parser)
        add = subcommand(sub, "add", help="add a compartment; it is granted to whoever adds it")
        add_actor(add)
        add.add_argument("code")
        add.add_argument("--name", default="")
        subcommand(sub, "list", help="list compartments")

    def handle(self, *args, action, **options):
        if action == "add":
            by = selectors.principal_by_username(options["actor"])
            items = [services.add_compartment(by, options["code"], options["name"])]
        else:
            items = list(selectors.compartments())
        rows = [{"code": c.code, "name": c.name} for c in items]
        self.emit(rows if action == "list" else rows[0], "\n".join(f"{r['code']:<24} {r['name']}" for r in rows))
