"""The `secretariat` command: Django's manage command with the project's own commands."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secretariat.settings")
    if sys.argv[1:2] == ["demo"]:
        os.environ.setdefault("SECRETARIAT_DEVELOPMENT", "1")  # served on plain http://127.0.0.1
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line([os.path.basename(sys.argv[0]) or "secretariat", *sys.argv[1:]])
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
