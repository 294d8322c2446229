"""How API tokens (never with their secret), requests for access and activation codes look on
the command line and in JSON."""

from secretariat.accounts.models import AccessRequest, ApiToken
from secretariat.kernel.classification import Level
from secretariat.kernel.desks import needs_second_factor
from secretariat.kernel.formats import iso, stamp


def token_json(token: ApiToken) -> dict:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "principal": token.principal.username,
        "created_at": iso(token.created_at),
        "last_used_at": iso(token.last_used_at),
        "revoked_at": iso(token.revoked_at),
    }


def token_line(token: ApiToken) -> str:
    state = f"revoked {stamp(token.revoked_at)}" if token.is_revoked else f"last used {stamp(token.last_used_at)}"
    return f"token {token.pk:>4}  {token.prefix}…  {token.principal.username:<12} {state:<28} {token.name}"


def request_json(request: AccessRequest) -> dict:
    change = dict(request.change)
    if "clearance" in change:
        change["clearance"] = Level(change["clearance"]).label
    return {
        "id": request.pk,
        "kind": request.kind,
        "what": request.get_kind_display(),
        "username": request.username,
        "change": change,
        "asked": request.asked,
        "state": request.state,
        "requested_by": request.requested_by.username,
        "requested_at": iso(request.requested_at),
        "decided_by": request.decided_by.username if request.decided_by else None,
        "decided_at": iso(request.decided_at),
        "reason": request.reason,
    }


def request_line(row: dict) -> str:
    return (
        f"request {row['id']:>4}  {row['what']:<34} {row['username']:<14} {row['asked']:<40} "
        f"asked by {row['requested_by']}"
    )


def request_text(request: AccessRequest) -> str:
    row = request_json(request)
    if request.state == AccessRequest.State.PENDING:
        return f"{request_line(row)}\nawaits a second officer: `secretariat principal approve {request.pk} --as OFFICER --secret-stdin`"
    return f"{request_line(row)}\n{request.get_state_display()} by {row['decided_by']}" + (
        f": {request.reason}" if request.reason else ""
    )


def activation_json(activated) -> dict:
    return {
        "username": activated.principal.username,
        "roles": sorted(activated.principal.role_codes),
        "activation_code": activated.code,
        "expires_at": iso(activated.expires_at),
    }


def activation_text(row: dict) -> str:
    return (
        f"{row['username']} ({','.join(row['roles']) or 'no roles'}): activation code {row['activation_code']}, "
        f"valid until {row['expires_at']}; hand it over in person: with it they set their own password at /activate/ "
        "(or `secretariat principal activate`) and enrol their authenticator. It is shown once."
    )


def approved_json(approved) -> dict:
    return {
        "request": request_json(approved.request),
        "principal": approved.principal.summary(),
        "activation": activation_json(approved.activation) if approved.activation else None,
    }


def approved_text(data: dict) -> str:
    lines = [f"approved request {data['request']['id']}: {data['request']['what']} for {data['request']['username']}"]
    summary = data["principal"]
    lines.append(f"{summary['username']}: {summary['clearance']}, roles {','.join(summary['roles']) or '-'}")
    if data["activation"]:
        lines.append(activation_text(data["activation"]))
    return "\n".join(lines)


def activated_text(principal) -> str:
    text = f"{principal.username}: activated; your password is set."
    if needs_second_factor(principal):
        text += " Your clearance calls for an authenticator: log in on the web within the hour to enrol it."
    return text


def principal_detail_json(principal, pending=None) -> dict:
    """A principal as the officers see them (the API's PrincipalOfficersOut; with `pending`, PrincipalDetailOut)."""
    classification = principal.classification
    row = {
        "username": principal.username,
        "name": principal.get_full_name(),
        "clearance": str(classification),
        "level": classification.level.label,
        "compartments": sorted(classification.compartments),
        "roles": sorted(principal.role_codes),
        "unit": principal.unit.code if principal.unit else None,
        "active": principal.is_active,
    }
    if pending is not None:
        row["pending_requests"] = [request_json(r) for r in pending]
    return row


def unit_json(unit) -> dict:
    return {"code": unit.code, "name": unit.name, "kind": unit.kind, "members": _count(unit, "member_count", "members")}


def compartment_json(compartment) -> dict:
    return {
        "code": compartment.code,
        "name": compartment.name,
        "holders": _count(compartment, "holder_count", "holders"),
    }


def _count(row, annotated: str, related: str) -> int:
    """The count the selector annotated, or counted now for a row just made."""
    value = getattr(row, annotated, None)
    return value if value is not None else getattr(row, related).count()
