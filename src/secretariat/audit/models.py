"""The audit log: one append-only sequence of events, the leaves of a Merkle tree.

Event `seq` starts at 1 and has no gaps; leaf index = seq - 1. The database refuses UPDATE
and DELETE on events and checkpoints (triggers installed by migration 0002).
"""

import datetime as dt
import json

from django.conf import settings
from django.db import models

from secretariat.kernel.restriction import RestrictedQuerySet


class AuditEvent(models.Model):
    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=80, blank=True)
    data = models.JSONField(default=dict)
    leaf_hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)

    objects = RestrictedQuerySet.as_manager()

    # Hashed and signed before it is saved: the kernel checks its texts and never changes them
    # (kernel/texts.py), so the row stored is the row that was hashed.
    texts_as_given = True

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def canonical(self) -> bytes:
        """The bytes that are hashed into the leaf: sorted-key compact UTF-8 JSON."""
        event = {
            "seq": self.seq,
            "at": self.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": {"id": self.actor_id, "name": self.actor_name},
            "action": self.action,
            "object": {"type": self.object_type, "id": self.object_id},
            "data": self.data,
        }
        return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class AuditHead(models.Model):
    """A single row: how many events the log holds. Locked to append, so seq is gap-free."""

    size = models.BigIntegerField(default=0)


class AuditCheckpoint(models.Model):
    """A signed tree head (C2SP signed-note checkpoint); also written to a file and to the witnesses outside the DB."""

    tree_size = models.BigIntegerField()
    root_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    note = models.TextField(max_length=10_000)
    # The tree's subtree roots at this size (a list of hex, largest first): the next head's root
    # is then computed from the events after this one only. Null on heads signed before it was kept.
    frontier = models.JSONField(null=True, blank=True)

    texts_as_given = True  # the note is signed before it is saved: checked, never changed

    class Meta:
        ordering = ["tree_size", "id"]

    def __str__(self) -> str:
        return f"checkpoint of {self.tree_size} events"


class WitnessedHead(models.Model):
    """A signed tree head of another registry's log, kept here as its witness (/audit/witnessed).
    Append-only: a head once witnessed stays, so that log can never be cut below it unseen."""

    origin = models.CharField(max_length=200)
    tree_size = models.BigIntegerField()
    root_hash = models.CharField(max_length=64)
    note = models.TextField(max_length=10_000)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["origin", "tree_size", "id"]
        constraints = [models.UniqueConstraint(fields=["origin", "tree_size", "root_hash"], name="one_witnessed_head")]

    def __str__(self) -> str:
        return f"{self.origin} at {self.tree_size}"
