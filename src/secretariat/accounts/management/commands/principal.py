import sys

from django.utils.translation import gettext as _

from secretariat.accounts import presenters, selectors, services
from secretariat.accounts.models import AccessRequest
from secretariat.kernel.cli import SecretariatCommand, add_actor, count, listed, subcommand, subcommands
from secretariat.kernel.errors import InvalidInput


def _stdin_line(what: str) -> str:
    line = sys.stdin.readline().rstrip("\n")
    if not line:
        raise InvalidInput(_("give %(what)s on standard input, one line") % {"what": what})
    return line


class Command(SecretariatCommand):
    help = (
        "Principals: install the first two officers, ask for and approve grants of access (two people), "
        "activate an account with its code, list, lower a clearance, deactivate."
    )

    def add_arguments(self, parser):
        sub = subcommands(parser)

        boot = subcommand(
            sub,
            "bootstrap",
            help="installation: the first administrator and the first security officer, each with an activation code",
        )
        boot.add_argument("admin", help="username of the first administrator")
        boot.add_argument("security_officer", help="username of the first security officer (another person)")
        boot.add_argument("--clearance", default="TOP SECRET", help="both officers' clearance (TOP SECRET)")

        add = subcommand(sub, "add", help="ask for a new principal (a second officer approves it)")
        add_actor(add)
        add.add_argument("username")
        add.add_argument("--first-name", default="", help="given name, as papers name the person")
        add.add_argument("--last-name", default="", help="surname")
        add.add_argument("--email", default="", help="e-mail address (optional)")
        add.add_argument("--clearance", default="UNCLASSIFIED", help="UNCLASSIFIED, CONFIDENTIAL, SECRET or TOP SECRET")
        add.add_argument("--compartments", type=listed, default=[], help="comma-separated, e.g. 'SPECIAL FILE'")
        add.add_argument("--roles", type=listed, default=[], help="comma-separated, e.g. member,registrar")
        add.add_argument("--unit", default=None, help="code of the unit or post")

        clear = subcommand(
            sub, "clearance", help="lower a clearance now, or ask to raise one or add a compartment (two people)"
        )
        add_actor(clear)
        clear.add_argument("username")
        clear.add_argument(
            "--clearance", default=None, help="the new level: UNCLASSIFIED, CONFIDENTIAL, SECRET or TOP SECRET"
        )
        clear.add_argument(
            "--compartments", type=listed, default=None, help="the compartments held, comma-separated (replaces them)"
        )

        roles = subcommand(sub, "roles", help="ask for roles to be granted (a second officer approves)")
        add_actor(roles)
        roles.add_argument("username")
        roles.add_argument("roles", type=listed, help="comma-separated, e.g. registrar,member")

        reset = subcommand(
            sub, "reset", help="ask for a new activation code (lost authenticator or password; two people)"
        )
        add_actor(reset)
        reset.add_argument("username")

        requests = subcommand(sub, "requests", help="requests for access awaiting a second officer (officers)")
        add_actor(requests)
        requests.add_argument("--all", action="store_true", help="decided ones too")

        approve = subcommand(
            sub,
            "approve",
            help="approve a request as a second officer; your password or API token on standard input proves it is you",
        )
        add_actor(approve)
        approve.add_argument("request", type=count, help="the request's number")
        approve.add_argument(
            "--secret-stdin", action="store_true", required=True, help="read your password or API token from stdin"
        )

        reject = subcommand(sub, "reject", help="turn a request down (or withdraw your own)")
        add_actor(reject)
        reject.add_argument("request", type=count, help="the request's number")
        reject.add_argument("--reason", required=True)

        activate = subcommand(
            sub,
            "activate",
            help="set your own password with your activation code: the code, then the password, on standard input",
        )
        activate.add_argument("username")

        off = subcommand(sub, "deactivate", help="stop a principal acting or reading (the account stays)")
        add_actor(off)
        off.add_argument("username")
        off.add_argument("--reason", required=True)

        subcommand(sub, "list", help="list principals")

    def handle(self, *args, action, **options):
        if action == "list":
            rows = [p.summary() for p in selectors.principals()]
            text = "\n".join(
                f"{r['username']:<16} {r['clearance']:<28} {','.join(r['roles']) or '-':<24} {r['name']}" for r in rows
            )
            return self.emit(rows, text or "no principals")
        if action == "bootstrap":
            ceremony = services.bootstrap(options["admin"], options["security_officer"], clearance=options["clearance"])
            made = [presenters.activation_json(a) for a in (ceremony.admin, ceremony.security_officer)]
            return self.emit(made, "\n".join(presenters.activation_text(a) for a in made))
        if action == "activate":
            code = _stdin_line(_("the activation code"))
            principal = services.activate(options["username"], code, _stdin_line(_("your new password")))
            return self.emit(principal.summary(), presenters.activated_text(principal))
        by = selectors.principal_by_username(options["actor"])
        if action == "add":
            request = services.request_principal(
                by,
                options["username"],
                clearance=options["clearance"],
                compartments=options["compartments"],
                roles=options["roles"],
                unit=options["unit"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                email=options["email"],
            )
            return self.emit(presenters.request_json(request), presenters.request_text(request))
        if action == "requests":
            rows = [presenters.request_json(r) for r in selectors.access_requests(by, pending_only=not options["all"])]
            return self.emit(
                rows, "\n".join(presenters.request_line(r) for r in rows) or "no request awaits a decision"
            )
        if action == "approve":
            services.prove_identity(by, _stdin_line(_("your password or API token")))
            approved = services.approve(by, options["request"])
            data = presenters.approved_json(approved)
            return self.emit(data, presenters.approved_text(data))
        if action == "reject":
            request = services.reject(by, options["request"], options["reason"])
            return self.emit(presenters.request_json(request), presenters.request_text(request))
        target = selectors.principal_by_username(options["username"])
        if action == "reset":
            request = services.request_reset(by, target)
            return self.emit(presenters.request_json(request), presenters.request_text(request))
        if action == "deactivate":
            p = services.deactivate(by, target, options["reason"])
        elif action == "clearance":
            p = services.change_clearance(
                by, target, clearance=options["clearance"], compartments=options["compartments"]
            )
        else:
            p = services.grant_roles(by, target, options["roles"])
        if isinstance(p, AccessRequest):
            return self.emit(presenters.request_json(p), presenters.request_text(p))
        data = p.summary()
        self.emit(data, f"{p.username}: {data['clearance']}, roles {','.join(data['roles']) or '-'}")
