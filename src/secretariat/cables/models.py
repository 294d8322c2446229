"""Cables to posts, and controls: obligations with a due date, closed by a report."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from secretariat.accounts.models import Unit
from secretariat.decisions.models import Point
from secretariat.kernel.restriction import RestrictedQuerySet
from secretariat.registry.models import Document


class Cable(models.Model):
    """The cable-desk side of a registered document of kind cable (or report, for a reply).

    drafted → approved → sent → received (the post acknowledges) → reported.
    """

    class State(models.TextChoices):
        DRAFTED = "drafted", "drafted"
        APPROVED = "approved", "approved"
        SENT = "sent", "sent"
        RECEIVED = "received", "received"
        REPORTED = "reported", "reported"

    class Precedence(models.TextChoices):
        ROUTINE = "routine", "ROUTINE"
        PRIORITY = "priority", "PRIORITY"
        IMMEDIATE = "immediate", "IMMEDIATE"
        FLASH = "flash", "FLASH"

    document = models.OneToOneField(Document, on_delete=models.PROTECT, related_name="cable")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFTED)
    precedence = models.CharField(max_length=10, choices=Precedence.choices, default=Precedence.ROUTINE)
    sender = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    action_post = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    info_posts = models.ManyToManyField(Unit, blank=True, related_name="+")
    addressee_line = models.CharField(max_length=200, blank=True, help_text='e.g. "TO THE SOVIET AMBASSADOR"')
    handling = models.JSONField(default=list, help_text="handling captions after the classification")
    subject = models.CharField(max_length=500)
    references = models.JSONField(default=list)
    point = models.ForeignKey(Point, null=True, blank=True, on_delete=models.PROTECT, related_name="cables")
    in_reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies")
    report_requirement = models.CharField(max_length=300, blank=True)
    report_days = models.PositiveSmallIntegerField(null=True, blank=True)
    dtg = models.CharField("date-time group", max_length=20, blank=True)
    drafted_at = models.DateTimeField()
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approval_point = models.ForeignKey(Point, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"cable No {self.document.number}"

    @property
    def spoken(self) -> str:
        """`str(cable)` in the language of whoever reads the message (str() itself stays English: logs, backups)."""
        return _("cable No %(number)s") % {"number": self.document.number}

    @property
    def captions(self) -> list[str]:
        """Most restrictive first: the level, then compartments, then handling captions."""
        classification = self.document.classification
        return [classification.level.label, *sorted(classification.compartments), *self.handling]


class CablePart(models.Model):
    """A numbered part (FIRST, SECOND, …; an empty label continues the part before), or
    guidance meant for the action addressee alone ("For the Soviet Ambassador: …")."""

    cable = models.ForeignKey(Cable, on_delete=models.PROTECT, related_name="parts")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=40, blank=True)
    text = models.TextField(max_length=1_000_000)
    guidance = models.BooleanField(default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["cable", "position"]
        constraints = [models.UniqueConstraint(fields=["cable", "position"], name="one_cable_part_position")]


class ControlQuerySet(RestrictedQuerySet):
    def open(self):
        return self.filter(status__in=[Control.Status.OPEN, Control.Status.ACKNOWLEDGED])

    def overdue(self, as_of: dt.datetime):
        return self.open().filter(due_at__lt=as_of)


class Control(models.Model):
    """An obligation on an assignee (a post, a unit or a person) to do something by a date.

    It comes from a cable's report requirement or from a decision ("instruct department X
    to …", through the point's extract); a report referencing its document closes it.
    """

    class Status(models.TextChoices):
        OPEN = "open", "open"
        ACKNOWLEDGED = "acknowledged", "acknowledged"
        DONE = "done", "done"
        CANCELLED = "cancelled", "cancelled"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="controls")
    point = models.ForeignKey(Point, null=True, blank=True, on_delete=models.PROTECT, related_name="controls")
    task = models.TextField(max_length=2_000)
    assignee_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="controls")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="controls"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    report = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    escalated_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=300, blank=True)

    objects = ControlQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(assignee__isnull=False, assignee_unit__isnull=True)
                | Q(assignee__isnull=True, assignee_unit__isnull=False),
                name="control_assignee_is_principal_or_unit",
            )
        ]

    def __str__(self) -> str:
        return f"control {self.pk} on {self.assignee_name} (No {self.document.number})"

    @property
    def assignee_name(self) -> str:
        return self.assignee.username if self.assignee_id else self.assignee_unit.code

    @property
    def assignee_shown(self) -> str:
        """Who must answer, as pages name them: the person's name, or the post's or unit's."""
        return str(self.assignee) if self.assignee_id else self.assignee_unit.name

    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.ACKNOWLEDGED)

    def is_overdue(self, as_of: dt.datetime) -> bool:
        return self.is_open() and self.due_at < as_of
