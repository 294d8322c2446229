"""Use cases for bodies. Meetings, protocols and extracts come with the decisions work."""

from django.db import transaction

from secretariat.accounts.models import Principal, Role, Unit
from secretariat.audit.services import record
from secretariat.decisions.models import Body
from secretariat.errors import InvalidInput, unique_or_refused


@transaction.atomic
def add_body(by: Principal, name: str, prefix: str, *, return_days: int = 7, registry_unit: Unit | None = None) -> Body:
    by.require_role(Role.ADMIN, "set up bodies")
    name, prefix = name.strip(), prefix.strip().upper()
    if not 1 <= len(name) <= 200 or not prefix.isalnum() or len(prefix) > 8:
        raise InvalidInput("a body needs a name and an alphanumeric registration prefix")
    if not 1 <= return_days <= 3650:
        raise InvalidInput("return period must be between 1 and 3650 days")
    with unique_or_refused(f"a body named {name!r} or with prefix {prefix!r} exists already"):
        body = Body.objects.create(name=name, prefix=prefix, return_days=return_days, registry_unit=registry_unit)
    record(
        by,
        "body.added",
        body,
        {
            "name": name,
            "prefix": prefix,
            "return_days": return_days,
            "registry_unit": registry_unit.code if registry_unit else None,
        },
    )
    return body
