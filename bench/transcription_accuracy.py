"""Transcription import accuracy: the parser against an archivist's reading of each test document.

Runs `secretariat.archive.transcription.parse` over every tests/archive/transcriptions/NAME.txt and
compares the fields with NAME.expected.json (written by reading the document, not by running the
parser). Prints, field by field, how many files the parser got right, and the overall figure.
Needs no Django settings and no database.
"""

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

sys.path.insert(0, str(ROOT))

from tests.archive.corpus import FIELDS, FILES, comparable, expected, held_out  # noqa: E402

from secretariat.archive.transcription import parse  # noqa: E402


def report(title: str, files: list[Path], fields: list[str]) -> list[tuple]:
    """Print field by field how many of `files` the parser got right; return the misses."""
    right: Counter = Counter()
    misses = []
    lost = 0
    for path in files:
        transcription = parse(path.read_text(encoding="utf-8"))
        lost += len(transcription.lost_lines())
        found, wanted = comparable(transcription.as_json()), expected(path)
        for name in fields:
            if found[name] == wanted[name]:
                right[name] += 1
            else:
                misses.append((name, path.name, wanted[name], found[name]))
    width = max(len(name) for name in fields)
    print(f"{title}: {len(files)} transcriptions, lines lost: {lost}")
    for name in fields:
        print(f"  {name:<{width}}  {right[name]:>3}/{len(files)}")
    total, possible = sum(right.values()), len(fields) * len(files)
    print(f"  {'overall':<{width}}  {total:>3}/{possible}  ({100 * total / possible if possible else 0:.1f}%)")
    return misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="print each wrong field: file, expected, found")
    parser.add_argument(
        "--part",
        choices=("all", "tuning", "held-out"),
        default="all",
        help="measure only the tuning (development) set or only the held-out set; the held-out set is meant "
        "to be measured only before and after a piece of parser work",
    )
    args = parser.parse_args()
    held = [p for p in FILES if held_out(p)]
    tuned = [p for p in FILES if p not in held]
    fields = list(FIELDS)
    misses = []
    if args.part in ("all", "tuning"):
        misses += report("tuning set (the parser was written while reading these)", tuned, fields)
    if args.part in ("all", "held-out"):
        misses += report("held-out set (expected fields written before the parser first ran on them)", held, fields)
    if args.part == "all":
        report("all", FILES, fields)
    if args.misses:
        for name, file, value, found in sorted(misses):
            expected, got = json.dumps(value, ensure_ascii=False), json.dumps(found, ensure_ascii=False)
            print(f"- {name} in {file}: expected {expected}, found {got}")


if __name__ == "__main__":
    main()
