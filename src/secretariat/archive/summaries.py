"""What the exports need of a unit, kept with the unit: its full reference (TsKhSD/89/25) and a
summary of the published items under it (how many, their bodies and languages in archival order
of first appearance, their earliest and latest dates, the latest publication).

`refresh(item_unit)` is called when an item in a unit is published or withdrawn and when a unit is
described; it recomputes that unit from its own published items and then each unit above it from
its children's summaries, so the cost is the unit's own items plus a few rows per level, never the
whole fonds. The exports read these fields instead of rebuilding every fonds a page touches.

Archival order is the one the public records have (selectors._public_unit): child units by
identifier (as the database orders them), then the unit's own items by (length, identifier).
"""

from __future__ import annotations

from django.db import models


def _own(item_model, unit) -> dict:
    rows = list(
        item_model.objects.filter(unit_id=unit.pk, published_at__isnull=False).values_list(
            "identifier", "creator", "language", "date", "published_at"
        )
    )
    rows.sort(key=lambda r: (len(r[0]), r[0]))
    dates = [r[3] for r in rows if r[3]]
    return {
        "count": len(rows),
        "creators": [r[1] for r in rows if r[1]],
        "languages": [r[2] for r in rows if r[2]],
        "from": min(dates, default=None),
        "to": max(dates, default=None),
        "last": max((r[4] for r in rows), default=None),
    }


def _merge(unit, parts: list[dict]) -> None:
    """Set the unit's summary from its children's (in archival order) and then its own items'."""
    unit.published_count = sum(p["count"] for p in parts)
    unit.published_creators = list(dict.fromkeys(c for p in parts for c in p["creators"]))
    unit.published_languages = list(dict.fromkeys(c for p in parts for c in p["languages"]))
    starts = [p["from"] for p in parts if p["from"]]
    ends = [p["to"] for p in parts if p["to"]]
    lasts = [p["last"] for p in parts if p["last"]]
    unit.published_from, unit.published_to = min(starts, default=None), max(ends, default=None)
    unit.last_published_at = max(lasts, default=None)


def _stored(unit) -> dict:
    return {
        "count": unit.published_count or 0,
        "creators": unit.published_creators or [],
        "languages": unit.published_languages or [],
        "from": unit.published_from,
        "to": unit.published_to,
        "last": unit.last_published_at,
    }


FIELDS = [
    "reference",
    "published_count",
    "published_creators",
    "published_languages",
    "published_from",
    "published_to",
    "last_published_at",
]


def path_of(unit) -> list:
    chain = []
    while unit is not None:
        chain.append(unit)
        unit = unit.parent
    return chain[::-1]


def refresh_one(unit, item_model=None, unit_model=None) -> None:
    """Recompute one unit from its own items and its children's stored summaries (children first)."""
    from secretariat.archive.models import ArchiveUnit, Item

    item_model, unit_model = item_model or Item, unit_model or ArchiveUnit
    path = path_of(unit)
    unit.reference = "/".join([unit.repository.code, *(u.identifier for u in path)])
    children = unit_model.objects.filter(parent_id=unit.pk, published_count__gt=0).order_by("identifier")
    _merge(unit, [*(_stored(child) for child in children), _own(item_model, unit)])
    unit.save(update_fields=FIELDS)


def refresh(unit, item_model=None, unit_model=None) -> None:
    """Recompute a unit whose items changed, and every unit above it."""
    for above in reversed(path_of(unit)):
        refresh_one(above, item_model, unit_model)


def refresh_all(item_model=None, unit_model=None) -> None:
    """Recompute every unit, files before series before fonds (a migration; a bulk import)."""
    from secretariat.archive.models import ArchiveUnit

    unit_model = unit_model or ArchiveUnit
    depth = models.Case(
        models.When(parent__isnull=True, then=0), models.When(parent__parent__isnull=True, then=1), default=2
    )
    for unit in (
        unit_model.objects.select_related("repository", "parent__parent").annotate(depth=depth).order_by("-depth", "id")
    ):
        refresh_one(unit, item_model, unit_model)
