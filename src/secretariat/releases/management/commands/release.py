import argparse
from pathlib import Path

from secretariat.kernel.cli import SecretariatCommand, add_actor, count, read_text, subcommand, subcommands
from secretariat.kernel.errors import InvalidInput
from secretariat.kernel.principals import principal_by_username
from secretariat.releases import presenters, selectors, services


def blank(value: str) -> tuple[str, str]:
    """'day=21' -> ('day', '21')."""
    name, sep, text = value.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"{value!r} is not NAME=VALUE, e.g. day=21")
    return name.strip(), text


class Command(SecretariatCommand):
    help = "Prepare announcements inside cables and release them through public channels."

    def add_arguments(self, parser):
        sub = subcommands(parser)

        prepare = subcommand(sub, "prepare", help="prepare the announcement a cable carries (its drafter)")
        add_actor(prepare)
        prepare.add_argument("cable", help="the cable's number")
        prepare.add_argument("--channel", required=True, help="channel code, e.g. tass")
        prepare.add_argument("--title", required=True)
        prepare.add_argument(
            "--text-file", type=Path, required=True, help="the text, blanks written {{name}} ('-' for standard input)"
        )

        publish = subcommand(sub, "publish", help="release a prepared announcement, blanks filled (an editor)")
        add_actor(publish)
        publish.add_argument("template", type=count, help="the prepared announcement's id (see `release pending`)")
        publish.add_argument(
            "--set", dest="values", type=blank, action="append", default=[], metavar="NAME=VALUE", help="fill a blank"
        )

        lst = subcommand(sub, "list", help="what went out (public)")
        lst.add_argument("--channel", default=None, help="one channel's releases")

        pending = subcommand(sub, "pending", help="prepared announcements not yet released that you may read")
        add_actor(pending)

    def handle(self, *args, action, **o):
        if action == "list":
            rows = selectors.releases(selectors.channel(o["channel"]) if o["channel"] else None)
            return self.emit(
                [presenters.release_json(r) for r in rows],
                "\n".join(presenters.release_line(r) for r in rows) or "nothing released",
            )
        by = principal_by_username(o["actor"])
        if action == "prepare":
            template = services.prepare_release(
                by,
                o["cable"],
                channel=selectors.channel(o["channel"]),
                title=o["title"],
                text=read_text(o["text_file"]),
            )
            return self.emit(presenters.template_json(template), presenters.template_line(template))
        if action == "pending":
            rows = selectors.read_templates(by, pending=True)
            return self.emit(
                [presenters.template_json(t) for t in rows],
                "\n".join(presenters.template_line(t) for t in rows) or "no announcement is waiting",
            )
        values = dict(o["values"])
        if len(values) != len(o["values"]):
            raise InvalidInput("a blank is set twice")
        released = services.release(by, o["template"], values)
        data = presenters.release_json(released, internal=True)
        self.emit(data, f"{presenters.release_line(released)}\n\n{data['text']}")
