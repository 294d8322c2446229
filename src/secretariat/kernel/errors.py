"""The errors services raise. Each carries a message meant for the person who asked."""

import contextlib
from collections.abc import Iterator

from django.db import IntegrityError, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _


class ServiceError(Exception):
    """A request that was refused; nothing was changed."""

    code = "refused"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """Missing or not allowed: the two must look the same (rule 2 of docs/architecture.md)."""

    code = "not_found"


class InvalidInput(ServiceError):
    """The input itself is malformed or inconsistent."""

    code = "invalid"


class Refused(ServiceError):
    """Well-formed, but the rules do not allow it (a transition, a grant, a limit)."""

    code = "refused"


@contextlib.contextmanager
def unique_or_refused(message: str) -> Iterator[None]:
    """Refuse, rather than crash, when a concurrent writer took the same unique value first.

    The block runs in a savepoint; a unique-constraint violation inside it becomes Refused.
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if "unique" not in str(exc).lower():
            raise
        raise Refused(message) from None


def bounded(value: str, what: str, max_length: int, *, required: bool = True) -> str:
    """`value` stripped; InvalidInput if it is empty (when required) or longer than its column."""
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("%(what)s is required") % {"what": what})
    if len(value) > max_length:
        raise InvalidInput(
            _("%(what)s is %(length)s characters long; at most %(limit)s are allowed")
            % {"what": what, "length": grouped(len(value)), "limit": grouped(max_length)}
        )
    return value


def grouped(number: int) -> str:
    """A count with its thousands grouped as the active language writes them: 1,001 in English, 1 001 in Russian."""
    return number_format(number, force_grouping=True)
