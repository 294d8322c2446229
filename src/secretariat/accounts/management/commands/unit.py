from secretariat.accounts import selectors, services
from secretariat.kernel.cli import SecretariatCommand, add_actor, subcommand, subcommands


class Command(SecretariatCommand):
    help = "Add and list units and posts."

    def add_arguments(self, parser):
        sub = subcommands(parser)
        add = subcommand(sub, "add", help="add a unit (or, with --post, a post abroad or in the field)")
        add_actor(add)
        add.add_argument("code")
        add.add_argument("name")
        add.add_argument("--post", action="store_true", help="a post abroad (an embassy) rather than a unit at home")
        subcommand(sub, "list", help="list units and posts")

    def handle(self, *args, action, **options):
        if action == "add":
            unit = services.add_unit(
                selectors.principal_by_username(options["actor"]),
                options["code"],
                options["name"],
                post=options["post"],
            )
            units = [unit]
        else:
            units = list(selectors.units())
        rows = [{"code": u.code, "name": u.name, "kind": u.kind} for u in units]
        self.emit(
            rows if action == "list" else rows[0],
            "\n".join(f"{r['code']:<24} {r['kind']:<5} {r['name']}" for r in rows),
        )
