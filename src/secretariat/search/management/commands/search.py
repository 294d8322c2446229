import sys

from django.utils.translation import gettext as _
from tqdm import tqdm

from secretariat.kernel.cli import SecretariatCommand, subcommand, subcommands
from secretariat.search import services
from secretariat.search.models import Entry


class Command(SecretariatCommand):
    help = "Full-text search: rebuild the reading room's or staff search's index (with a progress bar)."

    def add_arguments(self, parser):
        sub = subcommands(parser)
        reindex = subcommand(
            sub, "reindex", help="index every published item (room) and every paper (staff) afresh; safe to rerun"
        )
        reindex.add_argument(
            "--scope",
            choices=[*Entry.Scope.values, "all"],
            default="all",
            help="which index: room (the reading room), staff (papers), or all (the default)",
        )

    def handle(self, *args, action, scope, **options):
        scopes = Entry.Scope.values if scope == "all" else [scope]
        held = {}
        for each in scopes:
            with tqdm(
                total=services.to_index(each), desc=each, unit=_("things"), disable=self.as_json, file=sys.stderr
            ) as bar:
                held[each] = services.reindex(each, progress=bar.update)
        self.emit(
            {"indexed": held},
            "\n".join(_("%(scope)s: %(count)s indexed") % {"scope": each, "count": n} for each, n in held.items()),
        )
