"""Reads about principals, units, compartments and API tokens."""

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from secretariat.accounts.models import AccessRequest, ApiToken, Compartment, Principal, Unit
from secretariat.kernel.classification import normalise_compartment
from secretariat.kernel.errors import InvalidInput, NotFound, Refused
from secretariat.kernel.principals import OFFICERS, principal_by_username
from secretariat.kernel.restriction import Action


def principals():
    return Principal.objects.select_related("unit").prefetch_related("compartments", "role_grants").order_by("username")


def compartments_by_code(codes: Iterable[str]) -> list[Compartment]:
    """The compartments named; InvalidInput for a malformed or unknown one."""
    try:
        wanted = {normalise_compartment(code) for code in codes}
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    found = list(Compartment.objects.filter(code__in=wanted))
    if missing := wanted - {c.code for c in found}:
        raise InvalidInput(_("unknown compartment(s): %(codes)s") % {"codes": ", ".join(sorted(missing))})
    return found


def units():
    return Unit.objects.order_by("code")


def compartments():
    return Compartment.objects.order_by("code")


def unit_by_code(code: str) -> Unit:
    try:
        return Unit.objects.get(code=code)
    except Unit.DoesNotExist:
        raise InvalidInput(_("unknown unit or post %(code)s") % {"code": repr(code)}) from None


def addressees_by_name(names: Iterable[str]) -> list[Principal | Unit]:
    """Addressees as the CLI and the desks' forms name them: 'gromyko' a principal, 'unit:gd-1' a unit or post."""
    return [unit_by_code(n[5:]) if n.startswith("unit:") else principal_by_username(n) for n in names]


def tokens(principal) -> QuerySet[ApiToken]:
    """API tokens, through the access rule: a holder sees their own, an admin all."""
    return (
        ApiToken.objects.select_related("principal").restrict(principal, Action.REGISTER).order_by("created_at", "id")
    )


def access_requests(principal, *, pending_only: bool = True) -> QuerySet[AccessRequest]:
    """Requests for access, oldest first: for administrators and security officers only, as
    they name who is to be cleared for what."""
    if not principal.is_active or not any(principal.has_role(role) for role in OFFICERS):
        raise Refused(
            _("%(username)s is not an administrator or a security officer") % {"username": principal.username}
        )
    rows = AccessRequest.objects.select_related("requested_by", "decided_by", "principal")
    if pending_only:
        rows = rows.filter(state=AccessRequest.State.PENDING)
    return rows.order_by("requested_at", "id")


# The officers' desk: principals as administrators and security officers see them.


def _require_officer(viewer) -> None:
    if not viewer.is_active or not any(viewer.has_role(role) for role in OFFICERS):
        raise Refused(_("%(username)s is not an administrator or a security officer") % {"username": viewer.username})


def principals_matching(viewer, query: str = ""):
    """Principals whose username or name holds `query` (every one when it is blank), by username: for
    administrators and security officers only (Refused for anyone else)."""
    _require_officer(viewer)
    rows = principals()
    for word in (query or "").replace("\x00", "").split():
        rows = rows.filter(Q(username__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return rows


def principal_for_officer(viewer, username: str) -> Principal:
    """One principal as the officers' desk shows it; NotFound if there is none, or the viewer is no officer
    (the two look the same)."""
    if not viewer.is_active or not any(viewer.has_role(role) for role in OFFICERS) or "\x00" in username:
        raise NotFound(_("no principal %(username)s") % {"username": repr(username)})
    found = principals().filter(username=username).first()
    if found is None:
        raise NotFound(_("no principal %(username)s") % {"username": repr(username)})
    return found


def pending_requests_for(principal: Principal) -> QuerySet[AccessRequest]:
    """Requests for access about `principal` awaiting a second officer (show them only to officers)."""
    return (
        AccessRequest.objects.select_related("requested_by")
        .filter(state=AccessRequest.State.PENDING, username=principal.username)
        .order_by("requested_at", "id")
    )


def own_tokens(principal) -> QuerySet[ApiToken]:
    """The principal's own API tokens (an admin too sees only theirs here), newest first."""
    return tokens(principal).filter(principal=principal).order_by("-created_at", "-id")


def own_token(principal, token_id: int) -> ApiToken:
    """One of the principal's own tokens; NotFound for anybody else's or none."""
    found = own_tokens(principal).filter(pk=token_id).first()
    if found is None:
        raise NotFound(_("no token %(id)s") % {"id": token_id})
    return found


def units_with_members():
    """Units and posts by code, each with `member_count`."""
    return units().annotate(member_count=Count("members"))


def compartments_with_holders():
    """Compartments by code, each with `holder_count`."""
    return compartments().annotate(holder_count=Count("holders"))
