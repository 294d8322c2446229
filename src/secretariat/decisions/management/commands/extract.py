from secretariat.decisions import presenters, services
from secretariat.decisions.selectors import body_by_name
from secretariat.kernel.cli import SecretariatCommand, add_actor, classification, count
from secretariat.kernel.principals import principal_by_username


class Command(SecretariatCommand):
    help = "Make the extract of one point of a signed protocol (the body's secretary); prints its number, e.g. P46/X."

    def add_arguments(self, parser):
        add_actor(parser)
        parser.add_argument("body", help="name or prefix")
        parser.add_argument("meeting", type=count, help="the meeting's (protocol's) number")
        parser.add_argument("point", help="the point as the body writes it, e.g. X")
        parser.add_argument(
            "--classification",
            type=classification,
            default=None,
            help="default: the point's, joined with its attachments'",
        )
        parser.add_argument("--signatory", default="", help="default: SECRETARY OF THE <BODY>")
        parser.add_argument("--pages", type=count, default=1)

    def handle(self, *args, actor, body, meeting, point, **o):
        document = services.make_extract(
            principal_by_username(actor),
            body_by_name(body),
            meeting,
            point,
            classification=o["classification"],
            signatory=o["signatory"],
            page_count=o["pages"],
        )
        self.emit(presenters.extract_json(document), presenters.extract_text(document))
