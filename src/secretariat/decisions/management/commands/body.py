from secretariat.accounts.selectors import unit_by_code
from secretariat.decisions import presenters, services
from secretariat.decisions.selectors import body_by_name
from secretariat.kernel.cli import SecretariatCommand, add_actor, count, listed, subcommand, subcommands
from secretariat.kernel.principals import principal_by_username
from secretariat.registry import presenters as registry_presenters
from secretariat.registry.management.commands.document import add_registration_arguments, registration_fields


class Command(SecretariatCommand):
    help = "Set up the bodies that meet and decide: their members, secretary and return period."

    def add_arguments(self, parser):
        sub = subcommands(parser)

        add = subcommand(sub, "add", help="add a body (admin)")
        add_actor(add)
        add.add_argument("name")
        add.add_argument("--prefix", required=True, help="registration prefix of its extracts, e.g. P (No P46/X)")
        add.add_argument("--return-days", type=count, default=7, help="days its papers may be out (default 7)")
        add.add_argument("--registry-unit", default=None, help="code of the unit its papers go back to")
        add.add_argument("--motto", default="", help="the line above the letterhead")
        add.add_argument("--letterhead", default="", help="the heading its papers carry")
        add.add_argument("--salutation", default="", help="how its papers address people, e.g. comrades")

        members = subcommand(sub, "members", help="add members (admin)")
        add_actor(members)
        members.add_argument("body", help="name or prefix")
        members.add_argument("members", type=listed, help="comma-separated usernames")

        secretary = subcommand(sub, "secretary", help="appoint the secretary (admin)")
        add_actor(secretary)
        secretary.add_argument("body", help="name or prefix")
        secretary.add_argument("secretary", help="username")

        register = subcommand(
            sub,
            "register",
            help="register a paper of the body: its return period, its secretary to know it (registrar)",
        )
        add_actor(register)
        register.add_argument("body", help="name or prefix")
        add_registration_arguments(register)

        show = subcommand(sub, "show", help="a body, its secretary and members")
        show.add_argument("body", help="name or prefix")

    def handle(self, *args, action, **o):
        if action == "register":
            document = services.register_body_paper(
                principal_by_username(o["actor"]), body_by_name(o["body"]), **registration_fields(o)
            )
            data = registry_presenters.document_json(document)
            return self.emit(data, "\n".join(f"{k:>22}: {v}" for k, v in data.items()))
        if action == "show":
            body = body_by_name(o["body"])
        elif action == "add":
            body = services.add_body(
                principal_by_username(o["actor"]),
                o["name"],
                o["prefix"],
                return_days=o["return_days"],
                registry_unit=unit_by_code(o["registry_unit"]) if o["registry_unit"] else None,
                motto=o["motto"],
                letterhead=o["letterhead"],
                salutation=o["salutation"],
            )
        elif action == "members":
            body = services.add_members(
                principal_by_username(o["actor"]),
                body_by_name(o["body"]),
                [principal_by_username(u) for u in o["members"]],
            )
        else:
            body = services.appoint_secretary(
                principal_by_username(o["actor"]), body_by_name(o["body"]), principal_by_username(o["secretary"])
            )
        self.emit(presenters.body_json(body), presenters.body_text(body))
