"""Arguments the archive's commands share."""

import argparse

UNIT_PARTS = ("repository", "fond", "opis", "delo")


def unit_path(value: str) -> list[str]:
    """TsKhSD/89/25[/delo] → ['TsKhSD', '89', '25', '']."""
    parts = [p.strip() for p in value.strip("/").split("/")]
    if not 2 <= len(parts) <= 4 or not all(parts):
        raise argparse.ArgumentTypeError(
            f"name a unit as repository/fond[/opis[/delo]], e.g. TsKhSD/89/25, not {value!r}"
        )
    return parts + [""] * (4 - len(parts))


def unit_named(value: str) -> dict[str, str]:
    """TsKhSD/89/25 → {'repository': 'TsKhSD', 'fond': '89', 'opis': '25', 'delo': ''}: where to import into."""
    return dict(zip(UNIT_PARTS, unit_path(value), strict=True))
