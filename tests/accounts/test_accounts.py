"""Principals: argon2id passwords, grants bounded by the granter's own clearance."""

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from secretariat.accounts import services as accounts
from secretariat.accounts.models import Principal
from secretariat.audit.models import AuditEvent
from secretariat.kernel.classification import Classification
from secretariat.kernel.errors import InvalidInput, NotFound, Refused
from secretariat.registry import selectors
from secretariat.registry import services as registry
from tests.refusals import refused_without_change


def test_passwords_are_hashed_with_argon2id(admin):
    principal = accounts.add_principal(admin, "gromyko", password="a long enough pass phrase")
    assert principal.password.startswith("argon2$argon2id$")
    request = RequestFactory().post("/login/")
    assert authenticate(request, username="gromyko", password="a long enough pass phrase") == principal
    assert authenticate(request, username="gromyko", password="wrong") is None


def test_a_weak_password_is_refused(admin):
    message = refused_without_change(InvalidInput, lambda: accounts.add_principal(admin, "gromyko", password="123"))
    assert "password refused" in message


def test_the_first_admin_is_made_once(admin):
    refused_without_change(Refused, lambda: accounts.bootstrap_admin("second"))


def test_nobody_grants_a_clearance_above_their_own(make_principal):
    secret_admin = make_principal("sadmin", clearance="SECRET", roles=("admin",))
    message = refused_without_change(Refused, lambda: accounts.add_principal(secret_admin, "x", clearance="TOP SECRET"))
    assert "cannot grant TOP SECRET" in message
    target = make_principal("target", clearance="CONFIDENTIAL")
    refused_without_change(Refused, lambda: accounts.change_clearance(secret_admin, target, clearance="TOP SECRET"))
    accounts.change_clearance(secret_admin, target, clearance="SECRET")
    target.refresh_from_db()
    assert target.clearance == 2


def test_nobody_grants_a_compartment_they_do_not_hold(admin, make_principal):
    accounts.add_compartment(admin, "special file")
    other_admin = make_principal("oadmin", roles=("admin",))
    message = refused_without_change(
        Refused, lambda: accounts.add_principal(other_admin, "x", clearance="SECRET", compartments=["SPECIAL FILE"])
    )
    assert "cannot grant SECRET//SPECIAL FILE" in message
    holder = accounts.add_principal(admin, "x", clearance="SECRET", compartments=["SPECIAL FILE"])
    assert holder.classification == Classification.parse("SECRET//SPECIAL FILE")


def test_only_admins_manage_accounts(make_principal):
    member = make_principal("gromyko")
    refused_without_change(Refused, lambda: accounts.add_principal(member, "x"))
    refused_without_change(Refused, lambda: accounts.add_unit(member, "u", "Unit"))


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"clearance": "COSMIC"}, "unknown classification level"),
        ({"roles": ["pope"]}, "unknown role"),
        ({"compartments": ["NOFORN"]}, "unknown compartment"),
        ({"unit": "nowhere"}, "unknown unit"),
    ],
)
def test_bad_account_input_is_refused(admin, kwargs, fragment):
    message = refused_without_change(InvalidInput, lambda: accounts.add_principal(admin, "x", **kwargs))
    assert fragment in message


def test_a_malformed_or_taken_username_is_refused(admin):
    refused_without_change(InvalidInput, lambda: accounts.add_principal(admin, "no spaces please"))
    refused_without_change(Refused, lambda: accounts.add_principal(admin, "admin"))


def test_each_account_change_is_an_audit_event(admin):
    principal = accounts.add_principal(admin, "gromyko", clearance="SECRET", roles=["member"])
    accounts.grant_roles(admin, principal, ["registrar"])
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["principal.bootstrapped", "principal.added", "principal.roles_granted"]
    assert Principal.objects.get(username="gromyko").role_codes == {"member", "registrar"}


def test_a_deactivated_principal_neither_acts_nor_reads(admin, make_principal, register):
    clerk = make_principal("clerk", roles=("registrar",))
    member = make_principal("gromyko")
    register(to=[member])
    accounts.deactivate(admin, clerk, "left the registry")
    accounts.deactivate(admin, member, "retired")
    message = refused_without_change(Refused, lambda: registry.issue_copies(clerk, "P46/X"))
    assert message == "clerk is deactivated and may not keep the register"
    with pytest.raises(NotFound):
        selectors.read_document(member, "P46/X")
    refused_without_change(Refused, lambda: accounts.deactivate(admin, member, "again"))
    refused_without_change(Refused, lambda: accounts.deactivate(admin, admin, "oops"))
    other = make_principal("x")
    refused_without_change(InvalidInput, lambda: accounts.deactivate(admin, other, " "))


def test_an_admin_cannot_make_themselves_a_reader(admin, make_principal):
    """Separation of duties: no self-grants, and admin never together with registrar or auditor."""
    refused_without_change(Refused, lambda: accounts.grant_roles(admin, admin, ["registrar"]))
    refused_without_change(Refused, lambda: accounts.change_clearance(admin, admin, clearance="SECRET"))
    second = make_principal("second", roles=("admin",))
    message = refused_without_change(Refused, lambda: accounts.grant_roles(second, admin, ["auditor"]))
    assert message == "the roles admin and auditor may not be held by one principal"
    refused_without_change(Refused, lambda: accounts.add_principal(admin, "x", roles=["admin", "registrar"]))
    member = make_principal("m")
    refused_without_change(Refused, lambda: accounts.grant_roles(second, member, []))


def test_granted_roles_show_at_once(admin, make_principal):
    member = make_principal("gromyko")
    assert accounts.grant_roles(admin, member, ["registrar"]).role_codes == {"member", "registrar"}
