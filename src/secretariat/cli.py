"""The `secretariat` command: the project's commands, grouped by desk, over Django's manage command.

`secretariat` or `secretariat --help` lists the project's own commands by desk, one line each;
`secretariat help --django` lists everything Django's manage command has (migrate, shell, …);
`secretariat --version` prints the project's version; `secretariat COMMAND --help` a command's own.
"""

import os
import sys
from importlib.metadata import PackageNotFoundError, version

# The desks in the order of a paper's life, and the apps whose commands each holds.
DESKS = (
    ("Accounts and access", "accounts"),
    ("Registry: documents and copies", "registry"),
    ("Scans and OCR", "scans"),
    ("Bodies, meetings and decisions", "decisions"),
    ("Cables and controls", "cables"),
    ("Announcements", "releases"),
    ("Case files", "cases"),
    ("Archive", "archive"),
    ("Papers as PDF", "render"),
    ("Audit log", "audit"),
    ("Operating the registry", "web backup search demo"),
)
# Django's own commands an installation runs, in the project's words.
OPERATOR_DJANGO_COMMANDS = {
    "migrate": "Create or bring up to date the database's tables (after installing or upgrading)"
}


def project_version() -> str:
    try:
        return version("secretariat")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _summary(app_module: str, name: str) -> str:
    from django.core.management import load_command_class

    text = " ".join(str(load_command_class(app_module, name).help).split())
    first = text.split(". ")[0].rstrip(".")
    return first if len(first) <= 100 else first[:99] + "…"


def front_door(prog: str) -> str:
    """The project's commands by desk, with one line each, and how to reach the rest."""
    from django.core.management import get_commands

    commands = get_commands()
    lines = [
        f"usage: {prog} COMMAND [ARGS]   ({prog} COMMAND --help for a command's arguments)",
        "",
        "Secretariat: the registry of an office that handles classified papers.",
    ]
    for desk, apps in DESKS:
        names = sorted(n for n, app in commands.items() if app.rsplit(".", 1)[-1] in apps.split())
        summaries = [(name, _summary(commands[name], name)) for name in names]
        if desk.startswith("Operating"):
            summaries += list(OPERATOR_DJANGO_COMMANDS.items())
        if not summaries:
            continue
        lines += ["", f"{desk}:"]
        lines += [f"  {name:<22}{summary}" for name, summary in summaries]
    lines += [
        "",
        "Every command that acts takes --as USER (who acts) and --json (the result as JSON).",
        f"{prog} help --django lists Django's own commands too; {prog} --version prints the version.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretariat.settings")
    prog = os.path.basename(sys.argv[0]) or "secretariat"
    args = sys.argv[1:]
    if args[:1] in (["--version"], ["version"]):
        sys.stdout.write(f"secretariat {project_version()}\n")
        return
    if args[:1] == ["demo"]:
        os.environ.setdefault("SECRETARIAT_DEVELOPMENT", "1")  # served on plain http://127.0.0.1
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        if args in ([], ["--help"], ["-h"], ["help"]):
            import django

            django.setup()
            sys.stdout.write(front_door(prog))
            return
        if args == ["help", "--django"]:
            args = ["help"]
        execute_from_command_line([prog, *args])
    except ImproperlyConfigured as exc:
        # A setting that cannot work (a witness inside the data dir, say): one line, not a traceback.
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(2)
    except Exception as exc:
        # Django's own commands (migrate, …) meeting a fault of the machine: one line too.
        from secretariat.kernel import faults

        cause = faults.describe(exc)
        if cause is None:
            raise
        sys.stderr.write(f"error: {cause}\n")
        sys.exit(faults.EXIT_CODE)


if __name__ == "__main__":
    main()
