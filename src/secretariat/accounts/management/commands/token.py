import sys

from django.utils.translation import gettext as _

from secretariat.accounts import presenters, selectors, services
from secretariat.kernel.cli import SecretariatCommand, add_actor, count, subcommand, subcommands
from secretariat.kernel.errors import InvalidInput
from secretariat.kernel.principals import principal_by_username


class Command(SecretariatCommand):
    help = "API tokens: issue one for yourself (shown once), list yours, revoke one."

    def add_arguments(self, parser):
        sub = subcommands(parser)
        create = subcommand(
            sub,
            "create",
            help="issue yourself a token for the REST API (printed once); your password on stdin proves it is you",
        )
        add_actor(create)
        create.add_argument("--name", required=True, help="what the token is for, e.g. 'reporting script'")
        create.add_argument(
            "--secret-stdin",
            action="store_true",
            required=True,
            help="read your password (or a token of yours) from standard input: `--as` alone proves nothing, "
            "and a token approves grants of access over the API",
        )
        add_actor(subcommand(sub, "list", help="your tokens (an admin: everyone's), without their secrets"))
        revoke = subcommand(sub, "revoke", help="revoke a token (yours; an admin: anyone's)")
        add_actor(revoke)
        revoke.add_argument("id", type=count)

    def handle(self, *args, action, actor, **o):
        by = principal_by_username(actor)
        if action == "create":
            secret = sys.stdin.readline().rstrip("\n")
            if not secret:
                raise InvalidInput(_("give your password or API token on standard input, one line"))
            services.prove_identity(by, secret)
            issued = services.issue_token(by, o["name"])
            data = {**presenters.token_json(issued.token), "token": issued.secret}
            return self.emit(
                data,
                f"{presenters.token_line(issued.token)}\n\n{issued.secret}\n\n"
                "This is the only time the token is shown: keep it now. Send it as 'Authorization: Bearer <token>'.",
            )
        if action == "revoke":
            token = services.revoke_token(by, o["id"])
            return self.emit(presenters.token_json(token), presenters.token_line(token))
        rows = list(selectors.tokens(by))
        self.emit([presenters.token_json(t) for t in rows], "\n".join(map(presenters.token_line, rows)) or "no tokens")
