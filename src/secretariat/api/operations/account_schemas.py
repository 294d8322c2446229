"""The shapes of the accounts operations: principals as officers see them, units, compartments, and what an
officer sends to change them."""

from typing import Annotated, Literal

from ninja import Field, Schema

from secretariat.api.schemas import LINE_FILLED, AccessRequestOut, Text
from secretariat.kernel.classification import Level
from secretariat.kernel.principals import Role

LevelName = Literal[tuple(level.label for level in Level)]  # type: ignore[valid-type]
RoleName = Literal[tuple(Role.values)]  # type: ignore[valid-type]
# A compartment's code as the registry writes it (kernel.classification.COMPARTMENT_CODE).
COMPARTMENT = r"^[A-Z][A-Z0-9 -]{0,39}$"
CompartmentCode = Annotated[str, Field(pattern=COMPARTMENT, max_length=40)]


class PrincipalOfficersOut(Schema):
    """A principal as the officers see them: access held, unit or post."""

    username: str
    name: str
    clearance: str = Field(description="level and compartments, e.g. TOP SECRET//SPECIAL FILE")
    level: str
    compartments: list[str]
    roles: list[str]
    unit: str | None = Field(description="the code of their unit or post")
    active: bool


class PrincipalDetailOut(PrincipalOfficersOut):
    """A principal as the officers see them, with the requests about them awaiting a second officer."""

    pending_requests: list[AccessRequestOut]


class ClearanceIn(Schema):
    """The clearance wanted: what is left out stays as it is. A lower one takes effect at once; a raise, or a
    compartment added, is a request another officer approves."""

    clearance: LevelName | None = None
    compartments: list[CompartmentCode] | None = Field(
        None, max_length=20, description="the whole set wanted (none: []), codes as SPECIAL FILE"
    )


class RolesIn(Schema):
    roles: list[RoleName] = Field(min_length=1, max_length=len(Role.values), json_schema_extra={"uniqueItems": True})


class DeactivateIn(Schema):
    reason: str = Field(pattern=LINE_FILLED, max_length=500, description="why the account is deactivated")


class UnitOut(Schema):
    code: str
    name: str
    kind: str = Field(description="unit (at home) or post (abroad or in the field)")
    members: int


class UnitIn(Schema):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$", description="lowercase letters, digits, hyphens")
    name: str = Field(pattern=LINE_FILLED, max_length=200)
    post: bool = Field(False, description="a post abroad or in the field, not a unit at home")


class CompartmentOut(Schema):
    code: str
    name: str
    holders: int


class CompartmentIn(Schema):
    code: str = Field(pattern=COMPARTMENT, description="capital letters, digits, spaces, hyphens; e.g. SPECIAL FILE")
    name: Text = Field("", max_length=200)
