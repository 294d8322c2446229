"""Recompute the audit log's Merkle tree and check it against every signed checkpoint.

The checks and what each catches, in the order of the log:
- seq must run 1, 2, 3 … with no gap            (a deleted event)
- each event's recomputed leaf = its stored hash (an edited event)
- each event's signature verifies               (an inserted, swapped or re-hashed event)
- each signed checkpoint, from the database and from the file outside it, matches the
  recomputed root at its size                   (any change under a signed head)
- no checkpoint and no head counter exceeds the log (truncation, a rolled-back database)
- the checkpoint file holds every head the database holds, and every checkpoint event in the
  log has its head somewhere                      (heads deleted to hide a truncation)
- the heads the witnesses hold, outside the data dir, are no larger than the log
                                                  (a log cut after its last local head)
- the key is the pinned one, when one is pinned  (a swapped key that re-signed everything)
What no store outside the database holds yet (the unwitnessed tail) is reported, not hidden.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from secretariat.audit import merkle, signing, witnesses
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
    key_fingerprint: str = ""
    witnessed_size: int = 0  # the largest head held outside the database (by the witnesses, if any)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def unwitnessed(self) -> int:
        """Events after the last head held outside the database: a cut there would go unseen."""
        return max(self.size - self.witnessed_size, 0)

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
            "key_fingerprint": self.key_fingerprint,
            "witnessed_size": self.witnessed_size,
            "unwitnessed_events": self.unwitnessed,
            "warnings": self.warnings,
            "first_bad_event": first.seq if first else None,
            "problems": [
                {"seq": p.seq, "message": p.message}
                for p in sorted(self.problems, key=lambda p: (p.seq is None, p.seq or 0))
            ],
        }


def verify_log(pinned_fingerprint: str = "") -> Report:
    key = signing.public_key()
    report = Report(key_fingerprint=signing.fingerprint(key))
    pinned = pinned_fingerprint or settings.SECRETARIAT_AUDIT_KEY_FINGERPRINT
    if pinned and pinned != report.key_fingerprint:
        report.problems.append(
            Problem(
                None,
                f"the log is signed by the key {report.key_fingerprint}, not by the pinned {pinned}: "
                "a key swapped into the data dir can re-sign a rewritten log",
            )
        )
    rows = list(AuditCheckpoint.objects.order_by("tree_size", "id").values_list("pk", "note"))
    database = [note for _, note in rows]
    checkpoint_file = witnesses.read_file(Path(settings.SECRETARIAT_AUDIT_CHECKPOINTS))
    witnessed = [witnesses.read_witness(location) for location in witnesses.witness_locations()]

    checkpoints: list[tuple[str, str]] = [(f"checkpoint #{pk} in the database", note) for pk, note in rows]
    for held in [checkpoint_file, *witnessed]:
        checkpoints += [(f"checkpoint {i} in {held.where}", note) for i, note in enumerate(held.notes, start=1)]
    heads: list[tuple[str, int, bytes]] = []
    outside_sizes: list[int] = []  # sizes of the heads held outside the database
    held_outside = {
        note
        for held in (witnessed if settings.SECRETARIAT_AUDIT_WITNESSES else [checkpoint_file])
        for note in held.notes
    }
    seen: set[str] = set()
    valid: set[str] = set()
    for where, note in checkpoints:
        if note in seen:
            continue  # the same signed head, kept in more than one place
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
        valid.add(note)
        if note in held_outside:
            outside_sizes.append(size)
    # A forged head in the database is reported above; the file is not to blame for lacking it.
    _compare_stores(report, [note for note in database if note in valid], checkpoint_file, witnessed)
    roots_wanted = {size for _, size, _ in heads}
    roots_at: dict[int, bytes] = {0: merkle.EMPTY_ROOT}
    signed_at: list[int] = []  # the events that record the signing of a head (its size is theirs)

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
        elif event.action == "audit.checkpoint":
            signed_at.append(event.seq)
        tree.append(leaf)
        if event.seq in roots_wanted:
            roots_at[event.seq] = tree.root()
        expected += 1
    report.size = expected - 1
    report.root = tree.root()
    report.witnessed_size = min(max(outside_sizes, default=0), report.size)
    event_problems = [p.seq for p in report.problems if p.seq is not None]
    for seq in signed_at:
        if seq not in roots_wanted:
            report.problems.append(
                Problem(
                    seq,
                    f"event #{seq} records a head of {seq} events signed, but neither the database nor any "
                    "store outside it holds that head: deleted",
                )
            )

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


def _compare_stores(report: Report, database: list[str], checkpoint_file, witnessed) -> None:
    """What the stores outside the database lack, or hold that is not a head."""
    path = checkpoint_file.where
    if checkpoint_file.missing and database:
        report.problems.append(
            Problem(None, f"the checkpoint file {path} is missing; the database holds {len(database)} signed head(s)")
        )
    for held in [checkpoint_file, *witnessed]:
        for number in held.bad_lines:
            report.problems.append(
                Problem(None, f"line {number} of {held.where}: not a JSON line holding a signed note")
            )
        if held.fragment:
            report.warnings.append(
                f"the last line of {held.where} is an unfinished write ({held.fragment} bytes, no newline): "
                "a write cut short by a full disk or a crash; the next checkpoint removes it"
            )
    lacking = [note for note in database if note not in set(checkpoint_file.notes)]
    if lacking and not checkpoint_file.missing:
        report.problems.append(
            Problem(
                None,
                f"{path} lacks {len(lacking)} of the {len(database)} signed head(s) the database holds "
                f"(the newest of {_size_of(lacking[-1])} events): lines removed, or a write that failed "
                "(a full disk); `secretariat audit checkpoint` writes them again",
            )
        )
    for held in witnessed:
        if held.missing and held.error:
            report.warnings.append(f"witness {held.where} did not answer: {held.error}")


def _size_of(note: str) -> str:
    lines = note.splitlines()
    return lines[1] if len(lines) > 1 else "?"


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
