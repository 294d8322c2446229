"""Appending to the audit log and signing its head. Called by every other app's services."""

import json
import os
from pathlib import Path

from django.conf import settings
from django.db import connection, models, transaction

from secretariat.audit import merkle, signing
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
    return event


def tree_root(size: int) -> bytes:
    """The Merkle root of the first `size` events, from their stored leaf hashes."""
    tree = merkle.CompactRange()
    for leaf in AuditEvent.objects.filter(seq__lte=size).values_list("leaf_hash", flat=True).iterator():
        tree.append(bytes.fromhex(leaf))
    return tree.root()


@transaction.atomic
def sign_checkpoint(actor) -> AuditCheckpoint:
    """Sign the tree head, store it, and append it to the checkpoint file outside the database.

    The checkpoint's own event is appended first, so the signed head covers it.
    """
    actor.require_role("auditor", "sign the log's head")
    record(actor, "audit.checkpoint")
    size = AuditHead.objects.get(pk=1).size
    root = tree_root(size)
    note = signing.sign_note(signing.checkpoint_body(settings.SECRETARIAT_AUDIT_ORIGIN, size, root))
    checkpoint = AuditCheckpoint.objects.create(tree_size=size, root_hash=root.hex(), signed_at=clock.now(), note=note)
    transaction.on_commit(lambda: _append_to_file(note))
    return checkpoint


def _append_to_file(note: str) -> None:
    """One JSON line per signed note: a record of the head that a database restore cannot undo."""
    path = Path(settings.SECRETARIAT_AUDIT_CHECKPOINTS)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps({"note": note}) + "\n")
        f.flush()
        os.fsync(f.fileno())
