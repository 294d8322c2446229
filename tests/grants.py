"""Grants of access as the tests make them, the registry's way: the administrator asks, the
security officer (username `security`, unless given) approves. No password is set: a test that
logs in activates the account with its code (tests/accounts) or uses the demo's logins."""

from secretariat.accounts import services as accounts
from secretariat.accounts.models import AccessRequest, Principal
from secretariat.kernel.principals import principal_by_username


def install(
    admin: str = "admin", security_officer: str = "security", clearance="TOP SECRET"
) -> tuple[Principal, Principal]:
    ceremony = accounts.bootstrap(admin, security_officer, clearance=clearance)
    return ceremony.admin.principal, ceremony.security_officer.principal


def _approved(request: AccessRequest, security_officer: Principal | None) -> Principal:
    return accounts.approve(security_officer or principal_by_username("security"), request.pk).principal


def add_principal(admin: Principal, username: str, *, security_officer: Principal | None = None, **kwargs) -> Principal:
    return _approved(accounts.request_principal(admin, username, **kwargs), security_officer)


def change_clearance(admin: Principal, principal: Principal, *, security_officer=None, **kwargs) -> Principal:
    """Lowered at once, or raised once the security officer approves; `principal` shows the change
    (its prefetched compartments are read again), as it did when the change was made on it."""
    changed = accounts.change_clearance(admin, principal, **kwargs)
    if isinstance(changed, AccessRequest):
        _approved(changed, security_officer)
    principal.refresh_from_db()
    principal._prefetched_objects_cache = {}
    return principal
