"""The transcription test set, shared by tests/archive/test_transcription.py and
bench/transcription_accuracy.py: each NAME.txt beside NAME.expected.json, the fields an archivist
read off the document (not the parser's output), compared field by field."""

import json
from collections import Counter
from pathlib import Path

CORPUS = Path(__file__).parent / "transcriptions"
FILES = sorted(CORPUS.glob("*.txt"))
KINDS = ("margin", "stamp", "editorial", "typist", "page")
REFERENCE_PARTS = ("repository", "fond", "opis", "delo", "document", "sheets")


def comparable(found: dict) -> dict:
    """The importer's JSON in the shape of an expected file: one value per field compared."""
    counts = Counter(a["kind"] for a in found["annotations"])
    reference = found["archival_reference"]
    return {
        "number": found["number"],
        "protocol_number": found["protocol_number"],
        "point": found["point"],
        "date": found["date"],
        "level": found["classification"]["level"],
        "caveats": sorted(found["classification"]["caveats"]),
        "distribution": found["distribution"],
        "return_days": found["return_instruction"]["days"],
        "archival_reference": None if reference["fond"] is None else {p: reference[p] for p in REFERENCE_PARTS},
        "document_type": found["document_type"],
        "annotations": {kind: counts.get(kind, 0) for kind in KINDS},
    }


def expected(path: Path) -> dict:
    """What the archivist read off NAME.txt, from NAME.expected.json."""
    data = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    return {
        "number": data["number"],
        "protocol_number": data["protocol_number"],
        "point": data["point"],
        "date": data["date"],
        "level": data["classification"]["level"],
        "caveats": sorted(data["classification"]["caveats"]),
        "distribution": data["distribution"],
        "return_days": data["return_instruction"]["days"],
        "archival_reference": data["archival_reference"],
        "document_type": data["document_type"],
        "annotations": {kind: data["annotations"].get(kind, 0) for kind in KINDS},
    }


def held_out(path: Path) -> bool:
    """Written before the parser first ran on it (the honest half of the accuracy figure)."""
    return bool(json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8")).get("held_out"))


FIELDS = tuple(expected(FILES[0]))
