"""Reads about bodies."""

from secretariat.decisions.models import Body
from secretariat.errors import InvalidInput


def body_by_name(name: str) -> Body:
    """A body by its name or its registration prefix."""
    body = Body.objects.filter(name=name).first() or Body.objects.filter(prefix=name).first()
    if body is None:
        raise InvalidInput(f"unknown body {name!r}")
    return body
