"""Registration numbers as the registry writes them (P46/X, TEL-1, GD-12/3), and as URLs carry them."""

import re

from django.utils.translation import gettext as _

REGISTRATION_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9.-]*(/[A-Z0-9][A-Z0-9.-]*)*$")


def check_registration_number(number: str) -> str:
    """Capital letters, digits, '.', '-', parts joined by single '/', e.g. P46/X or GD-12/3."""
    if not (1 <= len(number) <= 60) or not REGISTRATION_NUMBER.match(number):
        raise ValueError(
            _(
                "malformed registration number %(number)s: use capital letters, digits, '.' and '-', "
                "with parts joined by a single '/', e.g. P46/X"
            )
            % {"number": repr(number)}
        )
    return number


class RegistrationNumberConverter:
    """A registration number in a URL path (TASS-1, P46/X): '/' joins its parts."""

    regex = REGISTRATION_NUMBER.pattern.removeprefix("^").removesuffix("$")

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
