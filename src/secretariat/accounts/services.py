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
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from secretariat.accounts.labels import REQUEST
from secretariat.accounts.models import AccessRequest, Activation, ApiToken, Compartment, Principal, RoleGrant, Unit
from secretariat.accounts.selectors import compartments_by_code, tokens, unit_by_code
from secretariat.audit.models import AuditHead
from secretariat.audit.services import record
from secretariat.kernel import clock
from secretariat.kernel.classification import Classification, Level, normalise_compartment
from secretariat.kernel.errors import InvalidInput, NotFound, Refused, bounded, unique_or_refused
from secretariat.kernel.labels import shown
from secretariat.kernel.principals import OFFICERS, Role
from secretariat.kernel.usecases import use_case

SESSION = "a browser session's own step: the API authenticates by token, the command line by --as"
INSTALLATION = "the operator's, once: installs the first two officers"


def _check_grant(by: Principal, wanted: Classification) -> None:
    """Nobody grants a clearance or compartment above their own."""
    if not by.classification.dominates(wanted):
        raise Refused(
            _("%(username)s holds %(held)s and cannot grant %(wanted)s")
            % {"username": by.username, "held": by.classification, "wanted": wanted}
        )


# Whoever manages accounts must not also keep the register or watch the log: an admin who
# could make themselves a registrar could put themselves on a distribution and read. The
# security officer, who approves what an admin asks, is a second person, never the admin.
SEPARATED_DUTIES = [
    {Role.ADMIN, Role.REGISTRAR},
    {Role.ADMIN, Role.AUDITOR},
    {Role.ADMIN, Role.SECURITY_OFFICER},
    {Role.SECURITY_OFFICER, Role.REGISTRAR},
]


def _roles(roles: Iterable[str], held: Iterable[str] = ()) -> list[str]:
    valid = set(Role.values)
    roles = list(dict.fromkeys(roles))
    if unknown := [r for r in roles if r not in valid]:
        raise InvalidInput(
            _("unknown role(s): %(unknown)s; use %(roles)s")
            % {"unknown": ", ".join(unknown), "roles": ", ".join(Role.values)}
        )
    combined = set(roles) | set(held)
    for duties in SEPARATED_DUTIES:
        if duties <= combined:
            raise Refused(
                _("the roles %(first)s and %(second)s may not be held by one principal")
                % dict(zip(("first", "second"), sorted(duties), strict=True))
            )
    return roles


def _level(level) -> Level:
    try:
        return Level.parse(level)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


def _username(username: str) -> str:
    username = (username or "").strip()
    try:
        Principal.username_validator(username)
    except ValidationError:
        raise InvalidInput(
            _("malformed username %(username)s: letters, digits and @.+-_ only") % {"username": repr(username)}
        ) from None
    if not 1 <= len(username) <= 150:
        raise InvalidInput(_("a username has 1 to 150 characters"))
    return username


def _grant(principal: Principal, roles: Iterable[str]) -> None:
    for role in roles:  # one by one, as every text is checked on save
        RoleGrant.objects.create(principal=principal, role=role)


def _create(username, *, first_name, last_name, email, clearance, compartments, roles, unit) -> Principal:
    """A principal without a usable password: they set their own with an activation code."""
    principal = Principal(
        username=_username(username),
        first_name=first_name,
        last_name=last_name,
        email=email,
        clearance=clearance,
        unit=unit,
    )
    principal.set_unusable_password()
    with unique_or_refused(_("a principal named %(username)s exists already") % {"username": repr(principal.username)}):
        principal.save()
    principal.compartments.set(compartments)
    _grant(principal, roles)
    return principal


@dataclass(frozen=True)
class Activated:
    """A principal and the activation code to hand over to them (shown once, never kept)."""

    principal: Principal
    code: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class Ceremony:
    admin: Activated
    security_officer: Activated


@transaction.atomic
@use_case(faces=("cli",), because=INSTALLATION)
def bootstrap(admin: str, security_officer: str, *, clearance="TOP SECRET") -> Ceremony:
    """Installation: the first administrator and the first security officer, made together, each
    with an activation code. From then on no grant of access takes effect without two officers
    (one asks, another approves). Refused once any officer exists."""
    AuditHead.objects.select_for_update().get(pk=1)  # serialises bootstraps on PostgreSQL too
    if RoleGrant.objects.filter(role__in=OFFICERS).exists():
        raise Refused(_("the registry is installed already: its officers add principals"))
    level = _level(clearance)
    if _username(admin) == _username(security_officer):
        raise InvalidInput(_("the administrator and the security officer are two people, with two usernames"))
    made = []
    for username, role in ((admin, Role.ADMIN), (security_officer, Role.SECURITY_OFFICER)):
        principal = _create(
            username, first_name="", last_name="", email="", clearance=level, compartments=[], roles=[role], unit=None
        )
        record(None, "principal.bootstrapped", principal, principal.summary())
        made.append(_issue_activation(None, principal))
    return Ceremony(*made)


# Grants of access: one officer asks, a second approves (the two-person rule). Taking access
# away (lowering a clearance, deactivating) needs one officer only.


def _wanted_classification(change: dict) -> Classification:
    return Classification(Level(change["clearance"]), frozenset(change.get("compartments", [])))


def _asked(by: Principal, kind: str, username: str, principal: Principal | None, change: dict) -> AccessRequest:
    if AccessRequest.objects.filter(state=AccessRequest.State.PENDING, kind=kind, username=username).exists():
        raise Refused(_("a request of this kind for %(username)s awaits approval already") % {"username": username})
    request = AccessRequest.objects.create(
        kind=kind, username=username, principal=principal, change=change, requested_by=by, requested_at=clock.now()
    )
    record(by, "access.requested", request, {"kind": kind, "username": username, "change": change})
    return request


@transaction.atomic
@use_case
def request_principal(
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
) -> AccessRequest:
    """An administrator asks for a new principal; it exists once a second officer approves."""
    by.require_role(Role.ADMIN, _("manage accounts"))
    username = _username(username)
    if Principal.objects.filter(username=username).exists():
        raise Refused(_("a principal named %(username)s exists already") % {"username": repr(username)})
    level = _level(clearance)
    held = compartments_by_code(compartments)
    _check_grant(by, Classification(level, frozenset(c.code for c in held)))
    change = {
        "clearance": int(level),
        "compartments": sorted(c.code for c in held),
        "roles": _roles(roles),
        "unit": unit_by_code(unit).code if unit else None,
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
    }
    return _asked(by, AccessRequest.Kind.ADD, username, None, change)


@transaction.atomic
@use_case
def change_clearance(
    by: Principal, principal: Principal, *, clearance=None, compartments: Iterable[str] | None = None
) -> Principal | AccessRequest:
    """Lower a clearance at once; a raise, or a compartment added, is a request for a second officer."""
    by.require_role(Role.ADMIN, _("manage accounts"))
    if principal.pk == by.pk:
        raise Refused(_("nobody changes their own clearance"))
    before = principal.classification
    level = _level(clearance) if clearance is not None else before.level
    held = compartments_by_code(compartments) if compartments is not None else list(principal.compartments.all())
    after = Classification(level, frozenset(c.code for c in held))
    _check_grant(by, after)
    if after == before:
        raise Refused(_("%(username)s holds %(held)s already") % {"username": principal.username, "held": before})
    if not before.dominates(after):
        change = {"clearance": int(after.level), "compartments": sorted(after.compartments)}
        return _asked(by, AccessRequest.Kind.CLEARANCE, principal.username, principal, change)
    return _set_clearance(by, principal, after, held)


def _set_clearance(by, principal: Principal, after: Classification, held) -> Principal:
    before = principal.classification
    principal.clearance = after.level
    principal.save(update_fields=["clearance"])
    principal.compartments.set(held)
    record(by, "principal.clearance_changed", principal, {"before": before.as_json(), "after": after.as_json()})
    return principal


@transaction.atomic
@use_case
def deactivate(by: Principal, principal: Principal, reason: str) -> Principal:
    """Stop a principal acting or reading; the account and its history stay."""
    by.require_role(Role.ADMIN, _("manage accounts"))
    if principal.pk == by.pk:
        raise Refused(_("nobody deactivates their own account"))
    if not principal.is_active:
        raise Refused(_("%(username)s is deactivated already") % {"username": principal.username})
    if not reason.strip():
        raise InvalidInput(_("say why the account is deactivated"))
    principal.is_active = False
    principal.save(update_fields=["is_active"])
    record(by, "principal.deactivated", principal, {"reason": reason.strip()})
    return principal


@transaction.atomic
@use_case
def grant_roles(by: Principal, principal: Principal, roles: Iterable[str]) -> AccessRequest:
    """Roles are asked for by an administrator and take effect when a second officer approves."""
    by.require_role(Role.ADMIN, _("manage accounts"))
    if principal.pk == by.pk:
        raise Refused(_("nobody grants roles to themselves"))
    roles = [r for r in _roles(roles, principal.role_codes) if r not in principal.role_codes]
    if not roles:
        raise Refused(_("%(username)s holds these roles already") % {"username": principal.username})
    return _asked(by, AccessRequest.Kind.ROLES, principal.username, principal, {"roles": roles})


@transaction.atomic
@use_case
def request_reset(by: Principal, principal: Principal) -> AccessRequest:
    """A new activation for someone who lost their authenticator or password; approved, it
    voids both, and they set a password and enrol an authenticator again with the code."""
    by.require_role(Role.ADMIN, _("manage accounts"))
    if principal.pk == by.pk:
        raise Refused(_("nobody resets their own account: ask another officer"))
    return _asked(by, AccessRequest.Kind.RESET, principal.username, principal, {})


def _pending(request_id: int) -> AccessRequest:
    try:
        request = AccessRequest.objects.select_for_update().get(pk=request_id)
    except AccessRequest.DoesNotExist:
        raise NotFound(_("no access request %(id)s") % {"id": request_id}) from None
    if request.state != AccessRequest.State.PENDING:
        raise Refused(
            _("request %(id)s is %(state)s already")
            % {"id": request_id, "state": shown(REQUEST, request.get_state_display())}
        )
    return request


def _officer(by: Principal, to: str) -> None:
    if not by.is_active or not any(by.has_role(role) for role in OFFICERS):
        raise Refused(
            _("%(username)s is not an administrator or a security officer: only they may %(to)s")
            % {"username": by.username, "to": to}
        )


@dataclass(frozen=True)
class Approved:
    request: AccessRequest
    principal: Principal
    activation: Activated | None  # for a new principal or a reset: the code to hand over


@transaction.atomic
@use_case
def approve(by: Principal, request_id: int) -> Approved:
    """A second officer puts a request into effect: never the one who asked, never for
    themselves. What the requester could grant was checked when they asked; the rest is checked
    again now, as the world may have moved since (a username taken, a role that now clashes)."""
    _officer(by, _("approve grants of access"))
    request = _pending(request_id)
    if request.requested_by_id == by.pk:
        raise Refused(_("a grant of access needs a second officer: nobody approves their own request"))
    if request.principal_id == by.pk:
        raise Refused(_("nobody approves a grant to themselves"))
    change, activation = request.change, None
    if request.kind == AccessRequest.Kind.ADD:
        principal = _create(
            request.username,
            first_name=change["first_name"],
            last_name=change["last_name"],
            email=change["email"],
            clearance=Level(change["clearance"]),
            compartments=compartments_by_code(change["compartments"]),
            roles=_roles(change["roles"]),
            unit=unit_by_code(change["unit"]) if change["unit"] else None,
        )
        request.principal = principal
        record(by, "principal.added", principal, {**principal.summary(), "requested_by": request.requested_by.username})
        activation = _issue_activation(by, principal)
    else:
        principal = Principal.objects.ready_to_act().get(pk=request.principal_id)
        if request.kind == AccessRequest.Kind.CLEARANCE:
            wanted = _wanted_classification(change)
            _set_clearance(by, principal, wanted, compartments_by_code(change["compartments"]))
        elif request.kind == AccessRequest.Kind.ROLES:
            roles = [r for r in _roles(change["roles"], principal.role_codes) if r not in principal.role_codes]
            _grant(principal, roles)
            record(
                by,
                "principal.roles_granted",
                principal,
                {"roles": roles, "requested_by": request.requested_by.username},
            )
        else:
            principal.set_unusable_password()
            principal.save(update_fields=["password"])
            devices = list(TOTPDevice.objects.filter(user=principal).values_list("pk", flat=True))
            TOTPDevice.objects.filter(user=principal).delete()
            record(by, "principal.reset", principal, {"devices_removed": devices})
            activation = _issue_activation(by, principal)
    request.state, request.decided_by, request.decided_at = AccessRequest.State.APPROVED, by, clock.now()
    request.save(update_fields=["principal", "state", "decided_by", "decided_at"])
    record(by, "access.approved", request, {"kind": request.kind, "username": request.username})
    return Approved(request, Principal.objects.ready_to_act().get(pk=principal.pk), activation)


@transaction.atomic
@use_case
def reject(by: Principal, request_id: int, reason: str) -> AccessRequest:
    """An officer turns a request down (the one who asked may withdraw it); nothing takes effect."""
    _officer(by, _("decide on grants of access"))
    request = _pending(request_id)
    request.reason = bounded(reason, _("the reason"), 500)
    request.state, request.decided_by, request.decided_at = AccessRequest.State.REJECTED, by, clock.now()
    request.save(update_fields=["reason", "state", "decided_by", "decided_at"])
    record(
        by, "access.rejected", request, {"kind": request.kind, "username": request.username, "reason": request.reason}
    )
    return request


# Activation: the person, not an officer, sets their password and enrols their authenticator.

ACTIVATION_LIFETIME = dt.timedelta(days=3)
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from paper


def _code_hash(code: str) -> str:
    return hashlib.sha256(re.sub(r"[\s-]", "", code).upper().encode()).hexdigest()


def _issue_activation(by: Principal | None, principal: Principal) -> Activated:
    """A fresh code for `principal` (100 bits); any earlier unused one stops working."""
    now = clock.now()
    Activation.objects.filter(principal=principal, used_at__isnull=True).update(expires_at=now)
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(20))
    code = "-".join(raw[i : i + 5] for i in range(0, 20, 5))
    activation = Activation.objects.create(
        principal=principal, code_hash=_code_hash(code), issued_at=now, expires_at=now + ACTIVATION_LIFETIME
    )
    record(
        by,
        "principal.activation_issued",
        principal,
        {"activation": activation.pk, "expires_at": activation.expires_at.isoformat()},
    )
    return Activated(principal, code, activation.expires_at)


def _activation(username: str, code: str) -> Activation:
    if "\x00" in username:  # no username holds one, and PostgreSQL would refuse the lookup
        raise Refused(_("that activation code is not valid for this username: wrong, used or expired"))
    found = (
        Activation.objects.select_for_update()
        .select_related("principal")
        .filter(principal__username=username, code_hash=_code_hash(code), used_at__isnull=True)
        .first()
    )
    if found is None or found.expires_at <= clock.now() or not found.principal.is_active:
        raise Refused(_("that activation code is not valid for this username: wrong, used or expired"))
    return found


@transaction.atomic
@use_case(faces=("web", "cli"), because="a new person holds no API token yet: they activate where they will work")
def activate(username: str, code: str, password: str) -> Principal:
    """Redeem an activation code: the person sets their own password (once per code). Whoever
    needs a second factor enrols their authenticator next, in the same session (`enrol_totp`,
    then `confirm_totp`); nowhere else can one be enrolled."""
    activation = _activation(username, code)
    principal = activation.principal
    try:
        validate_password(password, principal)
    except ValidationError as exc:
        raise InvalidInput(_("password refused: %(reasons)s") % {"reasons": " ".join(exc.messages)}) from None
    principal.set_password(password)
    principal.save(update_fields=["password"])
    activation.used_at = clock.now()
    activation.save(update_fields=["used_at"])
    record(principal, "principal.activated", principal, {"activation": activation.pk})
    activated = Principal.objects.ready_to_act().get(pk=principal.pk)
    activated.backend = "django.contrib.auth.backends.ModelBackend"  # authenticated: by the code and the new password
    return activated


def prove_identity(principal: Principal, secret: str) -> None:
    """Refused unless `secret` is this principal's password or one of their live API tokens:
    how the command line, where `--as` names anyone, makes an approver prove who they are."""
    if principal.check_password(secret):
        return
    holder = principal_for_token(secret) if secret.startswith(f"{SCHEME}_") else None
    if holder is None or holder.pk != principal.pk:
        raise Refused(
            _("that is not %(username)s's password or API token: an approval needs the approver's own secret")
            % {"username": principal.username}
        )


@transaction.atomic
@use_case
def add_unit(by: Principal, code: str, name: str, *, post: bool = False) -> Unit:
    by.require_role(Role.ADMIN, _("manage accounts"))
    code, name = code.strip(), name.strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,59}", code) or not 1 <= len(name) <= 200:
        raise InvalidInput(
            _("a unit needs a code (lowercase letters, digits, hyphens) and a name of at most 200 characters")
        )
    with unique_or_refused(_("unit %(code)s exists already") % {"code": repr(code)}):
        unit = Unit.objects.create(code=code, name=name, kind=Unit.Kind.POST if post else Unit.Kind.UNIT)
    record(by, "unit.added", unit, {"code": unit.code, "name": unit.name, "kind": unit.kind})
    return unit


@transaction.atomic
@use_case
def add_compartment(by: Principal, code: str, name: str = "") -> Compartment:
    """A new compartment is granted to its creator, who alone can then grant it further."""
    by.require_role(Role.ADMIN, _("manage accounts"))
    try:
        code = normalise_compartment(code)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    with unique_or_refused(_("compartment %(code)s exists already") % {"code": repr(code)}):
        compartment = Compartment.objects.create(code=code, name=name.strip()[:200])
    by.compartments.add(compartment)
    record(by, "compartment.added", compartment, {"code": code, "name": compartment.name, "granted_to": by.username})
    return compartment


ENROLMENT_WINDOW = dt.timedelta(hours=1)


@transaction.atomic
@use_case(faces=("web",), because=SESSION)
def enrol_totp(principal: Principal) -> TOTPDevice:
    """The principal's authenticator awaiting confirmation: the one shown before, else a new one.

    Only right after an activation with a code (within ENROLMENT_WINDOW) and while no
    authenticator is confirmed: a password alone never enrols one, so whoever learns a
    password first cannot take the second factor (no trust on first use)."""
    if TOTPDevice.objects.filter(user=principal, confirmed=True).exists():
        raise Refused(
            _("%(username)s has an authenticator already; a security officer can reset it")
            % {"username": principal.username}
        )
    if not Activation.objects.filter(principal=principal, used_at__gte=clock.now() - ENROLMENT_WINDOW).exists():
        raise Refused(
            _(
                "%(username)s has no authenticator, and one is enrolled only right after activation with a "
                "code: ask an administrator for a reset, which a second officer approves"
            )
            % {"username": principal.username}
        )
    if pending := TOTPDevice.objects.filter(user=principal, confirmed=False).first():
        return pending
    device = TOTPDevice.objects.create(user=principal, name="authenticator", confirmed=False)
    record(principal, "principal.totp_enrolment_started", principal, {"device": device.pk})
    return device


@transaction.atomic
@use_case(faces=("web",), because=SESSION)
def confirm_totp(principal: Principal, device: TOTPDevice, token: str, request=None) -> bool:
    """Confirm the authenticator with a first code from it, and verify the `request`'s session
    with it when there is one; False (nothing changed) if the code is wrong."""
    if device.user_id != principal.pk or device.confirmed:
        raise Refused(_("no authenticator awaiting confirmation"))
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    if request is not None:
        otp_login(request, device)
    record(principal, "principal.totp_confirmed", principal, {"device": device.pk})
    return True


# Sessions: who came in, passed the second factor, and left, each an event for the auditors.


@transaction.atomic
@use_case(faces=("web",), because=SESSION)
def log_in(request, principal: Principal) -> None:
    """Start the principal's session (a new session key: no fixation) after their password."""
    auth.login(request, principal)
    record(principal, "principal.logged_in", principal)


@transaction.atomic
@use_case(faces=("web",), because=SESSION)
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
@use_case(faces=("web",), because=SESSION)
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
@use_case
def issue_token(by: Principal, name: str) -> IssuedToken:
    if not by.is_active:
        raise Refused(_("%(username)s is deactivated and may not hold API tokens") % {"username": by.username})
    name = bounded(name, _("the token's name"), ApiToken._meta.get_field("name").max_length)
    prefix = f"{SCHEME}_{secrets.token_hex(4)}"
    secret = f"{prefix}_{secrets.token_urlsafe(32)}"
    with unique_or_refused(_("a token with the same prefix exists: issue it again")):
        token = ApiToken.objects.create(
            principal=by, name=name, prefix=prefix, key_hash=key_hash(secret), created_at=clock.now()
        )
    record(by, "token.issued", token, {"principal": by.username, "name": name, "prefix": prefix})
    return IssuedToken(token, secret)


@transaction.atomic
@use_case
def revoke_token(by: Principal, token_id: int) -> ApiToken:
    """The holder revokes their own token; an admin anyone's. Someone else's looks missing."""
    token = tokens(by).select_for_update(of=("self",)).filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("no token %(id)s") % {"id": token_id})
    if token.is_revoked:
        raise Refused(_("token %(id)s was revoked already") % {"id": token_id})
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
