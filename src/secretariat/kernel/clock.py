"""The one clock (rule 7 of docs/architecture.md).

Everything that needs "now" asks `clock.now()`. Tests and the demo stand the clock at an
instant with `clock.frozen(...)` (or `SECRETARIAT_CLOCK` for a whole process), so a 1977
case and overdue logic can be exercised exactly.
"""

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

_frozen: ContextVar[dt.datetime | None] = ContextVar("secretariat_clock", default=None)


def parse_instant(text: str) -> dt.datetime:
    """Parse an ISO 8601 date or date-time; naive values are taken as UTC."""
    value = parse_datetime(text)
    if value is None:
        try:
            value = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
        except ValueError:
            raise ValueError(_("not an ISO 8601 date or date-time: %(text)s") % {"text": repr(text)}) from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


def now() -> dt.datetime:
    if (instant := _frozen.get()) is not None:
        return instant
    if settings.SECRETARIAT_CLOCK:
        return parse_instant(settings.SECRETARIAT_CLOCK)
    return timezone.now()


@contextlib.contextmanager
def frozen(instant: dt.datetime | str) -> Iterator[dt.datetime]:
    """Stand the clock at `instant` for the code inside the block."""
    if isinstance(instant, str):
        instant = parse_instant(instant)
    if timezone.is_naive(instant):
        raise ValueError("the clock needs an aware datetime")
    token = _frozen.set(instant)
    try:
        yield instant
    finally:
        _frozen.reset(token)
