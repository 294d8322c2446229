"""The abstract models several apps' models are made of (abstract: no table of their own), and one
table of the kernel's own: the leases that let one node of several run a sweep (kernel/leases.py).

They name accounts' Compartment, Unit and the user model by label, as Django's own apps name
the user model, so the kernel imports no app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from secretariat.kernel.classification import Classification, Level
from secretariat.kernel.restriction import RestrictedQuerySet


class Classified(models.Model):
    """A level and compartments on a row, queryable by the access rule."""

    level = models.SmallIntegerField(choices=Level.choices)
    compartments = models.ManyToManyField("accounts.Compartment", blank=True, related_name="%(class)ss")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def classification(self) -> Classification:
        return Classification(Level(self.level), frozenset(c.code for c in self.compartments.all()))


class Addressee(models.Model):
    """One place on a distribution list: a principal, or a unit or post as a whole."""

    position = models.PositiveSmallIntegerField()
    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("accounts.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(principal__isnull=False, unit__isnull=True) | Q(principal__isnull=True, unit__isnull=False),
                name="%(class)s_is_principal_or_unit",
            )
        ]

    def __str__(self) -> str:
        return str(self.addressee)

    @property
    def addressee(self):
        return self.principal or self.unit


class Lease(models.Model):
    """Who runs a sweep now, or ran it last: one row per sweep, taken and given back by
    `kernel.leases.leased` (wall time, not the stand-still clock: see there)."""

    name = models.CharField(max_length=64, primary_key=True)
    holder = models.CharField(max_length=200)  # host:pid of the process that took it
    acquired_at = models.DateTimeField()
    expires_at = models.DateTimeField()  # free from this instant on (the holder died, or finished)
    finished_at = models.DateTimeField(null=True, blank=True)  # null while the sweep runs

    def __str__(self) -> str:
        return f"{self.name} ({self.holder})"
