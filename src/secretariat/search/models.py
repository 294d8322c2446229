"""The index: one row per indexed thing and scope, holding the stems of its words.

The engine's own index sits beside this table, kept by the database itself in the same transaction as each row's
insert, update or delete: on SQLite an FTS5 table over `stems` (external content, kept by triggers), on
PostgreSQL a generated `tsvector` column with a GIN index (migration 0001).
"""

from django.db import models


class Entry(models.Model):
    """What a scope finds a thing by: a published archive item in the reading room, a paper for staff, a scan's
    OCR text for staff (an entry of its own: a scan's attachment may be marked above what a reader of its paper
    is cleared for)."""

    class Scope(models.TextChoices):
        READING_ROOM = "room", "reading room"
        STAFF = "staff", "staff"
        SCANS = "scans", "scans, for staff"

    scope = models.CharField(max_length=8, choices=Scope.choices)
    key = models.BigIntegerField(help_text="the primary key of the thing indexed, in its scope's model")
    stems = models.TextField(max_length=20_000_000, help_text="the stems of its words (search.text.stems)")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="one_entry_per_thing_and_scope")]
