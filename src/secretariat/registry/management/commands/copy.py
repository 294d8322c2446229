from secretariat.kernel import clock
from secretariat.kernel.cli import SecretariatCommand, add_actor, count, subcommand, subcommands
from secretariat.kernel.principals import principal_by_username
from secretariat.registry import presenters, services


class Command(SecretariatCommand):
    help = "Act on one copy: confirm receipt, return, destroy (two people), report a loss."

    def add_arguments(self, parser):
        sub = subcommands(parser)
        for name, text in [
            ("receipt", "the holder confirms receipt"),
            ("return", "the registry takes the copy back"),
            ("destroy", "record a destruction (first person)"),
            ("witness", "witness a recorded destruction (second person)"),
            ("lost", "report the copy lost"),
        ]:
            p = subcommand(sub, name, help=text)
            add_actor(p)
            p.add_argument("number", help="registration number, e.g. P46/X")
            p.add_argument("copy", type=count, help="copy number")
            if name == "destroy":
                p.add_argument("--certificate", required=True, help="destruction certificate or record number")
            if name == "lost":
                p.add_argument("--circumstances", required=True, help="how it was lost, as far as known")

    def handle(self, *args, action, actor, number, copy, **o):
        by = principal_by_username(actor)
        if action == "receipt":
            result = services.confirm_receipt(by, number, copy)
        elif action == "return":
            result = services.return_copy(by, number, copy)
        elif action == "destroy":
            result = services.record_destruction(by, number, copy, o["certificate"])
        elif action == "witness":
            result = services.witness_destruction(by, number, copy)
        else:
            result = services.report_loss(by, number, copy, o["circumstances"]).copy
        now = clock.now()
        self.emit(presenters.copy_json(result, now), presenters.copy_line(result, now))
