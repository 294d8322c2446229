"""Reads of the audit log: events, checkpoints, proofs."""

from collections import defaultdict

from django.apps import apps
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from secretariat.audit import merkle
from secretariat.audit.models import AuditCheckpoint, AuditEvent, AuditHead, WitnessedHead
from secretariat.kernel.errors import InvalidInput, NotFound
from secretariat.kernel.restriction import Action


def visible_events(principal) -> QuerySet[AuditEvent]:
    """Every event `principal` may see (metadata only: see access.py), oldest first, to filter further."""
    return AuditEvent.objects.restrict(principal, Action.REGISTER).order_by("seq")


def events(principal, after: int = 0, limit: int = 100) -> QuerySet[AuditEvent]:
    """A page of the events `principal` may see, after `after`."""
    return visible_events(principal).filter(seq__gt=after)[:limit]


def names_of(events) -> dict[tuple[str, str], str]:
    """What the events are about, in words ("No P46/X", "copy 2 of No P47/5", "A. A. Gromyko"), by
    (object_type, object_id). Only for events already read through `visible_events`: the rule that
    let the reader see an event lets them know what it names (metadata, never content). The name is
    the model's own (`__str__`), looked up by its label, so the log knows no app above it."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.object_type and event.object_id:
            wanted[event.object_type].add(event.object_id)
    names = {}
    for label, ids in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue  # a type named by an older version of the registry
        keys = [int(i) for i in ids if i.isdigit()] if model._meta.pk.get_internal_type().endswith("AutoField") else ids
        # A name may reach one step along a foreign key ("copy 2 of No P47/5"): joined, not one query a row.
        joined = [f.name for f in model._meta.concrete_fields if f.many_to_one]
        for pk, row in model._base_manager.select_related(*joined).in_bulk(keys).items():
            names[(label, str(pk))] = str(row)
    return names


def latest_checkpoint() -> AuditCheckpoint | None:
    return AuditCheckpoint.objects.order_by("tree_size", "id").last()


def checkpoint_notes():
    """Every signed head's note, oldest first, streamed: public (they carry no content)."""
    return AuditCheckpoint.objects.order_by("tree_size", "id").values_list("note", flat=True).iterator()


def witnessed_notes(origin: str = ""):
    """The heads this registry keeps as another log's witness, oldest first (of one log, if named)."""
    heads = WitnessedHead.objects.order_by("origin", "tree_size", "id")
    if origin:
        heads = heads.filter(origin=origin)
    return heads.values_list("note", flat=True).iterator()


def tree_size() -> int:
    return AuditHead.objects.get(pk=1).size


def _leaves(size: int) -> list[bytes]:
    rows = AuditEvent.objects.filter(seq__lte=size).order_by("seq").values_list("leaf_hash", flat=True)
    return [bytes.fromhex(h) for h in rows.iterator()]


def _check_size(size: int | None) -> int:
    current = tree_size()
    size = current if size is None else size
    if not 1 <= size <= current:
        raise InvalidInput(_("tree size must be between 1 and %(size)s") % {"size": current})
    return size


def inclusion(principal, seq: int, size: int | None = None) -> dict:
    """Proof that event `seq` is in the tree of `size` events (RFC 9162 2.1.3).

    For auditors, and only of events they may see: a proof carries neighbours' leaf hashes.
    """
    principal.require_role("auditor", _("read proofs of the log"))
    if not AuditEvent.objects.filter(seq=seq).restrict(principal, Action.REGISTER).exists():
        raise NotFound(_("no event #%(seq)s") % {"seq": seq})
    size = _check_size(size)
    if not 1 <= seq <= size:
        raise InvalidInput(_("event #%(seq)s is not within a tree of %(size)s events") % {"seq": seq, "size": size})
    leaves = _leaves(size)
    return {
        "seq": seq,
        "leaf_index": seq - 1,
        "tree_size": size,
        "leaf_hash": leaves[seq - 1].hex(),
        "root": merkle.root_from_leaf_hashes(leaves).hex(),
        "proof": [h.hex() for h in merkle.inclusion_proof(seq - 1, leaves)],
    }


def consistency(principal, old_size: int, new_size: int | None = None) -> dict:
    """Proof that the tree of `old_size` events is a prefix of the tree of `new_size` (RFC 9162 2.1.4)."""
    principal.require_role("auditor", _("read proofs of the log"))
    new_size = _check_size(new_size)
    if not 1 <= old_size <= new_size:
        raise InvalidInput(_("old size must be between 1 and %(size)s") % {"size": new_size})
    leaves = _leaves(new_size)
    return {
        "old_size": old_size,
        "new_size": new_size,
        "old_root": merkle.root_from_leaf_hashes(leaves[:old_size]).hex(),
        "new_root": merkle.root_from_leaf_hashes(leaves).hex(),
        "proof": [h.hex() for h in merkle.consistency_proof(old_size, leaves)],
    }
