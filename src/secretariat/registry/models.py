"""Registered documents, their versions, attachments and distribution, and numbered copies."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from secretariat.accounts.models import Unit
from secretariat.kernel.classification import Classification, Level
from secretariat.kernel.models import Addressee, Classified
from secretariat.kernel.restriction import RestrictedQuerySet


class NumberSeries(models.Model):
    """A counter for numbers the registry allocates itself (prefix-1, prefix-2, …)."""

    prefix = models.CharField(max_length=20, unique=True)
    last = models.PositiveIntegerField(default=0)


class Document(Classified):
    class Kind(models.TextChoices):
        EXTRACT = "extract", "extract"
        DRAFT = "draft", "draft"
        CABLE = "cable", "cable"
        REPORT = "report", "report"
        ANNOUNCEMENT = "announcement", "announcement"
        NOTE = "note", "note"

    number = models.CharField(max_length=60, unique=True)
    title = models.CharField(max_length=500)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NOTE)
    initial_level = models.SmallIntegerField(choices=Level.choices, editable=False)
    initial_compartments = models.JSONField(default=list, editable=False)
    author_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signatory = models.CharField(max_length=200, blank=True)
    dated = models.DateField()
    page_count = models.PositiveIntegerField(default=1)
    return_days = models.PositiveSmallIntegerField(null=True, blank=True)
    return_to = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    copies_made = models.PositiveIntegerField(default=0)
    is_public = models.BooleanField(default=False)
    kept_by = models.CharField(
        max_length=80, blank=True, help_text="where its text is kept when not in the register: it changes only there"
    )
    filed_at = models.DateTimeField(
        null=True, blank=True, help_text="when a case file holding it closed: a filed paper takes no new obligation"
    )
    registered_at = models.DateTimeField()
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["registered_at", "id"]

    def __str__(self) -> str:
        return f"No {self.number}"

    @property
    def initial_classification(self) -> Classification:
        return Classification(Level(self.initial_level), frozenset(self.initial_compartments))

    @property
    def effective_return_days(self) -> int:
        """Its own period (a body's papers take the body's when registered), else the registry default."""
        if self.return_days is not None:
            return self.return_days
        return settings.SECRETARIAT_DEFAULT_RETURN_DAYS

    def return_instruction(self) -> str:
        unit = self.return_to
        where = f" to {unit.name}" if unit else ""
        return f"Must be returned within {self.effective_return_days} days{where}"

    def current_version(self) -> "DocumentVersion | None":
        return self.versions.order_by("-number").first()


class DocumentVersion(models.Model):
    """A text of the document. A new draft is a new version; none is ever overwritten."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField(max_length=1_000_000)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="one_version_number")]


class Attachment(Classified):
    """Part of a document with its own classification; the cover dominates every attachment."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="attachments")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=500)
    text = models.TextField(max_length=1_000_000, blank=True)
    file = models.FileField(upload_to="attachments/%Y/", blank=True)
    page_count = models.PositiveIntegerField(default=1)
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["document", "position"]
        constraints = [models.UniqueConstraint(fields=["document", "position"], name="one_attachment_position")]


class DistributionEntry(Addressee):
    """An addressee of a document."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="distribution")

    objects = RestrictedQuerySet.as_manager()

    class Meta(Addressee.Meta):
        ordering = ["document", "position"]
        constraints = [
            *Addressee.Meta.constraints,
            models.UniqueConstraint(fields=["document", "principal"], name="principal_once_per_list"),
            models.UniqueConstraint(fields=["document", "unit"], name="unit_once_per_list"),
        ]


def not_ended_q(as_of: dt.datetime, prefix: str = "") -> Q:
    """Issued by `as_of` and, at that instant, neither returned, destroyed nor lost."""
    q = Q(**{f"{prefix}issued_at__lte": as_of})
    for ended in ("returned_at", "destroyed_at", "lost_at"):
        q &= Q(**{f"{prefix}{ended}__isnull": True}) | Q(**{f"{prefix}{ended}__gt": as_of})
    return q


class CopyQuerySet(RestrictedQuerySet):
    def outstanding(self):
        return self.filter(status=Copy.Status.ISSUED)

    def outstanding_at(self, as_of: dt.datetime):
        return self.filter(not_ended_q(as_of))

    def overdue(self, as_of: dt.datetime):
        """Out at `as_of` and past due. Written so the (holder, status, due_at) index narrows it: a copy still
        issued (its status says so, and nothing has ended it), or one ended only after `as_of` (a desk looking
        back), rather than the timestamps' ORs alone, which no index can narrow."""
        ended_later = Q(status__in=[Copy.Status.RETURNED, Copy.Status.DESTROYED, Copy.Status.LOST]) & not_ended_q(as_of)
        still_issued = Q(status=Copy.Status.ISSUED, issued_at__lte=as_of)
        return self.filter(Q(due_at__lt=as_of) & (still_issued | ended_later))

    def issued_by(self, as_of: dt.datetime):
        return self.filter(issued_at__lte=as_of)


class Copy(models.Model):
    """One numbered exemplar, issued to one holder against a receipt, due back by a date."""

    class Status(models.TextChoices):
        ISSUED = "issued", "issued"
        RETURNED = "returned", "returned"
        DESTROYED = "destroyed", "destroyed"
        LOST = "lost", "lost"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="copies")
    number = models.PositiveIntegerField()
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="copies")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ISSUED)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField()
    receipt_confirmed_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    destruction_recorded_at = models.DateTimeField(null=True, blank=True)
    destruction_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    destruction_certificate = models.CharField(max_length=300, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)
    destruction_witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lost_at = models.DateTimeField(null=True, blank=True)

    objects = CopyQuerySet.as_manager()

    class Meta:
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="one_copy_number")]
        indexes = [models.Index(fields=["holder", "status", "due_at"])]

    def __str__(self) -> str:
        return f"copy {self.number} of No {self.document.number}"

    @property
    def spoken(self) -> str:
        """`str(copy)` in the language of whoever reads the message (str() itself stays English)."""
        return _("copy %(copy)s of No %(number)s") % {"copy": self.number, "number": self.document.number}

    def state_at(self, as_of: dt.datetime) -> str | None:
        """The copy's state at an instant, read from its timestamps (None: not issued yet)."""
        if self.issued_at > as_of:
            return None
        for status, at in (
            (self.Status.RETURNED, self.returned_at),
            (self.Status.DESTROYED, self.destroyed_at),
            (self.Status.LOST, self.lost_at),
        ):
            if at is not None and at <= as_of:
                return status
        return self.Status.ISSUED

    def is_overdue(self, as_of: dt.datetime) -> bool:
        return self.state_at(as_of) == self.Status.ISSUED and self.due_at < as_of


class Incident(models.Model):
    """A lost copy (or other breach) reported to the registry."""

    class Kind(models.TextChoices):
        LOSS = "loss", "loss"

    copy = models.ForeignKey(Copy, on_delete=models.PROTECT, related_name="incidents")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reported_at = models.DateTimeField()
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    circumstances = models.TextField(max_length=20_000)
