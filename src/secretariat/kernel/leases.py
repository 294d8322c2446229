"""Leases: with two or more app servers each running the crontab, a sweep runs once.

A sweep (`control escalate`, `archive sweep`, `audit checkpoint`) takes its lease first:

    with leased("control escalate", ttl=dt.timedelta(minutes=10)):
        ...  # the sweep's own transaction

The lease is one row of `kernel.Lease` per sweep. Taking it is one statement, the same on SQLite
and PostgreSQL: INSERT the row, or ON CONFLICT take it over WHERE it is free (its `expires_at`
has passed) or this very process finished with it. Both engines decide that statement atomically
(SQLite has one writer at a time; PostgreSQL locks the conflicting row and checks the WHERE again
on its newest version), so of processes taking it at once exactly one gets it. The others get
`LeaseHeld`, naming the holder (host:pid) and since when: a command prints that line and exits 0,
the desk says it to the person.

`expires_at` is what makes a node that died holding the lease harmless: while the sweep runs it
is `ttl` ahead, and once that has passed anyone may take the lease over. A sweep must finish well
within its ttl (the sweeps' own row locks keep their data right even if it does not).

Given back at the end:
- after an error, free at once (`expires_at` = now): the next run, on any node, tries again;
- after success, kept for `settle` more (from the moment it was taken), with `finished_at` set.
  Two nodes' crons fire the same line within a few seconds of each other, but a sweep often takes
  less than the time a process needs to start, so without this the slower node would find the
  lease free and sweep again (nothing left to escalate, but one more signed head in the log). The
  process that finished may take it again at once (a test, the demo, a desk's second press):
  `settle` only holds off other processes, and is shorter than any sensible cron interval.

Time here is wall time (`django.utils.timezone.now()`), never `kernel.clock`: the clock stands
still in tests, the demo and `SECRETARIAT_CLOCK`, and a lease that never expires would block every
other node for ever. The nodes' clocks are kept in step (NTP); a skew shifts expiry by that much.

Take a lease outside any transaction: inside one, the others see it only when it commits.
"""

import contextlib
import datetime as dt
import os
import socket
from collections.abc import Iterator

from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.translation import gettext as _

from secretariat.kernel import texts
from secretariat.kernel.models import Lease

SETTLE = dt.timedelta(seconds=30)


def this_process() -> str:
    """host:pid, as a lease names its holder."""
    return f"{socket.gethostname()}:{os.getpid()}"


class LeaseHeld(Exception):
    """Another process holds the sweep's lease: nothing was done, and that is not an error."""

    def __init__(self, lease: Lease):
        self.lease = lease
        super().__init__(self.message)

    @property
    def message(self) -> str:
        lease = self.lease
        if lease.finished_at is None:
            return _("%(sweep)s: another node (%(holder)s) is sweeping since %(since)s; nothing done") % {
                "sweep": lease.name,
                "holder": lease.holder,
                "since": _instant(lease.acquired_at),
            }
        return _("%(sweep)s: another node (%(holder)s) swept at %(since)s; nothing done") % {
            "sweep": lease.name,
            "holder": lease.holder,
            "since": _instant(lease.acquired_at),
        }

    def as_json(self) -> dict:
        lease = self.lease
        return {
            "done": False,
            "sweep": lease.name,
            "holder": lease.holder,
            "since": lease.acquired_at.isoformat(),
            "finished_at": lease.finished_at.isoformat() if lease.finished_at else None,
            "message": self.message,
        }


def _instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def acquire(name: str, ttl: dt.timedelta, holder: str | None = None) -> Lease | None:
    """Take the lease `name` for `ttl` in one statement: the row taken (a Lease), or None if another holds it."""
    now = timezone.now()
    lease = Lease(name=name, holder=holder or this_process(), acquired_at=now, expires_at=now + ttl)
    texts.clean(lease)  # the kernel's rule for every text, kept here as save() would keep it
    table = connection.ops.quote_name(Lease._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (name, holder, acquired_at, expires_at, finished_at) VALUES (%s, %s, %s, %s, NULL) "
            "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at, "
            "expires_at = excluded.expires_at, finished_at = NULL "
            f"WHERE {table}.expires_at <= excluded.acquired_at "
            f"OR ({table}.holder = excluded.holder AND {table}.finished_at IS NOT NULL)",
            [lease.name, lease.holder, adapt(lease.acquired_at), adapt(lease.expires_at)],
        )
        taken = cursor.rowcount == 1
    return lease if taken else None


def release(lease: Lease, *, settle: dt.timedelta = dt.timedelta(0)) -> None:
    """Give the lease back: free at once, or (after success) to other processes `settle` after it was taken.
    A lease another process took over meanwhile (the ttl passed) is left alone."""
    now = timezone.now()
    Lease.objects.filter(name=lease.name, holder=lease.holder, acquired_at=lease.acquired_at).update(
        finished_at=now, expires_at=max(now, lease.acquired_at + settle)
    )


def holder_of(name: str) -> Lease | None:
    return Lease.objects.filter(name=name).first()


@contextlib.contextmanager
def leased(name: str, *, ttl: dt.timedelta, settle: dt.timedelta = SETTLE) -> Iterator[Lease]:
    """Run the block holding the lease `name`, or raise LeaseHeld (before the block) if another process holds it."""
    lease = acquire(name, ttl)
    if lease is None:
        held = holder_of(name)
        if held is None:  # given back and gone between the two statements: say who had it as nobody
            held = Lease(name=name, holder="?", acquired_at=timezone.now(), expires_at=timezone.now())
        raise LeaseHeld(held)
    try:
        yield lease
    except BaseException:
        # Free at once, so the next run tries again; if even that fails, the ttl frees it.
        with contextlib.suppress(DatabaseError):
            release(lease)
        raise
    release(lease, settle=settle)
