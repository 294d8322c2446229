"""Recompute the audit log's Merkle tree and check it against every signed checkpoint.

The checks and what each catches, in the order of the log:
- seq must run 1, 2, 3 … with no gap            (a deleted event)
- each event's recomputed leaf = its stored hash (an edited event)
- each signed checkpoint, from the database and from the file outside it, matches the
  recomputed root at its size                   (any change under a signed head)
- each event's signature verifies, for the events after the last signed head that matches
  (an inserted, swapped or re-hashed event in the tail)
- no checkpoint and no head counter exceeds the log (truncation, a rolled-back database)
- the checkpoint file holds every head the database holds, and every checkpoint event in the
  log has its head somewhere                      (heads deleted to hide a truncation)
- the heads the witnesses hold, outside the data dir, are no larger than the log
                                                  (a log cut after its last local head)
- the key is the pinned one, when one is pinned  (a swapped key that re-signed everything)
What no store outside the database holds yet (the unwitnessed tail) is reported, not hidden.

The events under a signed head that matches the recomputed tree are vouched for by that head's
signature: the root is computed from the leaves recomputed from the stored events, so no event
under it can change without the root changing, and no head can be made without the key. Their
own signatures are therefore not checked one by one (an Ed25519 check is ~100 times the cost of
hashing the event); only the tail after the last matching head is. When a head does not match,
it vouches for nothing: every event after the last matching head, up to the end of the log, has
its signature checked, so the event that was re-hashed or inserted is still the one named.
`all_signatures=True` (`audit verify --all-signatures`) checks every event's signature as well,
over a pool of processes: an auditor's full sweep, which also names a signature column damaged
under a head (the head vouches for the event, not for that column).

The log is read in keyset chunks (seq > last, `chunk_size` rows a query): memory stays bounded
whatever the size of the log.

A log restored from an older backup is shorter than the heads the witnesses hold: verify
reports it as a rollback (how many events, after which time) and fails, until an auditor
records it with `audit accept-rollback`: a signed event (`audit.rollback_accepted`) that names
the backup, the prefix kept and the exact heads lost. Those heads, and only those, are then
reported as lost in that rollback rather than as problems; any other head still fails.
"""

import datetime as dt
import json
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from secretariat.audit import checkpoint_store, merkle, signing, witnesses
from secretariat.audit.models import AuditCheckpoint, AuditEvent, AuditHead

CHUNK_SIZE = 2000  # events read by one query
SWEEP_CHUNK = 4000  # event signatures checked by one task of the process pool


@dataclass(frozen=True)
class Problem:
    seq: int | None  # None: not attributable to one event (a bad checkpoint note, a missing head row)
    message: str


ROLLBACK_ACCEPTED = "audit.rollback_accepted"


@dataclass(frozen=True)
class Head:
    """A signed tree head that verifies under the audit key, and where it was found."""

    where: str
    size: int
    root: bytes
    note: str
    outside: bool  # held outside the database (by the witnesses, or the checkpoint file if there are none)


@dataclass(frozen=True)
class LostHead:
    """A head of a history that a restore took away, named by the signed event that accepted it."""

    where: str
    size: int
    root: bytes
    accepted_at: int  # the seq of the audit.rollback_accepted event


@dataclass(frozen=True)
class Rollback:
    """Signed heads larger than the log that no accepted rollback names: events are gone."""

    log_size: int
    signed_size: int  # the largest such head
    last_kept_at: dt.datetime | None  # when the log's last event was appended: the lost ones came after
    held_by: tuple[str, ...]

    @property
    def events_lost(self) -> int:
        return self.signed_size - self.log_size

    def as_json(self) -> dict:
        return {
            "events_lost": self.events_lost,
            "from_seq": self.log_size + 1,
            "to_seq": self.signed_size,
            "log_size": self.log_size,
            "signed_size": self.signed_size,
            "after": self.last_kept_at.isoformat() if self.last_kept_at else None,
            "held_by": list(self.held_by),
        }

    def describe(self) -> str:
        after = f" (the last at {self.last_kept_at:%Y-%m-%d %H:%M:%S %Z})" if self.last_kept_at else ""
        return (
            f"rolled back: the log holds {self.log_size} events{after}, but {', '.join(self.held_by)} "
            f"signed a tree of {self.signed_size}: {self.events_lost} event(s) (#{self.log_size + 1} to "
            f"#{self.signed_size}) appended after it are gone, cut or lost to a restore of an older backup; "
            "if it was a restore, an auditor records it: "
            "`secretariat audit accept-rollback --as AUDITOR --backup FILE_OR_SHA256`"
        )


@dataclass
class Report:
    size: int = 0
    root: bytes = merkle.EMPTY_ROOT
    checkpoints_checked: int = 0
    key_fingerprint: str = ""
    witnessed_size: int = 0  # the largest head held outside the database (by the witnesses, if any)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rollback: Rollback | None = None  # heads larger than the log that no accepted rollback names
    lost_heads: list[LostHead] = field(default_factory=list)  # heads an accepted rollback names
    covered_size: int = 0  # the largest signed head that matches: the events it vouches for
    signatures_checked: int = 0  # event signatures checked one by one (the tail, or all of them)

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
            "covered_by_signed_head": self.covered_size,
            "signatures_checked": self.signatures_checked,
            "warnings": self.warnings,
            "rollback": self.rollback.as_json() if self.rollback else None,
            "lost_in_accepted_rollbacks": [
                {"where": h.where, "size": h.size, "root": h.root.hex(), "accepted_at": h.accepted_at}
                for h in self.lost_heads
            ],
            "first_bad_event": first.seq if first else None,
            "problems": [
                {"seq": p.seq, "message": p.message}
                for p in sorted(self.problems, key=lambda p: (p.seq is None, p.seq or 0))
            ],
        }


def signed_heads(key, problems: list[Problem] | None = None) -> list[Head]:
    """Every distinct signed head the database, the checkpoint file and the witnesses hold that
    verifies under `key`, in that order; what does not verify goes to `problems`."""
    return _gather(key, problems if problems is not None else [])[0]


def _gather(key, problems: list[Problem]):
    rows = list(AuditCheckpoint.objects.order_by("tree_size", "id").values_list("pk", "note"))
    database = [note for _, note in rows]
    checkpoint_file = checkpoint_store.store().read()
    witnessed = [witnesses.read_witness(location) for location in witnesses.witness_locations()]

    checkpoints: list[tuple[str, str]] = [(f"checkpoint #{pk} in the database", note) for pk, note in rows]
    for held in [checkpoint_file, *witnessed]:
        checkpoints += [(f"checkpoint {i} in {held.where}", note) for i, note in enumerate(held.notes, start=1)]
    held_outside = {
        note
        for held in (witnessed if settings.SECRETARIAT_AUDIT_WITNESSES else [checkpoint_file])
        for note in held.notes
    }
    heads: list[Head] = []
    seen: set[str] = set()
    for where, note in checkpoints:
        if note in seen:
            continue  # the same signed head, kept in more than one place
        seen.add(note)
        try:
            origin, size, root = signing.open_note(note, key)
        except ValueError as exc:
            problems.append(Problem(None, _("%(where)s: %(error)s") % {"where": where, "error": exc}))
            continue
        if origin != settings.SECRETARIAT_AUDIT_ORIGIN:
            problems.append(
                Problem(None, _("%(where)s: signed for another log (%(origin)s)") % {"where": where, "origin": origin})
            )
            continue
        heads.append(Head(where, size, root, note, note in held_outside))
    return heads, database, checkpoint_file, witnessed


def verify_log(
    pinned_fingerprint: str = "",
    *,
    all_signatures: bool = False,
    workers: int | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Report:
    """Verify the log (see the module's doc). `all_signatures`: check every event's signature
    too, over `workers` processes (default: one per core; 1 checks them in this process)."""
    key = signing.public_key()
    report = Report(key_fingerprint=signing.fingerprint(key))
    pinned = pinned_fingerprint or settings.SECRETARIAT_AUDIT_KEY_FINGERPRINT
    if pinned and pinned != report.key_fingerprint:
        report.problems.append(
            Problem(
                None,
                _(
                    "the log is signed by the key %(key_fingerprint)s, not by the pinned %(pinned)s: a key swapped into the data dir can re-sign a rewritten log"
                )
                % {"key_fingerprint": report.key_fingerprint, "pinned": pinned},
            )
        )
    heads, database, checkpoint_file, witnessed = _gather(key, report.problems)
    valid = {head.note for head in heads}
    # A forged head in the database is reported above; the file is not to blame for lacking it.
    _compare_stores(report, [note for note in database if note in valid], checkpoint_file, witnessed)
    # The rollbacks the log says were accepted: which prefix each kept (checked below) and which heads it lost.
    accepts = {
        seq: data
        for seq, data in AuditEvent.objects.filter(action=ROLLBACK_ACCEPTED).values_list("seq", "data")
        if isinstance(data, dict)
    }
    roots_wanted = {head.size for head in heads} | {_kept(data)[0] for data in accepts.values()}
    roots_at: dict[int, bytes] = {0: merkle.EMPTY_ROOT}
    # Then, once the log is read: signed_at, the events that record the signing of a head (its
    # size is theirs), and accepted, the accept events that are what the log signed.
    last_at: dt.datetime | None = None

    tree = merkle.CompactRange()
    expected = 1
    edited: set[int] = set()  # events whose recomputed leaf differs from the stored one
    checkpoint_events: list[int] = []
    accept_events: dict[int, dict] = {}
    columns = _READ + (("signature",) if all_signatures else ())
    with _Sweep(key, workers if all_signatures else 1) as sweep:
        batch: list[tuple[int, bytes, bytes]] = []
        for row in _events(columns, after=0, upto=None, chunk_size=chunk_size):
            seq, at, actor_id, actor_name, action, object_type, object_id, data, leaf_hex = row[:9]
            if seq != expected:
                report.problems.append(
                    Problem(
                        expected,
                        _("event #%(expected)s is missing: the log jumps to #%(seq)s")
                        % {"expected": expected, "seq": seq},
                    )
                )
                break
            data = _json_value(data)
            leaf = _leaf(_canonical, seq, at, actor_id, actor_name, action, object_type, object_id, data)
            if leaf.hex() != leaf_hex:
                leaf = _leaf(_model_canonical, seq)  # the model's own bytes decide
            if leaf.hex() != leaf_hex:
                edited.add(seq)
                report.problems.append(
                    Problem(
                        seq,
                        _("event #%(seq)s (%(action)s) differs from its recorded hash: edited")
                        % {"seq": seq, "action": action},
                    )
                )
            else:
                if all_signatures:
                    batch.append((seq, leaf, _bytes(row[9])))
                    if len(batch) >= SWEEP_CHUNK:
                        sweep.submit(batch)
                        batch = []
                if action == "audit.checkpoint":
                    checkpoint_events.append(seq)
                elif action == ROLLBACK_ACCEPTED and isinstance(data, dict):
                    accept_events[seq] = data
            tree.append(leaf)
            if seq in roots_wanted:
                roots_at[seq] = tree.root()
            last_at = at
            expected += 1
        size = expected - 1
        # The events the signed heads vouch for: up to the largest head whose root is the tree's.
        report.covered_size = max((h.size for h in heads if h.size <= size and roots_at[h.size] == h.root), default=0)
        if not all_signatures:
            # The tail after it: each event's own signature is all that vouches for it.
            tail = _events(
                ("seq", "leaf_hash", "signature"), after=report.covered_size, upto=size, chunk_size=chunk_size
            )
            for seq, leaf_hex, signature in tail:
                if seq not in edited:
                    batch.append((seq, _bytes(leaf_hex), _bytes(signature)))
                if len(batch) >= SWEEP_CHUNK:
                    sweep.submit(batch)
                    batch = []
        sweep.submit(batch)
    report.signatures_checked = sweep.checked
    unsigned = sorted(sweep.bad)
    for seq, action in _actions(unsigned):
        report.problems.append(
            Problem(
                seq,
                _("event #%(seq)s (%(action)s) is not signed by the audit key: inserted, moved or re-hashed")
                % {"seq": seq, "action": action},
            )
        )
    signed_at = [seq for seq in checkpoint_events if seq not in sweep.bad]
    accepted = {seq: data for seq, data in accept_events.items() if seq not in sweep.bad}
    report.size = expected - 1
    report.root = tree.root()
    if last_at is not None and last_at.tzinfo is None:
        last_at = last_at.replace(tzinfo=dt.UTC)  # SQLite's raw rows: UTC, without the zone
    excused = _excused(report, accepted, roots_at)
    lost = [head for head in heads if (head.size, head.root) in excused]
    report.lost_heads = [LostHead(h.where, h.size, h.root, excused[(h.size, h.root)]) for h in lost]
    for seq in sorted({h.accepted_at for h in report.lost_heads}):
        named = [h for h in report.lost_heads if h.accepted_at == seq]
        report.warnings.append(
            _(
                "%(count)s signed head(s) of %(sizes)s events were lost in the rollback accepted at event #%(seq)s (%(backup)s)"
            )
            % {
                "count": len(named),
                "sizes": ", ".join(str(s) for s in sorted({h.size for h in named})),
                "seq": seq,
                "backup": _accepted_backup(accepted[seq]),
            }
        )
    heads = [head for head in heads if (head.size, head.root) not in excused]
    outside_sizes = [head.size for head in heads if head.outside]
    report.witnessed_size = min(max(outside_sizes, default=0), report.size)
    event_problems = [p.seq for p in report.problems if p.seq is not None]
    for seq in signed_at:
        if seq not in roots_wanted:
            report.problems.append(
                Problem(
                    seq,
                    _(
                        "event #%(seq)s records a head of %(seq)s events signed, but neither the database nor any store outside it holds that head: deleted"
                    )
                    % {"seq": seq},
                )
            )

    head = AuditHead.objects.filter(pk=1).first()
    recorded_size = head.size if head is not None else 0
    if head is None:
        report.problems.append(Problem(None, _("the log's head row is missing")))
    elif recorded_size > report.size:
        report.problems.append(
            Problem(
                report.size + 1,
                _("the log holds %(size)s events but its head counts %(recorded_size)s: truncated")
                % {"size": report.size, "recorded_size": recorded_size},
            )
        )
    elif recorded_size < report.size:
        report.problems.append(
            Problem(
                recorded_size + 1,
                _("the head counts %(recorded_size)s events but the log holds %(size)s: added behind the log's back")
                % {"recorded_size": recorded_size, "size": report.size},
            )
        )
    beyond = [head for head in heads if head.size > report.size]
    if beyond:
        report.rollback = Rollback(
            log_size=report.size,
            signed_size=max(head.size for head in beyond),
            last_kept_at=last_at,
            held_by=tuple(dict.fromkeys(_store_of(head.where) for head in beyond)),
        )
    for head in heads:
        report.checkpoints_checked += 1
        if head.size > report.size:
            report.problems.append(
                Problem(
                    report.size + 1,
                    _(
                        "%(where)s signed a tree of %(size)s events; the log holds %(log_size)s: truncated or rolled back"
                    )
                    % {"where": head.where, "size": head.size, "log_size": report.size},
                )
            )
        elif roots_at[head.size] != head.root:
            explained = [seq for seq in event_problems if seq <= head.size]
            report.problems.append(
                Problem(
                    min(explained) if explained else _first_after_good(heads, roots_at, head.size),
                    _("%(where)s does not match the log at size %(size)s: an event under it changed")
                    % {"where": head.where, "size": head.size},
                )
            )
    return report


_READ = ("seq", "at", "actor_id", "actor_name", "action", "object_type", "object_id", "data", "leaf_hash")
_JSON_STRING = json.encoder.encode_basestring  # the string encoder of json.dumps(ensure_ascii=False)
_JSON_SORTED = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def _canonical(
    seq: int, at: dt.datetime, actor_id, actor_name: str, action: str, object_type, object_id, data
) -> bytes:
    """AuditEvent.canonical of these column values, written out field by field: the same bytes
    (sorted keys, compact, UTF-8) without building a model and a nested dict for each event.
    Only a shortcut: an event whose leaf these bytes do not reproduce is hashed again with the
    model's own canonical() before it is called edited, so a difference costs time, never a
    false finding."""
    at = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
    actor = "null" if actor_id is None else int(actor_id)
    return (
        f'{{"action":{_JSON_STRING(action)},"actor":{{"id":{actor},"name":{_JSON_STRING(actor_name)}}},'
        f'"at":"{at:%Y-%m-%dT%H:%M:%S.%f}Z","data":{_JSON_SORTED(data)},'
        f'"object":{{"id":{_JSON_STRING(object_id)},"type":{_JSON_STRING(object_type)}}},"seq":{int(seq)}}}'
    ).encode()


def _json_value(data):
    """The data column as the model reads it (JSONField.from_db_value): text that is not JSON stays text."""
    if not isinstance(data, str):
        return data
    try:
        return json.loads(data)
    except json.JSONDecodeError:
        return data


def _leaf(canonical, *columns) -> bytes:
    """The leaf of the bytes `canonical(*columns)` makes; b"" (no leaf's hash) for a row so
    damaged that no canonical bytes can be made of it (a date that is no date): named as edited."""
    try:
        return merkle.leaf_hash(canonical(*columns))
    except (AttributeError, TypeError, ValueError):
        return b""


def _model_canonical(seq: int) -> bytes:
    return AuditEvent.objects.get(seq=seq).canonical()


def _events(columns: tuple[str, ...], *, after: int, upto: int | None, chunk_size: int) -> Iterator[tuple]:
    """The events after seq `after` (up to `upto`), in order, as raw rows of `columns`: one
    query per `chunk_size` rows, each starting after the last seq of the one before (keyset),
    so no query and no chunk holds more than `chunk_size` events, and no cursor stays open
    between chunks. Raw SQL: the ORM's per-row conversions cost more than the hashing."""
    qn = connection.ops.quote_name
    seq = qn("seq")
    sql = (
        f"SELECT {', '.join(qn(c) for c in columns)} FROM {qn(AuditEvent._meta.db_table)} "
        f"WHERE {seq} > %s{f' AND {seq} <= %s' if upto is not None else ''} ORDER BY {seq} LIMIT %s"
    )
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [after, *([upto] if upto is not None else []), chunk_size])
            chunk = cursor.fetchall()
        yield from chunk
        if len(chunk) < chunk_size:
            return
        after = chunk[-1][0]


def _actions(seqs: list[int]) -> Iterator[tuple[int, str]]:
    """(seq, action) of the events `seqs`, in order, a bounded number a query."""
    for i in range(0, len(seqs), 500):
        yield from AuditEvent.objects.filter(seq__in=seqs[i : i + 500]).order_by("seq").values_list("seq", "action")


def default_workers() -> int:
    """One signature checker per core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _Sweep:
    """Checks event signatures handed to it in chunks: in this process (one worker), or over a
    pool of `workers` processes, each given a chunk of rows (seq, leaf, signature) and the raw
    public key, never a database connection. At most two chunks per worker wait at once, so
    memory stays bounded however long the log."""

    def __init__(self, key, workers: int | None) -> None:
        self.key = key
        self.workers = default_workers() if workers is None else max(workers, 1)
        self.checked = 0
        self.bad: set[int] = set()
        self._pool: ProcessPoolExecutor | None = None
        self._pending: set[Future] = set()

    def __enter__(self) -> "_Sweep":
        return self

    def submit(self, rows: list[tuple[int, bytes, bytes]]) -> None:
        if not rows:
            return
        self.checked += len(rows)
        if self.workers == 1:
            self.bad.update(seq for seq, leaf, sig in rows if not signing.leaf_signature_ok(leaf, sig, self.key))
            return
        if self._pool is None:
            # fork where there is one: a worker needs no Django, only the function and its rows
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
        if len(self._pending) >= 2 * self.workers:
            done, self._pending = wait(self._pending, return_when=FIRST_COMPLETED)
            for future in done:
                self.bad.update(future.result())
        self._pending.add(self._pool.submit(signing.bad_leaf_signatures, signing.public_bytes(self.key), rows))

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                for future in self._pending:
                    self.bad.update(future.result())
        finally:
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)


def _kept(data: dict) -> tuple[int, bytes]:
    """The prefix an accept event says the rollback kept: (size, root); (0, b"") if it names none."""
    kept = data.get("kept")
    try:
        return int(kept["size"]), bytes.fromhex(kept["root"])
    except (TypeError, KeyError, ValueError):
        return 0, b""


def lost_heads_named(data: dict) -> set[tuple[int, bytes]]:
    """The heads (size, root) an audit.rollback_accepted event names as lost."""
    named = set()
    for head in data.get("lost_heads") or []:
        try:
            named.add((int(head["size"]), bytes.fromhex(head["root"])))
        except (TypeError, KeyError, ValueError):
            continue
    return named


def _excused(report: Report, accepted: dict[int, dict], roots_at: dict[int, bytes]) -> dict[tuple[int, bytes], int]:
    """The heads the log's own signed accept events name as lost, each with its event's seq.

    An accept excuses nothing unless the log's first `kept` events are the ones it names (the
    rollback it accepts is this log's), and only heads larger than that prefix."""
    excused: dict[tuple[int, bytes], int] = {}
    for seq, data in sorted(accepted.items()):
        size, root = _kept(data)
        if not 0 <= size < seq or roots_at.get(size) != root:
            report.problems.append(
                Problem(
                    seq,
                    _(
                        "event #%(seq)s accepts a rollback to a log of %(size)s events that is not this log's first %(size)s: it excuses nothing"
                    )
                    % {"seq": seq, "size": size},
                )
            )
            continue
        for head in lost_heads_named(data):
            if head[0] > size:
                excused.setdefault(head, seq)
    return excused


def _accepted_backup(data: dict) -> str:
    backup = data.get("backup") if isinstance(data.get("backup"), dict) else {}
    name = backup.get("name") or backup.get("named") or "?"
    if backup.get("created_at"):
        return _("backup %(name)s taken %(when)s") % {"name": name, "when": backup["created_at"]}
    return _("backup %(name)s") % {"name": name}


def _store_of(where: str) -> str:
    """'checkpoint 3 in witness /w' -> 'witness /w'; 'checkpoint #4 in the database' -> 'the database'."""
    return where.partition(" in ")[2] or where


def _compare_stores(report: Report, database: list[str], checkpoint_file, witnessed) -> None:
    """What the stores outside the database lack, or hold that is not a head."""
    path = checkpoint_file.where
    if checkpoint_file.missing and database:
        report.problems.append(
            Problem(
                None,
                _("the checkpoint file %(path)s is missing; the database holds %(count)s signed head(s)")
                % {"path": path, "count": len(database)},
            )
        )
    for held in [checkpoint_file, *witnessed]:
        for number in held.bad_lines:
            report.problems.append(
                Problem(
                    None,
                    _("line %(number)s of %(where)s: not a JSON line holding a signed note")
                    % {"number": number, "where": held.where},
                )
            )
        if held.fragment:
            report.warnings.append(
                _(
                    "the last line of %(where)s is an unfinished write (%(fragment)s bytes, no newline): a write cut short by a full disk or a crash; the next checkpoint removes it"
                )
                % {"where": held.where, "fragment": held.fragment}
            )
    lacking = [note for note in database if note not in set(checkpoint_file.notes)]
    if lacking and not checkpoint_file.missing:
        report.problems.append(
            Problem(
                None,
                _(
                    "%(path)s lacks %(count)s of the %(total)s signed head(s) the database holds (the newest of %(newest)s events): lines removed, or a write that failed (a full disk); `secretariat audit checkpoint` writes them again"
                )
                % {"path": path, "count": len(lacking), "total": len(database), "newest": _size_of(lacking[-1])},
            )
        )
    for held in witnessed:
        if held.missing and held.error:
            report.warnings.append(
                _("witness %(where)s did not answer: %(error)s") % {"where": held.where, "error": held.error}
            )


def _size_of(note: str) -> str:
    lines = note.splitlines()
    return lines[1] if len(lines) > 1 else "?"


def _bytes(hex_text: str) -> bytes:
    """A stored hex value; garbage becomes empty bytes, which no signature check accepts."""
    try:
        return bytes.fromhex(hex_text)
    except ValueError:
        return b""


def _first_after_good(heads: list[Head], roots_at, size: int) -> int:
    """Where a divergence must start: just after the largest smaller checkpoint that still matches."""
    good = [h.size for h in heads if h.size < size and roots_at.get(h.size) == h.root]
    return max(good, default=0) + 1
