from secretariat.kernel.cli import SecretariatCommand, add_actor, listed, subcommand, subcommands
from secretariat.kernel.principals import principal_by_username
from secretariat.releases import presenters, selectors, services


class Command(SecretariatCommand):
    help = "Public channels (a news agency) and their editors."

    def add_arguments(self, parser):
        sub = subcommands(parser)
        add = subcommand(sub, "add", help="add a channel (admin)")
        add_actor(add)
        add.add_argument("code", help="lowercase, e.g. tass")
        add.add_argument("name")
        add.add_argument("--series", required=True, help="the series its releases are numbered in, e.g. TASS")
        add.add_argument("--editors", type=listed, default=[], help="usernames of press officers")
        editor = subcommand(sub, "editor", help="add an editor (admin)")
        add_actor(editor)
        editor.add_argument("code")
        editor.add_argument("editor", help="username of a press officer")
        subcommand(sub, "list", help="the channels and their editors")

    def handle(self, *args, action, **o):
        if action == "list":
            rows = list(selectors.channels())
            return self.emit(
                [presenters.channel_json(c) for c in rows],
                "\n".join(presenters.channel_line(c) for c in rows) or "no channels",
            )
        by = principal_by_username(o["actor"])
        if action == "add":
            channel = services.add_channel(
                by, o["code"], o["name"], series=o["series"], editors=[principal_by_username(u) for u in o["editors"]]
            )
        else:
            channel = services.add_editor(by, selectors.channel(o["code"]), principal_by_username(o["editor"]))
        self.emit(presenters.channel_json(channel), presenters.channel_line(channel))
