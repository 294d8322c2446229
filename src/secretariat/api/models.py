"""API tokens: a principal's keys to the REST API, kept as hashes, revocable."""

from django.conf import settings
from django.db import models

from secretariat.kernel.restriction import RestrictedQuerySet


class ApiToken(models.Model):
    """One bearer token. The secret is shown once when issued; only its SHA-256 is kept, so a
    copy of the database lets nobody act as anyone. `prefix` (the token's first characters)
    lets its holder tell their tokens apart."""

    principal = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=20, unique=True)
    key_hash = models.CharField("SHA-256 of the token", max_length=64, unique=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"token {self.pk} ({self.prefix}…) of {self.principal.username}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
