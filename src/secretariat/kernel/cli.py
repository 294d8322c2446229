"""What every `secretariat` command shares: `--as USER`, `--json`, and clear refusals.

A command parses its arguments, calls one service or selector, and prints the result as text
or as JSON. A ServiceError becomes a one-line message (or a JSON error object) and exit code 2;
a fault of the machine (kernel.faults: a damaged database, a missing key, a full disk) one line and 3.
"""

import argparse
import json
import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from secretariat.kernel import clock, faults
from secretariat.kernel.classification import Classification
from secretariat.kernel.errors import InvalidInput, ServiceError

# What an argument of these names means wherever a command takes it, unless the command says more.
COMMON_HELP = {
    "number": "the paper's registration number, e.g. P46/X or TEL-1",
    "title": "its title, one line",
    "username": "the principal's username, e.g. gromyko",
    "item": "the archive item: repository/fond/opis[/delo]/item, e.g. TsKhSD/89/25/44",
    "reason": "why, in one line (kept in the audit log)",
    "pages": "how many pages (sheets) it has (default 1)",
    "classification": "its marking: a level and any compartments, e.g. SECRET or TOP SECRET//SPECIAL FILE",
    "text_file": "a UTF-8 text file holding its text ('-' reads standard input)",
    "note": "a note, one line",
    "kind": "what kind of paper it is",
    "code": "its short code, e.g. gd-1",
    "name": "its name in full",
    "id": "its number, as the list shows it",
}


def explain(parser: argparse.ArgumentParser) -> None:
    """Give every argument without a help of its own the common one for its name (and its subcommands')."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                explain(child)
        elif action.help is None and action.dest in COMMON_HELP:
            action.help = COMMON_HELP[action.dest]


class SecretariatCommand(BaseCommand):
    requires_system_checks: list = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        explain(parser)
        return parser

    def execute(self, *args, **options):
        self.as_json = options.get("json", False)
        translation.activate(language_of_environment())
        try:
            return super().execute(*args, **options)
        except ServiceError as exc:
            if self.as_json:
                self.stdout.write(json.dumps({"error": {"code": exc.code, "message": exc.message}}))
            else:
                self.stderr.write(f"{exc.code.replace('_', ' ')}: {exc.message}")
            sys.exit(2)
        except Exception as exc:
            cause = faults.describe(exc)
            if cause is None:
                raise
            self.stderr.write(f"error: {cause}")
            sys.exit(faults.EXIT_CODE)

    def emit(self, data, text: str) -> None:
        """Print `data` as JSON with --json, else the human text."""
        if self.as_json:
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str))
        else:
            self.stdout.write(text)


def language_of_environment() -> str:
    """The language the shell asks for, as gettext reads it (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), if we speak it.

    'ru_RU.UTF-8' gives Russian; 'C', 'POSIX', unset or a language we lack gives the office's default.
    """
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        wanted = os.environ.get(name, "")
        for locale in wanted.split(":"):
            code = translation.to_language(locale.split(".")[0].split("@")[0])
            if code and code not in ("c", "posix"):
                try:
                    return translation.get_supported_language_variant(code)
                except LookupError:
                    continue
        if wanted:
            break
    return settings.LANGUAGE_CODE


def subcommands(parser):
    return parser.add_subparsers(dest="action", required=True)


def subcommand(sub, name: str, **kwargs):
    """A subcommand that also takes --json after its name (`audit verify --json`)."""
    child = sub.add_parser(name, **kwargs)
    child.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print the result as JSON")
    return child


def add_actor(parser, required: bool = True) -> None:
    parser.add_argument("--as", dest="actor", required=required, metavar="USER", help="the principal who acts")


def add_as_of(parser) -> None:
    parser.add_argument(
        "--as-of", type=clock.parse_instant, default=None, metavar="WHEN", help="ISO date or date-time (default: now)"
    )


def count(value: str) -> int:
    """A whole number from 0 to a million, for limits, pages and copy numbers."""
    number = int(value)
    if not 0 <= number <= 1_000_000:
        raise argparse.ArgumentTypeError(_("%(value)s is out of range (0 to 1000000)") % {"value": value})
    return number


def classification(value: str) -> Classification:
    try:
        return Classification.parse(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def read_text(path: Path | None) -> str:
    """The text of a file named on the command line ('-' for standard input); InvalidInput if unreadable."""
    if path is None:
        return ""
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            _("cannot read %(path)s as UTF-8 text: %(reason)s")
            % {"path": path, "reason": exc.strerror if isinstance(exc, OSError) else exc.reason}
        ) from None


def listed(value: str) -> list[str]:
    """A comma-separated command-line list: 'a, b,c' -> ['a', 'b', 'c']."""
    return [item.strip() for item in value.split(",") if item.strip()]
