"""The query planner's statistics on SQLite, kept as SQLite advises for short-lived connections.

Without them SQLite's planner guesses, and at 100k papers it guessed wrong for a search (walking an index of every
entry to test each against the few the full-text index found: 87 ms where 8 ms would do). `PRAGMA optimize` after
each request analyses a table only when the queries just run would gain from it, so it costs nothing most of the
time. It is at most once a minute in a process, and a request never fails for it: when another connection holds
the write lock (a busy server: `database is locked` at once, as SQLite refuses to wait inside a read), the
statistics wait for the next request. PostgreSQL's autovacuum keeps its statistics itself.
"""

import sqlite3
import time

from django.db import connection

EVERY = 60.0  # seconds between two analyses in one process
_last = [float("-inf")]


def analyse_after_each_request(get_response):
    """Middleware, outermost: after the response is made, `PRAGMA optimize` on the request's SQLite connection."""

    def middleware(request):
        response = get_response(request)
        if time.monotonic() - _last[0] >= EVERY:
            try:
                optimise()
            except sqlite3.OperationalError:  # locked by another writer: the next request analyses
                return response
            _last[0] = time.monotonic()
        return response

    return middleware


def optimise() -> None:
    """`PRAGMA optimize` on SQLite (and after a bulk change, from its command); nothing on PostgreSQL."""
    if connection.vendor == "sqlite" and connection.connection is not None:  # only a connection the request opened
        connection.connection.execute("PRAGMA optimize")
