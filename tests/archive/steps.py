"""Archive steps several test modules take on the 1977 demo: the transfer of CASE-1, the sweep, an event review."""

import datetime as dt

from secretariat.archive import services
from secretariat.kernel import clock

TRANSFER_DAY = "1992-06-01T10:00:00+03:00"
EXTRACT = "TsKhSD/89/25/44"


def transfer(archivist, case="CASE-1"):
    with clock.frozen(TRANSFER_DAY):
        services.add_repository(archivist, "TsKhSD", "Central Archive of Contemporary Documents")
        return services.transfer_case(archivist, case, repository="TsKhSD", fond="89", opis="25", first_item=44)


def sweep(on: str):
    with clock.frozen(f"{on}T06:00:00+00:00"):
        return services.sweep_reviews()


def event_review(archive, reference=EXTRACT):
    with clock.frozen("1993-01-01T10:00:00+00:00"):
        services.set_instruction(archive, reference, kind="event", event="the dissolution of the CC CPSU")
        assert sweep("1993-01-01").opened == []
        services.record_event(archive, reference, dt.date(1991, 11, 6))
    (review,) = sweep("1994-03-01").opened
    assert review.due_on == dt.date(1991, 11, 6)
    return review
