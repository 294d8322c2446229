"""Case files: the papers of one matter, closed when its obligations are met and its copies back."""

from django.conf import settings
from django.db import models

from secretariat.kernel.restriction import RestrictedQuerySet
from secretariat.registry.models import Document


class CaseFile(models.Model):
    """The documents of one matter. It closes only when their controls are done and every copy
    is back or destroyed."""

    number = models.CharField(max_length=60, unique=True)
    title = models.CharField(max_length=500)
    documents = models.ManyToManyField(Document, through="CaseEntry", related_name="case_files")
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    # The audit log names a case file by its model's label; events recorded before case files
    # had an app of their own name it as the registry's.
    AUDIT_TYPES = ("cases.casefile", "registry.casefile")

    class Meta:
        ordering = ["opened_at", "id"]

    def __str__(self) -> str:
        return f"case {self.number}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class CaseEntry(models.Model):
    case = models.ForeignKey(CaseFile, on_delete=models.PROTECT, related_name="entries")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "position"]
        constraints = [models.UniqueConstraint(fields=["case", "document"], name="document_once_per_case")]
