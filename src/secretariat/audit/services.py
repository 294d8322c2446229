"""Appending to the audit log and signing its head. Called by every other app's services."""

import contextlib
from pathlib import Path

from django.conf import settings
from django.db import connection, models, transaction

from secretariat.audit import merkle, signing, witnesses
from secretariat.audit.models import AuditCheckpoint, AuditEvent, AuditHead
from secretariat.kernel import clock


def record(actor, action: str, target: models.Model | None = None, data: dict | None = None) -> AuditEvent:
    """Append one event inside the caller's transaction (rule 3 of docs/architecture.md: no change without it).

    The head row is locked first, so concurrent writers get consecutive, gap-free numbers; the
    lock is held until the caller's transaction commits or rolls back along with its change.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit events are appended inside the transaction of their change")
    with connection.cursor() as cursor:
        # One statement both locks the head row and takes the next number (RETURNING:
        # PostgreSQL, and SQLite since 3.35); the ORM would need a SELECT FOR UPDATE and an UPDATE.
        cursor.execute(f"UPDATE {AuditHead._meta.db_table} SET size = size + 1 WHERE id = 1 RETURNING size")
        (seq,) = cursor.fetchone()
    event = AuditEvent(
        seq=seq,
        at=clock.now(),
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        data=data or {},
    )
    if seq == 1:
        signing.create_key()
    leaf = merkle.leaf_hash(event.canonical())
    event.leaf_hash = leaf.hex()
    event.signature = signing.sign_leaf(leaf).hex()
    event.save(force_insert=True)
    every = settings.SECRETARIAT_AUDIT_CHECKPOINT_EVERY
    if every and seq % every == 0:
        _checkpoint(None, {"trigger": f"every {every} events"})
    return event


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
def sign_checkpoint(actor) -> AuditCheckpoint:
    """An auditor signs the tree head now (`audit checkpoint`, from cron or by hand)."""
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


def publish_checkpoints() -> dict[str, int]:
    """Write every head the database holds to the checkpoint file and to each witness that
    lacks it; return how many each store took. Raises OSError naming a store that fails."""
    notes = list(AuditCheckpoint.objects.order_by("tree_size", "id").values_list("note", flat=True))
    path = Path(settings.SECRETARIAT_AUDIT_CHECKPOINTS)
    added = {str(path): _store(str(path), lambda: witnesses.write_file(path, notes))}
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
