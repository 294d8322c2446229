import sys
from pathlib import Path

from django.utils.translation import gettext as _

from secretariat.backup import presenters, services
from secretariat.kernel.cli import SecretariatCommand
from secretariat.kernel.errors import InvalidInput


def read_passphrase() -> str:
    """The first line of standard input, never an argument (the process list shows arguments)."""
    passphrase = sys.stdin.readline().rstrip("\r\n")
    if not passphrase:
        raise InvalidInput(_("--passphrase-stdin: no passphrase on standard input"))
    return passphrase


class Command(SecretariatCommand):
    help = (
        "Back up the whole registry, online, to FILE (a new .tar.gz): the database (SQLite's backup API or "
        "pg_dump), attachments, archive bags and the checkpoint file, with a manifest of SHA-256 sums; the audit "
        "key only encrypted under a passphrase read from standard input, else left out to be backed up on its own."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, metavar="FILE", help="the backup to write; must not exist")
        parser.add_argument(
            "--passphrase-stdin",
            action="store_true",
            help=f"read a passphrase (at least {services.MIN_PASSPHRASE} characters) from standard input and put "
            "the audit key in the backup encrypted under it",
        )

    def handle(self, *args, file, passphrase_stdin, **o):
        passphrase = read_passphrase() if passphrase_stdin else None
        made = services.make_backup(file, passphrase=passphrase)
        self.emit(presenters.made_json(made), presenters.made_text(made))
