"""Keeping the index: each change to an indexed thing calls `index` or `forget` inside its own transaction, so
the index never finds what the database no longer holds, nor misses what it does."""

import itertools
from collections.abc import Callable, Iterable

from django.db import transaction

from secretariat.kernel.statistics import optimise
from secretariat.kernel.usecases import use_case
from secretariat.search.models import Entry
from secretariat.search.text import stems

# What each scope indexes, for `reindex`: registered by the app that owns the things (its AppConfig.ready), as a
# function giving (key, text) for every thing the scope should hold, and one counting them (for a progress bar).
SOURCES: dict[str, Callable[[], Iterable[tuple[int, str]]]] = {}
COUNTS: dict[str, Callable[[], int]] = {}


def register_source(scope: str, source: Callable[[], Iterable[tuple[int, str]]], count: Callable[[], int]) -> None:
    SOURCES[scope], COUNTS[scope] = source, count


def to_index(scope: str) -> int:
    """How many things `scope`'s source holds now."""
    return COUNTS[scope]()


def index(scope: str, key: int, text: str) -> None:
    """(Re)index one thing of `scope` by the words of `text`."""
    Entry.objects.update_or_create(scope=scope, key=key, defaults={"stems": stems(text)})


def forget(scope: str, key: int) -> None:
    """Take one thing out of `scope`'s index (unpublished, gone)."""
    Entry.objects.filter(scope=scope, key=key).delete()


CHUNK = 1000  # things indexed per transaction when rebuilding


@use_case(faces=("cli",), because="the operator's, after an upgrade that changes how words are stemmed, or a restore")
def reindex(scope: str, progress: Callable[[int], None] = lambda n: None) -> int:
    """Rebuild `scope`'s index from its source: every thing indexed afresh, in transactions of CHUNK things (each
    chunk whole or not at all; run it again after a kill), then what the source no longer holds forgotten.
    `progress(n)` is told each chunk done. Returns how many things the scope now holds."""
    kept: set[int] = set()
    rows = iter(SOURCES[scope]())
    while chunk := list(itertools.islice(rows, CHUNK)):
        with transaction.atomic():
            for key, text in chunk:
                index(scope, key, text)
        kept.update(key for key, _text in chunk)
        progress(len(chunk))
    held = Entry.objects.filter(scope=scope).values_list("key", flat=True)
    stale = [key for key in held.iterator(chunk_size=CHUNK) if key not in kept]
    for start in range(0, len(stale), CHUNK):
        Entry.objects.filter(scope=scope, key__in=stale[start : start + CHUNK]).delete()
    optimise()  # the planner's statistics, after so many rows changed
    return len(kept)
