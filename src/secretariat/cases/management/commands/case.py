from secretariat.cases import presenters, selectors, services
from secretariat.kernel.cli import SecretariatCommand, add_actor, listed, subcommand, subcommands
from secretariat.kernel.principals import principal_by_username


class Command(SecretariatCommand):
    help = "Case files: the papers of one matter; a case closes when its controls are done and its copies back."

    def add_arguments(self, parser):
        sub = subcommands(parser)

        open_ = subcommand(sub, "open", help="open a case file (registrar)")
        add_actor(open_)
        open_.add_argument("title")
        open_.add_argument("--documents", type=listed, default=[], help="registration numbers, comma-separated")
        open_.add_argument("--number", default=None, help="a number of your own; omitted: the next CASE-n")

        add = subcommand(sub, "add", help="add papers to an open case file")
        add_actor(add)
        add.add_argument("number")
        add.add_argument("--documents", type=listed, required=True, help="registration numbers, comma-separated")

        for name, text in [
            ("close", "close a case file; refused while a control is open or a copy is out"),
            ("show", "a case file's papers and what keeps it open"),
        ]:
            p = subcommand(sub, name, help=text)
            add_actor(p)
            p.add_argument("number")

        add_actor(subcommand(sub, "list", help="the case files you may see"))

    def handle(self, *args, action, actor, **o):
        by = principal_by_username(actor)
        if action == "list":
            rows = list(selectors.case_files(by))
            return self.emit(
                [presenters.case_json(c, []) for c in rows],
                "\n".join(presenters.case_line(c) for c in rows) or "no case files",
            )
        if action == "open":
            case = services.open_case(by, o["title"], o["documents"], number=o["number"])
        elif action == "add":
            case = services.add_to_case(by, o["number"], o["documents"])
        elif action == "close":
            case = services.close_case(by, o["number"])
        else:
            case = selectors.case_file(by, o["number"])
        missing = [] if case.is_closed else selectors.still_missing(case)
        self.emit(presenters.case_json(case, missing), presenters.case_text(case, missing))
