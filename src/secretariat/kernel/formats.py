"""How instants are written on the command line and in JSON, by every app's presenters."""

import datetime as dt

from django.utils import dateformat, timezone
from django.utils.translation import gettext


def day_of(value: dt.datetime | None) -> str | None:
    """The day of an instant, YYYY-MM-DD (None when it has not happened)."""
    return value.date().isoformat() if value else None


def iso(value: dt.datetime | None) -> str | None:
    """An instant for JSON; None stays None."""
    return value.isoformat() if value else None


def stamp(value: dt.datetime | None) -> str:
    """An instant as the desks read it, in UTC to the minute ('-' when it has not happened)."""
    return f"{value.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC" if value else "-"


def desk_day(value: dt.date | dt.datetime) -> str:
    """A date as the desks write it, the templates' "j M Y" in the office's zone: '18 Feb 1977', '18 февраля 1977'."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return dateformat.format(value, gettext("j M Y"))


def day(value: dt.date | dt.datetime) -> str:
    """A date as the reference file writes it: 'February 18, 1977'."""
    return dateformat.format(value, "F j, Y")
