"""Issuing, revoking and checking API tokens.

A principal issues tokens for themselves only (a token acts as its holder, so nobody makes one
for somebody else); the holder or an admin revokes one. Both are audited. A token stops working
when it is revoked or its principal is deactivated.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction

from secretariat.accounts.models import Principal
from secretariat.api import selectors
from secretariat.api.models import ApiToken
from secretariat.audit.services import record
from secretariat.kernel import clock
from secretariat.kernel.errors import NotFound, Refused, bounded, unique_or_refused

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
    token = selectors.tokens(by).select_for_update(of=("self",)).filter(pk=token_id).first()
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
