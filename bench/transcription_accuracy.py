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

from secretariat.archive.transcription import parse  # noqa: E402

CORPUS = ROOT / "tests" / "archive" / "transcriptions"
KINDS = ("margin", "stamp", "editorial", "typist", "page")


def measured(found: dict) -> dict:
    """The parser's output in the shape of an expected.json file."""
    counts = Counter(annotation["kind"] for annotation in found["annotations"])
    reference = found["archival_reference"]
    parts = ("repository", "fond", "opis", "delo", "document", "sheets")
    return {
        "number": found["number"],
        "protocol_number": found["protocol_number"],
        "point": found["point"],
        "date": found["date"],
        "classification.level": found["classification"]["level"],
        "classification.caveats": sorted(found["classification"]["caveats"]),
        "distribution": found["distribution"],
        "return_instruction.days": found["return_instruction"]["days"],
        "archival_reference": None if reference["fond"] is None else {part: reference[part] for part in parts},
        "document_type": found["document_type"],
        "annotations": {kind: counts.get(kind, 0) for kind in KINDS},
    }


def expected_of(path: Path) -> dict:
    expected = json.loads(path.read_text(encoding="utf-8"))
    return {
        "number": expected["number"],
        "protocol_number": expected["protocol_number"],
        "point": expected["point"],
        "date": expected["date"],
        "classification.level": expected["classification"]["level"],
        "classification.caveats": sorted(expected["classification"]["caveats"]),
        "distribution": expected["distribution"],
        "return_instruction.days": expected["return_instruction"]["days"],
        "archival_reference": expected["archival_reference"],
        "document_type": expected["document_type"],
        "annotations": {kind: expected["annotations"].get(kind, 0) for kind in KINDS},
    }


def report(title: str, files: list[Path], fields: list[str]) -> list[tuple]:
    """Print field by field how many of `files` the parser got right; return the misses."""
    right: Counter = Counter()
    misses = []
    lost = 0
    for path in files:
        transcription = parse(path.read_text(encoding="utf-8"))
        lost += len(transcription.lost_lines())
        found = measured(transcription.as_json())
        expected = expected_of(path.with_suffix(".expected.json"))
        for name in fields:
            if found[name] == expected[name]:
                right[name] += 1
            else:
                misses.append((name, path.name, expected[name], found[name]))
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
    args = parser.parse_args()
    files = sorted(CORPUS.glob("*.txt"))
    held_out = [
        p for p in files if json.loads(p.with_suffix(".expected.json").read_text(encoding="utf-8")).get("held_out")
    ]
    tuned = [p for p in files if p not in held_out]
    fields = list(expected_of(files[0].with_suffix(".expected.json")))
    misses = report("tuning set (the parser was written while reading these)", tuned, fields)
    misses += report("held-out set (expected fields written before the parser first ran on them)", held_out, fields)
    report("all", files, fields)
    if args.misses:
        for name, file, value, found in sorted(misses):
            expected, got = json.dumps(value, ensure_ascii=False), json.dumps(found, ensure_ascii=False)
            print(f"- {name} in {file}: expected {expected}, found {got}")


if __name__ == "__main__":
    main()
