"""The overdue query the index can narrow means what the timestamps say: out at the instant and past due."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from secretariat.registry.models import Copy, not_ended_q

INSTANTS = st.datetimes(min_value=dt.datetime(1976, 1, 1), max_value=dt.datetime(2030, 1, 1), timezones=st.just(dt.UTC))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(as_of=INSTANTS)
def test_overdue_is_out_and_past_due_at_any_instant(demo, as_of):
    by_timestamps = set(Copy.objects.filter(not_ended_q(as_of), due_at__lt=as_of).values_list("pk", flat=True))
    assert set(Copy.objects.overdue(as_of).values_list("pk", flat=True)) == by_timestamps
    assert all(c.is_overdue(as_of) for c in Copy.objects.overdue(as_of))


def test_a_copy_still_issued_has_nothing_that_ended_it(demo):
    """What the index-friendly form rests on: the status says issued only while no end is recorded."""
    issued = Copy.objects.filter(status=Copy.Status.ISSUED)
    assert issued.exists()
    assert not issued.filter(returned_at__isnull=False).exists()
    assert not issued.filter(destroyed_at__isnull=False).exists()
    assert not issued.filter(lost_at__isnull=False).exists()
