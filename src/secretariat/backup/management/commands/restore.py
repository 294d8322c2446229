from pathlib import Path

from django.conf import settings

from secretariat.audit.presenters import verification_text
from secretariat.backup import presenters, services
from secretariat.backup.management.commands.backup import read_passphrase
from secretariat.kernel.cli import SecretariatCommand


class Command(SecretariatCommand):
    help = (
        "Restore a backup made by `secretariat backup` into an empty data dir and database: every SHA-256 is "
        "checked first, then everything is put in place and the audit log verified (exit 1 if it does not "
        "verify: a backup older than the heads the witnesses hold is a rollback, see `audit accept-rollback`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, metavar="FILE", help="the backup file")
        parser.add_argument(
            "--passphrase-stdin",
            action="store_true",
            help="read the passphrase of the audit key in the backup from standard input",
        )

    def handle(self, *args, file, passphrase_stdin, **o):
        passphrase = read_passphrase() if passphrase_stdin else None
        restored = services.restore(file, passphrase=passphrase)
        text = presenters.restored_text(restored, str(services.key_path()), str(settings.DATA_DIR))
        report = restored.report
        if report is None or report.ok:
            verified = f"\naudit verify: {verification_text(report)}" if report is not None else ""
            return self.emit(presenters.restored_json(restored), text + verified)
        # Restored, but the log does not verify (a rollback, until it is accepted): exit 1, as `audit verify` does.
        self.emit(presenters.restored_json(restored), text)
        self.stderr.write(f"audit verify: {verification_text(report)}")
        raise SystemExit(1)
