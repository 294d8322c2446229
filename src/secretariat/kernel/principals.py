"""Who acts: the roles a principal may hold, and the principal a username names.

Principals are accounts' model; the kernel reaches it as Django's user model (AUTH_USER_MODEL),
the way reusable apps do, so every app's commands and desks can name who acts without
importing accounts. A principal also answers `has_role`, `require_role`, `clearance` and
`unit_id`, which is all the layers above ask of one.
"""

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from secretariat.kernel.errors import InvalidInput


class Role(models.TextChoices):
    REGISTRAR = "registrar", "registrar"
    SECRETARY = "secretary", "secretary"
    MEMBER = "member", "member"
    POST_OFFICER = "post_officer", "post officer"
    PRESS_OFFICER = "press_officer", "press officer"
    ARCHIVIST = "archivist", "archivist"
    AUDITOR = "auditor", "auditor"
    ADMIN = "admin", "admin"
    SECURITY_OFFICER = "security_officer", "security officer"


# Who may approve a request for access made by another (accounts' two-person rule).
OFFICERS = (Role.ADMIN, Role.SECURITY_OFFICER)


def principal_by_username(username: str):
    """The CLI, the desks, the demo and services name principals by username; InvalidInput if none."""
    model = get_user_model()
    if "\x00" in username:  # no username holds one, and PostgreSQL would refuse the lookup
        raise InvalidInput(_("unknown principal %(username)s") % {"username": repr(username)})
    try:
        return model.objects.ready_to_act().get(username=username)
    except model.DoesNotExist:
        raise InvalidInput(_("unknown principal %(username)s") % {"username": repr(username)}) from None


def ready(principal):
    """`principal` with what the access rule and the role checks read of it (its roles, its compartments) read
    once, as `principal_by_username` gives it: every later `has_role` or `classification` on this object asks
    no query. The anonymous user is returned as it is."""
    if getattr(principal, "is_authenticated", False):
        lookups = get_user_model().objects.ready_to_act()._prefetch_related_lookups
        prefetch_related_objects([principal], *lookups)
    return principal
