import sys

from secretariat.accounts import selectors, services
from secretariat.kernel.cli import SecretariatCommand, add_actor, listed, subcommand, subcommands


def _password(options) -> str | None:
    if options["password_stdin"]:
        return sys.stdin.readline().rstrip("\n")
    return None


class Command(SecretariatCommand):
    help = "Add, list and change principals: clearance, compartments, roles, unit or post."

    def add_arguments(self, parser):
        sub = subcommands(parser)

        boot = subcommand(sub, "bootstrap", help="create the first admin (only while none exists)")
        boot.add_argument("username")
        boot.add_argument("--clearance", default="TOP SECRET")
        boot.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

        add = subcommand(sub, "add", help="add a principal")
        add_actor(add)
        add.add_argument("username")
        add.add_argument("--first-name", default="")
        add.add_argument("--last-name", default="")
        add.add_argument("--email", default="")
        add.add_argument("--clearance", default="UNCLASSIFIED", help="UNCLASSIFIED, CONFIDENTIAL, SECRET or TOP SECRET")
        add.add_argument("--compartments", type=listed, default=[], help="comma-separated, e.g. 'SPECIAL FILE'")
        add.add_argument("--roles", type=listed, default=[], help="comma-separated, e.g. member,registrar")
        add.add_argument("--unit", default=None, help="code of the unit or post")
        add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

        clear = subcommand(sub, "clearance", help="change a principal's clearance or compartments")
        add_actor(clear)
        clear.add_argument("username")
        clear.add_argument("--clearance", default=None)
        clear.add_argument("--compartments", type=listed, default=None)

        off = subcommand(sub, "deactivate", help="stop a principal acting or reading (the account stays)")
        add_actor(off)
        off.add_argument("username")
        off.add_argument("--reason", required=True)

        roles = subcommand(sub, "roles", help="grant roles")
        add_actor(roles)
        roles.add_argument("username")
        roles.add_argument("roles", type=listed)

        subcommand(sub, "list", help="list principals")

    def handle(self, *args, action, **options):
        if action == "list":
            rows = [p.summary() for p in selectors.principals()]
            text = "\n".join(
                f"{r['username']:<16} {r['clearance']:<28} {','.join(r['roles']) or '-':<24} {r['name']}" for r in rows
            )
            return self.emit(rows, text or "no principals")
        if action == "bootstrap":
            p = services.bootstrap_admin(
                options["username"], clearance=options["clearance"], password=_password(options)
            )
            return self.emit(p.summary(), f"{p.username}: first admin, cleared {p.classification}")
        by = selectors.principal_by_username(options["actor"])
        if action == "add":
            p = services.add_principal(
                by,
                options["username"],
                clearance=options["clearance"],
                compartments=options["compartments"],
                roles=options["roles"],
                unit=options["unit"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                email=options["email"],
                password=_password(options),
            )
        else:
            target = selectors.principal_by_username(options["username"])
            if action == "deactivate":
                p = services.deactivate(by, target, options["reason"])
            elif action == "clearance":
                p = services.change_clearance(
                    by, target, clearance=options["clearance"], compartments=options["compartments"]
                )
            else:
                p = services.grant_roles(by, target, options["roles"])
        data = p.summary()
        self.emit(data, f"{p.username}: {data['clearance']}, roles {','.join(data['roles']) or '-'}")
