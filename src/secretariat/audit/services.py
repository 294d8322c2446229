"""Appending to the audit log and signing its head. Called by every other app's services."""

import contextlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from secretariat.audit import checkpoint_store, merkle, signing, verification, witnesses
from secretariat.audit.models import AuditCheckpoint, AuditEvent, AuditHead, WitnessedHead
from secretariat.kernel import clock, texts
from secretariat.kernel.errors import InvalidInput, Refused, bounded
from secretariat.kernel.usecases import use_case


def record(actor, action: str, target: models.Model | None = None, data: dict | None = None) -> AuditEvent:
    """Append one event inside the caller's transaction (rule 3 of docs/architecture.md: no change without it).

    The head row is locked first, so concurrent writers get consecutive, gap-free numbers; the
    lock is held until the caller's transaction commits or rolls back along with its change.

    Inside `appending_in_batch()` the event is kept and written with the others of the chunk
    just before its transaction commits: its `seq` (and `pk`) are None until then.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit events are appended inside the transaction of their change")
    batch = getattr(_batching, "batch", None)
    if batch is not None:
        event = _event(actor, action, target, data)
        batch.keep(event)
        return event
    with connection.cursor() as cursor:
        # One statement both locks the head row and takes the next number (RETURNING:
        # PostgreSQL, and SQLite since 3.35); the ORM would need a SELECT FOR UPDATE and an UPDATE.
        cursor.execute(f"UPDATE {AuditHead._meta.db_table} SET size = size + 1 WHERE id = 1 RETURNING size")
        (seq,) = cursor.fetchone()
    event = _event(actor, action, target, data)
    event.seq = seq
    if seq == 1:
        signing.create_key()
    _seal(event)
    event.save(force_insert=True)
    every = settings.SECRETARIAT_AUDIT_CHECKPOINT_EVERY
    if every and seq % every == 0:
        _checkpoint(None, {"trigger": f"every {every} events"})
    return event


def _event(actor, action: str, target: models.Model | None, data: dict | None) -> AuditEvent:
    return AuditEvent(
        at=clock.now(),
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        data=data or {},
    )


def _seal(event: AuditEvent) -> None:
    """The event's Merkle leaf and its signature, over its canonical bytes (seq included)."""
    leaf = merkle.leaf_hash(event.canonical())
    event.leaf_hash = leaf.hex()
    event.signature = signing.sign_leaf(leaf).hex()


class _Kept:
    """A no-op on-commit callback that stands for one kept event. Django drops the callbacks of a
    savepoint that rolls back (a thing of the chunk refused, or any inner atomic block undone), so
    the events whose mark is still there at the flush are exactly the ones whose change stays."""

    __slots__ = ()

    def __call__(self) -> None:
        pass


class _Batch:
    def __init__(self, size: int) -> None:
        self.size = size  # the head's size, read under its lock when the batch opened
        self.kept: list[tuple[AuditEvent, _Kept]] = []

    def keep(self, event: AuditEvent) -> None:
        # Its texts are checked now, as saving it would (bulk_create sends no pre_save): a refusal is
        # the recording change's, inside its savepoint, not the whole chunk's at the flush.
        texts.clean(event)
        mark = _Kept()
        transaction.on_commit(mark)
        self.kept.append((event, mark))

    def flush(self) -> None:
        """Number the events that stay, in the order they were recorded, from the locked head; seal and
        insert them in one statement, move the head once; sign a head every N events as `record` does."""
        standing = {id(func) for _, func, _ in connection.run_on_commit if isinstance(func, _Kept)}
        events = [event for event, mark in self.kept if id(mark) in standing]
        self.kept.clear()
        if not events:
            return
        if self.size == 0:
            signing.create_key()
        every = settings.SECRETARIAT_AUDIT_CHECKPOINT_EVERY
        size, sealed = self.size, []
        for event in events:
            size += 1
            event.seq = size
            _seal(event)
            sealed.append(event)
            if every and size % every == 0:
                _write(sealed, size)
                sealed = []
                size = _checkpoint(None, {"trigger": f"every {every} events"}).tree_size
        _write(sealed, size)
        self.size = size


def _write(events: list[AuditEvent], size: int) -> None:
    if events:
        AuditEvent.objects.bulk_create(events)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditHead._meta.db_table} SET size = %s WHERE id = 1", [size])


_batching = threading.local()


@contextlib.contextmanager
def appending_in_batch():
    """Append the events recorded inside (a chunk of bulk work, one transaction) together: the head row
    is locked once on entry and held to the commit, the events are numbered, sealed and inserted at once
    on a normal exit, in the order they were recorded; on an exception, or for the events of an inner
    savepoint that rolled back, nothing is written and no number is taken.

    Used inside the chunk's `transaction.atomic()` (kernel.batches.run opens one around each chunk). Nested,
    it joins the open batch. A head cannot be signed inside (its size would not be known yet).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit events are appended inside the transaction of their change")
    if getattr(_batching, "batch", None) is not None:
        yield
        return
    with connection.cursor() as cursor:
        # Locks the head row (on PostgreSQL; SQLite's write lock is the database's) outside any
        # savepoint of the chunk, so no inner rollback lets it go before the commit.
        cursor.execute(f"UPDATE {AuditHead._meta.db_table} SET size = size WHERE id = 1 RETURNING size")
        (size,) = cursor.fetchone()
    batch = _batching.batch = _Batch(size)
    try:
        yield
    finally:
        _batching.batch = None
    batch.flush()


def tree_root(size: int) -> bytes:
    """The Merkle root of the first `size` events."""
    return _tree(size).root()


def _tree(size: int) -> merkle.CompactRange:
    """The compact range of the first `size` events, resumed from the latest head at or below
    `size` that kept its frontier, so only the events after that head are read."""
    tree = merkle.CompactRange()
    start = AuditCheckpoint.objects.filter(tree_size__lte=size, frontier__isnull=False).order_by("-tree_size").first()
    if start is not None:
        tree = merkle.CompactRange.resume(start.tree_size, [bytes.fromhex(h) for h in start.frontier])
    leaves = AuditEvent.objects.filter(seq__gt=tree.state()[0], seq__lte=size).order_by("seq")
    for leaf in leaves.values_list("leaf_hash", flat=True).iterator():
        tree.append(bytes.fromhex(leaf))
    return tree


@transaction.atomic
@use_case(
    faces=("cli",), because="the operator's cron (the log also signs its head every N events and after each sweep)"
)
def sign_checkpoint(actor) -> AuditCheckpoint:
    """An auditor signs the tree head now (`audit checkpoint`, from cron or by hand). Not leased as the sweeps
    are: two nodes signing at once are put in order by the log's head row, and a second head costs one event."""
    actor.require_role("auditor", "sign the log's head")
    return _checkpoint(actor, {})


def sign_checkpoint_as_system(trigger: str) -> AuditCheckpoint:
    """The log signs its own head, named by what triggered it (the end of a demo or of a sweep)."""
    with transaction.atomic():
        return _checkpoint(None, {"trigger": trigger})


def _checkpoint(actor, data: dict) -> AuditCheckpoint:
    """Sign the tree head, store it, and hand it to the stores outside the database on commit.

    The checkpoint's own event is appended first, so the signed head covers it.
    """
    if getattr(_batching, "batch", None) is not None:
        raise RuntimeError("a head is signed outside appending_in_batch(): the batch's events have no numbers yet")
    event = record(actor, "audit.checkpoint", data=data)
    tree = _tree(event.seq)
    note = signing.sign_note(signing.checkpoint_body(settings.SECRETARIAT_AUDIT_ORIGIN, event.seq, tree.root()))
    checkpoint = AuditCheckpoint.objects.create(
        tree_size=event.seq,
        root_hash=tree.root().hex(),
        signed_at=event.at,
        note=note,
        frontier=[h.hex() for h in tree.state()[1]],
    )
    # After the commit (a head of a rolled-back transaction must never leave the database), and
    # robust: the change has committed, so a witness that is down must not turn it into an
    # error. What did not get out shows in `audit verify`; `publish_checkpoints` retries it.
    transaction.on_commit(_publish_quietly, robust=True)
    return checkpoint


@use_case(faces=("cli",), because="the operator's: sends the signed heads to the witnesses again")
def publish_checkpoints() -> dict[str, int]:
    """Write every head the database holds to the checkpoint file and to each witness that
    lacks it; return how many each store took. Raises OSError naming a store that fails."""
    notes = list(AuditCheckpoint.objects.order_by("tree_size", "id").values_list("note", flat=True))
    log = checkpoint_store.store()
    added = {log.where: _store(log.where, lambda: log.write(notes))}
    for location in witnesses.witness_locations():
        added[location] = _store(location, lambda location=location: witnesses.write_witness(location, notes))
    return added


def _store(where: str, write) -> int:
    try:
        return write()
    except OSError as exc:
        raise OSError(f"could not write the signed heads to {where}: {exc.strerror or exc}") from exc


def _publish_quietly() -> None:
    """Publish to every store that answers; the ones that fail are retried at the next head."""
    with contextlib.suppress(OSError):
        publish_checkpoints()


@dataclass(frozen=True)
class AcceptedRollback:
    event: AuditEvent  # the audit.rollback_accepted event
    checkpoint: AuditCheckpoint  # the head signed right after it, which carries it to the witnesses


def restore_record() -> dict | None:
    """What `secretariat restore` wrote into the data dir about the backup it restored; None if none."""
    try:
        record = json.loads(Path(settings.SECRETARIAT_RESTORE_RECORD).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise Refused(
            _("cannot read the restore record %(path)s: %(error)s")
            % {"path": settings.SECRETARIAT_RESTORE_RECORD, "error": exc}
        ) from None
    return record if isinstance(record, dict) else None


@transaction.atomic
@use_case(faces=("cli",), because="the operator's, after a restore, with the auditor's word")
def accept_rollback(auditor, *, backup: str) -> AcceptedRollback:
    """An auditor records that the log was rolled back by a restore, naming the backup.

    The event names the prefix the log kept (its size and root), the events lost and every
    signed head of the lost history that a store still holds (size and root): `audit verify`
    excuses those heads, and only those, from then on. A head signed right after carries the
    event to the witnesses, so the acceptance is as evident as what it accepts.

    Refused unless there is a rollback to accept: heads larger than the kept prefix that the
    log does not match. A head at or below the prefix that does not match is a rewrite, which
    no rollback explains: refused, for `audit verify` to name.
    """
    auditor.require_role("auditor", _("accept a rollback of the log"))
    named = bounded(backup, _("the backup (its file name or SHA-256)"), 300)
    size = AuditHead.objects.select_for_update().get(pk=1).size  # no event is appended while the heads are read
    restored_from = restore_record()
    if restored_from is not None:
        restored = restored_from.get("backup") or {}
        audit = restored_from.get("audit") or {}
        if named not in {restored.get("name"), restored.get("sha256"), restored.get("path")}:
            raise Refused(
                _("the data dir was restored from %(name)s (SHA-256 %(sha256)s), not %(named)s: name that backup")
                % {"name": repr(restored.get("name")), "sha256": restored.get("sha256"), "named": repr(named)}
            )
        kept = int(audit.get("size", -1))
        if not 0 <= kept <= size or tree_root(kept).hex() != audit.get("root"):
            raise Refused(
                _(
                    "the log's first %(kept)s events are not the ones the backup %(named)s held: "
                    "it has not been restored from it (`audit verify` says what is wrong)"
                )
                % {"kept": kept, "named": named}
            )
        backup_data = {
            "name": restored.get("name"),
            "sha256": restored.get("sha256"),
            "created_at": restored_from.get("created_at"),
            "restored_at": restored_from.get("restored_at"),
        }
    else:
        kept = size
        backup_data = {"named": named, "restored": False}
    key = signing.public_key()
    heads = verification.signed_heads(key)
    already = {
        head
        for data in AuditEvent.objects.filter(action=verification.ROLLBACK_ACCEPTED).values_list("data", flat=True)
        if isinstance(data, dict)
        for head in verification.lost_heads_named(data)
    }
    lost: dict[tuple[int, bytes], verification.Head] = {}
    for head in heads:
        if (head.size, head.root) in already:
            continue
        matches = head.size <= size and tree_root(head.size) == head.root
        if head.size <= kept and not matches:
            raise Refused(
                _(
                    "%(where)s does not match the log at %(size)s events, within the %(kept)s the rollback kept: "
                    "an event under it changed, which no rollback explains (`audit verify` names it)"
                )
                % {"where": head.where, "size": head.size, "kept": kept}
            )
        if head.size > kept and not matches:
            lost.setdefault((head.size, head.root), head)
    if not lost:
        raise Refused(
            _(
                "nothing to accept: no signed head held anywhere goes beyond the log's %(kept)s kept events "
                "without matching it"
            )
            % {"kept": kept}
        )
    last_kept = AuditEvent.objects.filter(seq=kept).values_list("at", flat=True).first()
    to_seq = max(size for size, _ in lost)
    data = {
        "backup": backup_data,
        "kept": {"size": kept, "root": tree_root(kept).hex()},
        "lost": {
            "from_seq": kept + 1,
            "to_seq": to_seq,
            "events": to_seq - kept,
            "after": last_kept.isoformat() if last_kept else None,
        },
        "lost_heads": [
            {"size": size, "root": root.hex(), "held_by": head.where}
            for (size, root), head in sorted(lost.items(), key=lambda item: item[0])
        ],
    }
    event = record(auditor, verification.ROLLBACK_ACCEPTED, data=data)
    checkpoint = _checkpoint(auditor, {"trigger": f"rollback accepted at event #{event.seq}"})
    return AcceptedRollback(event, checkpoint)


@transaction.atomic
@use_case(faces=("web",), because="the witness protocol: another registry POSTs its signed head over HTTP")
def witness_head(note: str) -> tuple[WitnessedHead, bool]:
    """Keep another registry's signed head as its witness: (the head, whether it is new). Only
    a head signed by a key this registry is told to witness (SECRETARIAT_AUDIT_WITNESS_FOR), and
    each only once; a head is never let go, so that log cannot be cut below it unseen."""
    try:
        origin, size, root = signing.open_note_of(note, witnesses.witnessed_keys())
    except ValueError as exc:
        raise InvalidInput(_("not a head this registry witnesses: %(error)s") % {"error": exc}) from None
    held = WitnessedHead.objects.filter(origin=origin, tree_size=size, root_hash=root.hex()).first()
    if held is not None:
        return held, False
    head = WitnessedHead.objects.create(
        origin=origin, tree_size=size, root_hash=root.hex(), note=note, received_at=clock.now()
    )
    record(None, "audit.head_witnessed", head, {"origin": origin, "tree_size": size, "root": root.hex()})
    return head, True
