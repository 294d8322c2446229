"""Bodies that meet and decide. Meetings, protocols and points build on these."""

from django.db import models

from secretariat.accounts.models import Unit


class Body(models.Model):
    """A collective organ; its papers go back to its registry unit within its return period."""

    name = models.CharField(max_length=200, unique=True)
    prefix = models.CharField(max_length=8, unique=True, help_text="registration prefix, e.g. P")
    return_days = models.PositiveSmallIntegerField(default=7)
    registry_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name_plural = "bodies"

    def __str__(self) -> str:
        return self.name
