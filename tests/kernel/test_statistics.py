"""The planner's statistics after a request: never the cause of a failed request, and at most once a minute."""

import sqlite3

from django.http import HttpResponse

from secretariat.kernel import statistics


def test_a_locked_database_leaves_the_statistics_for_a_later_request_and_the_response_stands(monkeypatch):
    calls = []

    def locked():
        calls.append(1)
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(statistics, "optimise", locked)
    monkeypatch.setattr(statistics, "_last", [float("-inf")])
    middleware = statistics.analyse_after_each_request(lambda request: HttpResponse("page"))
    assert middleware(None).content == b"page"
    assert middleware(None).content == b"page" and len(calls) == 2  # locked: the next request tries again
    monkeypatch.setattr(statistics, "optimise", lambda: calls.append(1))
    middleware(None), middleware(None)
    assert len(calls) == 3  # done once; then not again within the minute
