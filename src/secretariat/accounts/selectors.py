"""Reads about principals and units."""

from secretariat.accounts.models import Compartment, Principal, Unit
from secretariat.errors import InvalidInput


def principal_by_username(username: str) -> Principal:
    """The CLI, the demo and services name principals by username."""
    try:
        return Principal.objects.prefetch_related("compartments", "role_grants").get(username=username)
    except Principal.DoesNotExist:
        raise InvalidInput(f"unknown principal {username!r}") from None


def principals():
    return Principal.objects.select_related("unit").prefetch_related("compartments", "role_grants").order_by("username")


def units():
    return Unit.objects.order_by("code")


def compartments():
    return Compartment.objects.order_by("code")


def unit_by_code(code: str) -> Unit:
    try:
        return Unit.objects.get(code=code)
    except Unit.DoesNotExist:
        raise InvalidInput(f"unknown unit or post {code!r}") from None
