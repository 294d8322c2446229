"""How API tokens look on the command line and in JSON (never with their secret)."""

from secretariat.accounts.models import ApiToken
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
