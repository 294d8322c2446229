"""The accounts desk's operations over HTTP: principals as the officers see them, the changes an administrator
makes or asks for (a raise, roles, a reset: requests another officer approves at /access-requests), units and
posts, compartments. Each handler calls one selector or service, as the desk and the command line do."""

from ninja import Field as QueryField
from ninja import Query, Router, Status

from secretariat.accounts import presenters, selectors, services
from secretariat.accounts.models import AccessRequest
from secretariat.api.operations.account_schemas import (
    ClearanceIn,
    CompartmentIn,
    CompartmentOut,
    DeactivateIn,
    PrincipalDetailOut,
    PrincipalOfficersOut,
    RolesIn,
    UnitIn,
    UnitOut,
)
from secretariat.api.problems import problems
from secretariat.api.schemas import AccessRequestOut, Paging, Text

router = Router(tags=["accounts"])


class PrincipalQuery(Paging):
    q: Text = QueryField("", max_length=150, description="words each found in the username or the name")


def _detail(principal) -> dict:
    return presenters.principal_detail_json(principal, selectors.pending_requests_for(principal))


@router.get(
    "/principals",
    response={200: list[PrincipalOfficersOut], **problems(409, 422)},
    operation_id="list_principals",
)
def list_principals(request, query: Query[PrincipalQuery]):
    """Principals whose username or name holds every word of `q`, by username, a page at a time
    (administrators and security officers)."""
    return [presenters.principal_detail_json(p) for p in query.of(selectors.principals_matching(request.auth, query.q))]


@router.get(
    "/principals/{username}", response={200: PrincipalDetailOut, **problems(404)}, operation_id="show_principal"
)
def show_principal(request, username: str):
    """One principal, with the requests about them awaiting a second officer (administrators and security
    officers; anyone else is told there is no such principal)."""
    return _detail(selectors.principal_for_officer(request.auth, username))


@router.post(
    "/principals/{username}/clearance",
    response={200: PrincipalDetailOut, 202: AccessRequestOut, **problems(404, 409, 422)},
    operation_id="change_clearance",
)
def change_clearance(request, username: str, payload: ClearanceIn):
    """Lower a clearance at once (200, the principal as they now are); a raise, or a compartment added, is a
    request another officer approves (202, the request). Administrators."""
    target = selectors.principal_for_officer(request.auth, username)
    done = services.change_clearance(
        request.auth, target, clearance=payload.clearance, compartments=payload.compartments
    )
    if isinstance(done, AccessRequest):
        return Status(202, presenters.request_json(done))
    return _detail(done)


@router.post(
    "/principals/{username}/roles",
    response={202: AccessRequestOut, **problems(404, 409, 422)},
    operation_id="grant_roles",
)
def grant_roles(request, username: str, payload: RolesIn):
    """Ask for roles for a principal (administrators): a request another officer approves."""
    target = selectors.principal_for_officer(request.auth, username)
    return Status(202, presenters.request_json(services.grant_roles(request.auth, target, payload.roles)))


@router.post(
    "/principals/{username}/reset",
    response={202: AccessRequestOut, **problems(404, 409)},
    operation_id="request_reset",
)
def request_reset(request, username: str):
    """Ask for a new activation code for a principal who lost their password or authenticator
    (administrators): a request another officer approves, which voids both."""
    target = selectors.principal_for_officer(request.auth, username)
    return Status(202, presenters.request_json(services.request_reset(request.auth, target)))


@router.post(
    "/principals/{username}/deactivate",
    response={200: PrincipalDetailOut, **problems(404, 409, 422)},
    operation_id="deactivate",
)
def deactivate(request, username: str, payload: DeactivateIn):
    """Stop a principal logging in, reading or acting, their tokens with them; the account and its history
    stay (administrators; nobody deactivates themselves)."""
    target = selectors.principal_for_officer(request.auth, username)
    return _detail(services.deactivate(request.auth, target, payload.reason))


@router.get("/units", response={200: list[UnitOut], **problems(422)}, operation_id="list_units")
def list_units(request, paging: Query[Paging]):
    """Units at home and posts abroad, by code, each with how many principals it holds."""
    return [presenters.unit_json(u) for u in paging.of(selectors.units_with_members())]


@router.post("/units", response={201: UnitOut, **problems(409, 422)}, operation_id="add_unit")
def add_unit(request, payload: UnitIn):
    """Add a unit or, with `post`, a post (administrators)."""
    unit = services.add_unit(request.auth, payload.code, payload.name, post=payload.post)
    return Status(201, presenters.unit_json(unit))


@router.get("/compartments", response={200: list[CompartmentOut], **problems(422)}, operation_id="list_compartments")
def list_compartments(request, paging: Query[Paging]):
    """Compartments, by code, each with how many principals hold it."""
    return [presenters.compartment_json(c) for c in paging.of(selectors.compartments_with_holders())]


@router.post("/compartments", response={201: CompartmentOut, **problems(409, 422)}, operation_id="add_compartment")
def add_compartment(request, payload: CompartmentIn):
    """Add a compartment (administrators); it is granted to whoever adds it, who may then grant it further."""
    compartment = services.add_compartment(request.auth, payload.code, payload.name)
    return Status(201, presenters.compartment_json(compartment))
