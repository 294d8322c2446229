"""Principals: people with a login, a clearance, compartments, roles and a unit or post."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext as _

from secretariat.accounts.labels import ROLE
from secretariat.kernel.classification import Classification, Level
from secretariat.kernel.errors import Refused
from secretariat.kernel.labels import shown
from secretariat.kernel.principals import Role
from secretariat.kernel.restriction import RestrictedQuerySet


class Compartment(models.Model):
    """A caveat on top of a level (e.g. SPECIAL FILE); content needs every one it carries."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.code


class Unit(models.Model):
    """An office at home (a department, a sector) or a post abroad or in the field."""

    class Kind(models.TextChoices):
        UNIT = "unit", "unit"
        POST = "post", "post"

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.UNIT)

    def __str__(self) -> str:
        return self.name


class PrincipalManager(UserManager):
    def ready_to_act(self):
        """Principals with what the access rule and the role checks read of them, in one query each."""
        return self.prefetch_related("compartments", "role_grants")


class Principal(AbstractUser):
    clearance = models.SmallIntegerField(choices=Level.choices, default=Level.UNCLASSIFIED)
    compartments = models.ManyToManyField(Compartment, blank=True, related_name="holders")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="members")

    objects = PrincipalManager()

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def classification(self) -> Classification:
        """The highest classification this principal may read (level and compartments)."""
        return Classification(Level(self.clearance), frozenset(c.code for c in self.compartments.all()))

    @property
    def role_codes(self) -> frozenset[str]:
        return frozenset(grant.role for grant in self.role_grants.all())

    def has_role(self, role: str) -> bool:
        return role in self.role_codes

    def summary(self) -> dict:
        """Who this is, as the audit log and the command line show it."""
        return {
            "username": self.username,
            "name": self.get_full_name(),
            "clearance": str(self.classification),
            "roles": sorted(self.role_codes),
            "unit": self.unit.code if self.unit else None,
            "active": self.is_active,
        }

    def require_role(self, role: str, to: str) -> None:
        """Refuse (Refused) unless this principal is active and holds `role`; `to` says what for."""
        if not self.is_active:
            raise Refused(_("%(username)s is deactivated and may not %(to)s") % {"username": self.username, "to": to})
        if not self.has_role(role):
            label = shown(ROLE, Role(role).label)
            if label[0] in "aeiou":
                message = _("%(username)s is not an %(role)s: only an %(role)s may %(to)s")
            else:
                message = _("%(username)s is not a %(role)s: only a %(role)s may %(to)s")
            raise Refused(message % {"username": self.username, "role": label, "to": to})


class RoleGrant(models.Model):
    principal = models.ForeignKey(Principal, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["principal", "role"], name="one_grant_per_role")]

    def __str__(self) -> str:
        return f"{self.principal} as {self.role}"


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

    # The audit log names a token by its model's label; events recorded before tokens moved
    # into accounts name it as the API app's.
    AUDIT_TYPES = ("accounts.apitoken", "api.apitoken")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"token {self.pk} ({self.prefix}…) of {self.principal.username}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class AccessRequest(models.Model):
    """A grant of access asked for by one officer and put into effect only when a second one
    approves it: a new principal, a raised clearance or a new compartment, roles, or a fresh
    activation (a reset of password and authenticator). What it asks is kept as it was asked."""

    class Kind(models.TextChoices):
        ADD = "add", "new principal"
        CLEARANCE = "clearance", "raise clearance"
        ROLES = "roles", "grant roles"
        RESET = "reset", "reset password and authenticator"

    class State(models.TextChoices):
        PENDING = "pending", "awaiting a second officer"
        APPROVED = "approved", "approved"
        REJECTED = "rejected", "rejected"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    username = models.CharField(max_length=150)
    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="access_requests"
    )
    change = models.JSONField(default=dict)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"request {self.pk}: {self.get_kind_display()} for {self.username}"

    @property
    def asked(self) -> str:
        """What is asked, in words: 'TOP SECRET//SPECIAL FILE; roles member, archivist; unit mfa'."""
        change, parts = self.change, []
        if "clearance" in change:
            parts.append(str(Classification(Level(change["clearance"]), frozenset(change.get("compartments", [])))))
        if change.get("roles"):
            parts.append(_("roles %(roles)s") % {"roles": ", ".join(change["roles"])})
        if change.get("unit"):
            parts.append(_("unit %(unit)s") % {"unit": change["unit"]})
        return "; ".join(parts) or _("a new activation code")


class Activation(models.Model):
    """A one-time code with which a person sets their own password and enrols their
    authenticator. Shown once, to the officer who approved it, for hand-over; only its SHA-256
    is kept. Single use, and it expires."""

    principal = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="activations")
    code_hash = models.CharField("SHA-256 of the code", max_length=64, unique=True)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["issued_at", "id"]

    def __str__(self) -> str:
        return f"activation {self.pk} of {self.principal.username}"
