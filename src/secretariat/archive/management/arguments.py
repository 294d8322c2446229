"""Arguments the archive's commands share."""

import argparse

from secretariat.archive import selectors
from secretariat.kernel.errors import InvalidInput


def unit_named(value: str) -> dict[str, str]:
    """TsKhSD/89/25 → {'repository': 'TsKhSD', 'fond': '89', 'opis': '25', 'delo': ''}: where to import into."""
    try:
        return selectors.unit_named(value)
    except InvalidInput as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def unit_path(value: str) -> list[str]:
    """TsKhSD/89/25[/delo] → ['TsKhSD', '89', '25', '']."""
    return list(unit_named(value).values())
