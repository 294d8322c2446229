"""Use cases that change principals, units, compartments and API tokens. Each appends its audit event."""

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib import auth
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from secretariat.accounts.models import ApiToken, Compartment, Principal, RoleGrant, Unit
from secretariat.accounts.selectors import compartments_by_code, tokens, unit_by_code
from secretariat.audit.models import AuditHead
from secretariat.audit.services import record
from secretariat.kernel import clock
from secretariat.kernel.classification import Classification, Level, normalise_compartment
from secretariat.kernel.errors import InvalidInput, NotFound, Refused, bounded, unique_or_refused
from secretariat.kernel.principals import Role


def _check_grant(by: Principal, wanted: Classification) -> None:
    """Nobody grants a clearance or compartment above their own."""
    if not by.classification.dominates(wanted):
        raise Refused(f"{by.username} holds {by.classification} and cannot grant {wanted}")


# Whoever manages accounts must not also keep the register or watch the log: an admin who
# could make themselves a registrar could put themselves on a distribution and read.
SEPARATED_DUTIES = [{Role.ADMIN, Role.REGISTRAR}, {Role.ADMIN, Role.AUDITOR}]


def _roles(roles: Iterable[str], held: Iterable[str] = ()) -> list[str]:
    valid = set(Role.values)
    roles = list(dict.fromkeys(roles))
    if unknown := [r for r in roles if r not in valid]:
        raise InvalidInput(f"unknown role(s): {', '.join(unknown)}; use {', '.join(Role.values)}")
    combined = set(roles) | set(held)
    for duties in SEPARATED_DUTIES:
        if duties <= combined:
            raise Refused(f"the roles {' and '.join(sorted(duties))} may not be held by one principal")
    return roles


def _level(level) -> Level:
    try:
        return Level.parse(level)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


def _create(username, *, first_name, last_name, email, clearance, compartments, roles, unit, password) -> Principal:
    username = (username or "").strip()
    try:
        Principal.username_validator(username)
    except ValidationError:
        raise InvalidInput(f"malformed username {username!r}: letters, digits and @.+-_ only") from None
    principal = Principal(
        username=username, first_name=first_name, last_name=last_name, email=email, clearance=clearance, unit=unit
    )
    if password is None:
        principal.set_unusable_password()
    else:
        try:
            validate_password(password, principal)
        except ValidationError as exc:
            raise InvalidInput("password refused: " + " ".join(exc.messages)) from None
        principal.set_password(password)
    with unique_or_refused(f"a principal named {username!r} exists already"):
        principal.save()
    principal.compartments.set(compartments)
    for role in roles:  # one by one, as every text is checked on save (kernel/texts.py)
        RoleGrant.objects.create(principal=principal, role=role)
    return principal


@transaction.atomic
def bootstrap_admin(username: str, *, clearance="TOP SECRET", password: str | None = None, **names) -> Principal:
    """The first admin, made when nobody can grant yet. Refused once any admin exists."""
    AuditHead.objects.select_for_update().get(pk=1)  # serialises bootstraps on PostgreSQL too
    if RoleGrant.objects.filter(role=Role.ADMIN).exists():
        raise Refused("an admin exists already; ask them to add principals")
    principal = _create(
        username,
        first_name=names.get("first_name", ""),
        last_name=names.get("last_name", ""),
        email=names.get("email", ""),
        clearance=_level(clearance),
        compartments=[],
        roles=[Role.ADMIN],
        unit=None,
        password=password,
    )
    record(None, "principal.bootstrapped", principal, principal.summary())
    return principal


@transaction.atomic
def add_principal(
    by: Principal,
    username: str,
    *,
    clearance="UNCLASSIFIED",
    compartments: Iterable[str] = (),
    roles: Iterable[str] = (),
    unit: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    password: str | None = None,
) -> Principal:
    by.require_role(Role.ADMIN, "manage accounts")
    level = _level(clearance)
    held = compartments_by_code(compartments)
    _check_grant(by, Classification(level, frozenset(c.code for c in held)))
    roles = _roles(roles)
    principal = _create(
        username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        clearance=level,
        compartments=held,
        roles=roles,
        unit=unit_by_code(unit) if unit else None,
        password=password,
    )
    record(by, "principal.added", principal, principal.summary())
    return principal


@transaction.atomic
def change_clearance(
    by: Principal, principal: Principal, *, clearance=None, compartments: Iterable[str] | None = None
) -> Principal:
    """Raise or lower a clearance; what is granted must stay within the granter's own."""
    by.require_role(Role.ADMIN, "manage accounts")
    if principal.pk == by.pk:
        raise Refused("nobody changes their own clearance")
    before = principal.classification
    level = _level(clearance) if clearance is not None else before.level
    held = compartments_by_code(compartments) if compartments is not None else list(principal.compartments.all())
    after = Classification(level, frozenset(c.code for c in held))
    _check_grant(by, after)
    principal.clearance = level
    principal.save(update_fields=["clearance"])
    principal.compartments.set(held)
    record(by, "principal.clearance_changed", principal, {"before": before.as_json(), "after": after.as_json()})
    return principal


@transaction.atomic
def deactivate(by: Principal, principal: Principal, reason: str) -> Principal:
    """Stop a principal acting or reading; the account and its history stay."""
    by.require_role(Role.ADMIN, "manage accounts")
    if principal.pk == by.pk:
        raise Refused("nobody deactivates their own account")
    if not principal.is_active:
        raise Refused(f"{principal.username} is deactivated already")
    if not reason.strip():
        raise InvalidInput("say why the account is deactivated")
    principal.is_active = False
    principal.save(update_fields=["is_active"])
    record(by, "principal.deactivated", principal, {"reason": reason.strip()})
    return principal


@transaction.atomic
def grant_roles(by: Principal, principal: Principal, roles: Iterable[str]) -> Principal:
    by.require_role(Role.ADMIN, "manage accounts")
    if principal.pk == by.pk:
        raise Refused("nobody grants roles to themselves")
    roles = [r for r in _roles(roles, principal.role_codes) if r not in principal.role_codes]
    if not roles:
        raise Refused(f"{principal.username} holds these roles already")
    for role in roles:  # one by one, as every text is checked on save (kernel/texts.py)
        RoleGrant.objects.create(principal=principal, role=role)
    record(by, "principal.roles_granted", principal, {"roles": roles})
    return Principal.objects.prefetch_related("compartments", "role_grants").get(pk=principal.pk)


@transaction.atomic
def add_unit(by: Principal, code: str, name: str, *, post: bool = False) -> Unit:
    by.require_role(Role.ADMIN, "manage accounts")
    code, name = code.strip(), name.strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,59}", code) or not 1 <= len(name) <= 200:
        raise InvalidInput(
            "a unit needs a code (lowercase letters, digits, hyphens) and a name of at most 200 characters"
        )
    with unique_or_refused(f"unit {code!r} exists already"):
        unit = Unit.objects.create(code=code, name=name, kind=Unit.Kind.POST if post else Unit.Kind.UNIT)
    record(by, "unit.added", unit, {"code": unit.code, "name": unit.name, "kind": unit.kind})
    return unit


@transaction.atomic
def add_compartment(by: Principal, code: str, name: str = "") -> Compartment:
    """A new compartment is granted to its creator, who alone can then grant it further."""
    by.require_role(Role.ADMIN, "manage accounts")
    try:
        code = normalise_compartment(code)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    with unique_or_refused(f"compartment {code!r} exists already"):
        compartment = Compartment.objects.create(code=code, name=name.strip()[:200])
    by.compartments.add(compartment)
    record(by, "compartment.added", compartment, {"code": code, "name": compartment.name, "granted_to": by.username})
    return compartment


@transaction.atomic
def enrol_totp(principal: Principal) -> TOTPDevice:
    """The principal's authenticator awaiting confirmation: the one shown before, else a new one."""
    if pending := TOTPDevice.objects.filter(user=principal, confirmed=False).first():
        return pending
    device = TOTPDevice.objects.create(user=principal, name="authenticator", confirmed=False)
    record(principal, "principal.totp_enrolment_started", principal, {"device": device.pk})
    return device


@transaction.atomic
def confirm_totp(request, principal: Principal, device: TOTPDevice, token: str) -> bool:
    """Confirm the authenticator with a first code from it and verify the session with it; False
    (nothing changed) if the code is wrong."""
    if device.user_id != principal.pk or device.confirmed:
        raise Refused("no authenticator awaiting confirmation")
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    record(principal, "principal.totp_confirmed", principal, {"device": device.pk})
    return True


# Sessions: who came in, passed the second factor, and left, each an event for the auditors.


@transaction.atomic
def log_in(request, principal: Principal) -> None:
    """Start the principal's session (a new session key: no fixation) after their password."""
    auth.login(request, principal)
    record(principal, "principal.logged_in", principal)


@transaction.atomic
def pass_second_factor(request, principal: Principal, token: str) -> bool:
    """Verify the session with a code from the principal's confirmed authenticator; False
    (nothing changed, no event) for a wrong code."""
    device = match_token(principal, token)
    if device is None:
        return False
    otp_login(request, device)
    record(principal, "principal.second_factor_passed", principal, {"device": device.pk})
    return True


@transaction.atomic
def log_out(request) -> None:
    principal = request.user
    if principal.is_authenticated:
        record(principal, "principal.logged_out", principal)
    auth.logout(request)


# API tokens. A principal issues tokens for themselves only (a token acts as its holder, so nobody
# makes one for somebody else); the holder or an admin revokes one. Both are audited. A token stops
# working when it is revoked or its principal is deactivated.

SCHEME = "sct"
# last_used_at is bookkeeping for the holder ("is this token still in use?"), not an event: it
# is written at most once a minute per token, and without an audit event of its own (the
# requests it authenticates append theirs).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def key_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    """A new token and its secret: the only time the secret exists outside its holder's hands."""

    token: ApiToken
    secret: str


@transaction.atomic
def issue_token(by: Principal, name: str) -> IssuedToken:
    if not by.is_active:
        raise Refused(f"{by.username} is deactivated and may not hold API tokens")
    name = bounded(name, "the token's name", ApiToken._meta.get_field("name").max_length)
    prefix = f"{SCHEME}_{secrets.token_hex(4)}"
    secret = f"{prefix}_{secrets.token_urlsafe(32)}"
    with unique_or_refused("a token with the same prefix exists: issue it again"):
        token = ApiToken.objects.create(
            principal=by, name=name, prefix=prefix, key_hash=key_hash(secret), created_at=clock.now()
        )
    record(by, "token.issued", token, {"principal": by.username, "name": name, "prefix": prefix})
    return IssuedToken(token, secret)


@transaction.atomic
def revoke_token(by: Principal, token_id: int) -> ApiToken:
    """The holder revokes their own token; an admin anyone's. Someone else's looks missing."""
    token = tokens(by).select_for_update(of=("self",)).filter(pk=token_id).first()
    if token is None:
        raise NotFound(f"no token {token_id}")
    if token.is_revoked:
        raise Refused(f"token {token_id} was revoked already")
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    record(by, "token.revoked", token, {"principal": token.principal.username, "prefix": token.prefix})
    return token


@transaction.atomic
def principal_for_token(secret: str) -> Principal | None:
    """The active principal a live token acts as; None for anything else (unknown, revoked, deactivated)."""
    if not secret.startswith(f"{SCHEME}_"):
        return None
    token = (
        ApiToken.objects.select_related("principal")
        .prefetch_related("principal__role_grants", "principal__compartments")
        .filter(key_hash=key_hash(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.principal.is_active:
        return None
    now = clock.now()
    if token.last_used_at is None or abs(now - token.last_used_at) >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.principal
