"""Recompute the audit log's Merkle tree and check it against every signed checkpoint.

The checks and what each catches, in the order of the log:
- seq must run 1, 2, 3 … with no gap            (a deleted event)
- each event's recomputed leaf = its stored hash (an edited event)
- each event's signature verifies               (an inserted, swapped or re-hashed event)
- each signed checkpoint, from the database and from the file outside it, matches the
  recomputed root at its size                   (any change under a signed head)
- no checkpoint and no head counter exceeds the log (truncation, a rolled-back database)
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from secretariat.audit import merkle, signing
from secretariat.audit.models import AuditCheckpoint, AuditEvent, AuditHead


@dataclass(frozen=True)
class Problem:
    seq: int | None  # None: not attributable to one event (a bad checkpoint note, a missing head row)
    message: str


@dataclass
class Report:
    size: int = 0
    root: bytes = merkle.EMPTY_ROOT
    checkpoints_checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad(self) -> Problem | None:
        """The problem at the lowest event number; else the first one no event is to blame for."""
        events = [p for p in self.problems if p.seq is not None]
        return min(events, key=lambda p: p.seq, default=None) or next(iter(self.problems), None)

    def as_json(self) -> dict:
        first = self.first_bad
        return {
            "ok": self.ok,
            "size": self.size,
            "root": self.root.hex(),
            "checkpoints_checked": self.checkpoints_checked,
            "first_bad_event": first.seq if first else None,
            "problems": [
                {"seq": p.seq, "message": p.message}
                for p in sorted(self.problems, key=lambda p: (p.seq is None, p.seq or 0))
            ],
        }


def _file_notes(path: Path) -> list[str | None]:
    """The signed notes in the checkpoint file, one per line; None for a line that holds none."""
    if not path.exists():
        return []
    notes: list[str | None] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            note = json.loads(line)["note"]
        except (ValueError, KeyError, TypeError):
            note = None
        notes.append(note if isinstance(note, str) else None)
    return notes


def verify_log() -> Report:
    key = signing.public_key()
    report = Report()
    checkpoints: list[tuple[str, str]] = [
        (f"checkpoint #{c.pk} in the database", c.note) for c in AuditCheckpoint.objects.all()
    ]
    checkpoints += [
        (f"checkpoint {i} in {settings.SECRETARIAT_AUDIT_CHECKPOINTS}", note)
        for i, note in enumerate(_file_notes(Path(settings.SECRETARIAT_AUDIT_CHECKPOINTS)), start=1)
    ]
    heads: list[tuple[str, int, bytes]] = []
    seen: set[str] = set()
    for where, note in checkpoints:
        if note is None:
            report.problems.append(Problem(None, f"{where}: not a JSON line holding a signed note"))
            continue
        if note in seen:
            continue  # the same signed head, kept both in the database and in the file
        seen.add(note)
        try:
            origin, size, root = signing.open_note(note, key)
        except ValueError as exc:
            report.problems.append(Problem(None, f"{where}: {exc}"))
            continue
        if origin != settings.SECRETARIAT_AUDIT_ORIGIN:
            report.problems.append(Problem(None, f"{where}: signed for another log ({origin})"))
            continue
        heads.append((where, size, root))
    roots_wanted = {size for _, size, _ in heads}
    roots_at: dict[int, bytes] = {0: merkle.EMPTY_ROOT}

    tree = merkle.CompactRange()
    expected = 1
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected:
            report.problems.append(Problem(expected, f"event #{expected} is missing: the log jumps to #{event.seq}"))
            break
        leaf = merkle.leaf_hash(event.canonical())
        if leaf.hex() != event.leaf_hash:
            report.problems.append(
                Problem(event.seq, f"event #{event.seq} ({event.action}) differs from its recorded hash: edited")
            )
        elif not signing.leaf_signature_ok(leaf, _bytes(event.signature), key):
            report.problems.append(
                Problem(
                    event.seq,
                    f"event #{event.seq} ({event.action}) is not signed by the audit key: inserted, moved or re-hashed",
                )
            )
        tree.append(leaf)
        if event.seq in roots_wanted:
            roots_at[event.seq] = tree.root()
        expected += 1
    report.size = expected - 1
    report.root = tree.root()
    event_problems = [p.seq for p in report.problems if p.seq is not None]

    head = AuditHead.objects.filter(pk=1).first()
    recorded_size = head.size if head is not None else 0
    if head is None:
        report.problems.append(Problem(None, "the log's head row is missing"))
    elif recorded_size > report.size:
        report.problems.append(
            Problem(
                report.size + 1, f"the log holds {report.size} events but its head counts {recorded_size}: truncated"
            )
        )
    elif recorded_size < report.size:
        report.problems.append(
            Problem(
                recorded_size + 1,
                f"the head counts {recorded_size} events but the log holds {report.size}: added behind the log's back",
            )
        )
    for where, size, root in heads:
        report.checkpoints_checked += 1
        if size > report.size:
            report.problems.append(
                Problem(
                    report.size + 1,
                    f"{where} signed a tree of {size} events; the log holds {report.size}: truncated or rolled back",
                )
            )
        elif roots_at[size] != root:
            explained = [seq for seq in event_problems if seq <= size]
            report.problems.append(
                Problem(
                    min(explained) if explained else _first_after_good(heads, roots_at, size),
                    f"{where} does not match the log at size {size}: an event under it changed",
                )
            )
    return report


def _bytes(hex_text: str) -> bytes:
    """A stored hex value; garbage becomes empty bytes, which no signature check accepts."""
    try:
        return bytes.fromhex(hex_text)
    except ValueError:
        return b""


def _first_after_good(heads, roots_at, size: int) -> int:
    """Where a divergence must start: just after the largest smaller checkpoint that still matches."""
    good = [s for _, s, r in heads if s < size and roots_at.get(s) == r]
    return max(good, default=0) + 1
