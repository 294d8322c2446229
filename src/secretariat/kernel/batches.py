"""Bulk work that keeps every rule: each thing through its own use case (its checks and its audit event), in
chunks of one transaction each, so a kill loses at most the chunk it was in, and a rerun skips what is done.

A thing the rules refuse is rolled back alone (a savepoint) and reported with the reason; the others of its chunk
go in. What counts as done is the caller's to say (`done(key)`: a paper's number registered, a file's source
imported), so a rerun after a kill, or after mending the refused, does only what is left.
"""

import contextlib
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from secretariat.kernel.errors import ServiceError

CHUNK = 100

# Opened around each chunk, inside its transaction: what the apps above the kernel do once a chunk rather than
# once a thing (the audit log appends a chunk's events together: audit.services.appending_in_batch, added by the
# audit app's ready()). Each must write nothing of a thing whose savepoint rolled back.
around_chunk: list[Callable[[], AbstractContextManager]] = []


@dataclass
class Outcome:
    done: list[str] = field(default_factory=list)  # keys of things this run did
    skipped: list[str] = field(default_factory=list)  # done already, by an earlier run
    refused: list[tuple[str, str]] = field(default_factory=list)  # (key, the rules' reason)

    def as_json(self) -> dict:
        return {
            "done": len(self.done),
            "skipped": len(self.skipped),
            "refused": [{"key": key, "reason": reason} for key, reason in self.refused],
        }


def run(
    things: Iterable[tuple[str, object]],
    act: Callable[[object], object],
    done: Callable[[str], bool],
    progress: Callable[[int], None] = lambda n: None,
    chunk: int | None = None,
    each_chunk: Callable[[], AbstractContextManager] | None = None,
) -> Outcome:
    """`act(thing)` for each (key, thing) not `done(key)` yet, `chunk` (CHUNK) at a time in one transaction each;
    `each_chunk()`, when given, is opened around each chunk inside its transaction (what the caller reads once
    a chunk, e.g.)."""
    outcome = Outcome()
    pending: list[tuple[str, object]] = []

    def flush() -> None:
        went_in, refused = [], []
        with transaction.atomic(), contextlib.ExitStack() as stack:
            for opened in [*around_chunk, *([each_chunk] if each_chunk else [])]:
                stack.enter_context(opened())
            for key, thing in pending:
                try:
                    with transaction.atomic():
                        act(thing)
                except ServiceError as exc:
                    refused.append((key, exc.message))
                else:
                    went_in.append(key)
        outcome.done += went_in  # told only once the chunk is committed
        outcome.refused += refused
        progress(len(pending))
        pending.clear()

    for key, thing in things:
        if done(key):
            outcome.skipped.append(key)
            progress(1)
            continue
        pending.append((key, thing))
        if len(pending) == (chunk or CHUNK):
            flush()
    if pending:
        flush()
    return outcome


def stalled(heartbeat_at, after_seconds: int) -> bool:
    """Whether work on the worker whose last sign of life was `heartbeat_at` (wall time, not the registry's
    clock, which may stand still; None: none yet) has been silent for `after_seconds`: its worker is gone."""
    return heartbeat_at is None or (timezone.now() - heartbeat_at).total_seconds() > after_seconds
