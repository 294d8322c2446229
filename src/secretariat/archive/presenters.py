"""Archive items, reviews and transfers as JSON and as lines of text (for the CLI and the API)."""

from secretariat.archive import selectors
from secretariat.archive.models import Item, Review, Transfer
from secretariat.kernel.classification import Level


def item_json(item: Item) -> dict:
    """Register side of an item: where it lies, how it was marked, where its review stands."""
    return {
        "reference": selectors.reference(item),
        "identifier": selectors.public_identifier(item),
        "title": item.title,
        "number": item.number,
        "date": item.date and item.date.isoformat(),
        "creator": item.creator,
        "sheets": item.sheets,
        "sheet_count": item.sheet_count,
        "marked": Level(item.marked_level).label,
        "marked_caveats": sorted(item.marked_classification.compartments),
        "classification": str(item.classification),
        "instruction": item.instruction,
        "review_on": item.review_on and item.review_on.isoformat(),
        "event": item.event,
        "event_occurred_on": item.event_occurred_on and item.event_occurred_on.isoformat(),
        "exemption": item.exemption,
        "declassified_at": item.declassified_at and item.declassified_at.isoformat(),
        "published_at": item.published_at and item.published_at.isoformat(),
        "source": item.source,
        "scan": _scan_json(item.scan) if item.scan_id else None,
    }


def _scan_json(scan) -> dict:
    return {
        "id": scan.pk,
        "state": scan.state,
        "page_count": scan.page_count,
        "pages_read": scan.pages_read,
        "error": scan.error,
    }


def item_line(item: Item) -> str:
    state = (
        "published"
        if item.published_at
        else "declassified"
        if item.declassified_at
        else f"{Level(item.level).label}, {instruction_text(item)}"
    )
    return f"{selectors.reference(item)}  No {item.number or '-'}  {item.title[:60]}  ({state})"


def instruction_text(item: Item) -> str:
    if item.instruction == Item.Instruction.EVENT:
        happened = f", happened {item.event_occurred_on}" if item.event_occurred_on else ""
        return f"review after {item.event}{happened}"
    if item.instruction == Item.Instruction.EXEMPTION:
        return f"exempt ({item.exemption}) until review on {item.review_on}"
    return f"review on {item.review_on}"


def review_json(review: Review) -> dict:
    return {
        "item": selectors.reference(review.item),
        "due_on": review.due_on.isoformat(),
        "decided_at": review.decided_at and review.decided_at.isoformat(),
        "reviewer": review.reviewer.username if review.reviewer else None,
        "outcome": review.outcome or None,
        "level_before": Level(review.level_before).label,
        "level_after": Level(review.level_after).label if review.level_after is not None else None,
        "redactions": [{"start": r.start, "end": r.end, "reason": r.reason} for r in review.redactions.all()],
        "note": review.note,
    }


def review_line(review: Review) -> str:
    if review.decided_at is None:
        return f"{selectors.reference(review.item)}  due {review.due_on}  {Level(review.level_before).label}  {review.item.title[:60]}"
    return f"{selectors.reference(review.item)}  {review.get_outcome_display()} by {review.reviewer.username if review.reviewer else 'the clock'}"


def transfer_json(transfer: Transfer, items: list[Item]) -> dict:
    return {
        "case": transfer.case.number,
        "unit": selectors.unit_reference(transfer.unit),
        "bag": transfer.bag,
        "payload_oxum": transfer.payload_oxum,
        "tagmanifest_sha512": transfer.tagmanifest_sha512,
        "received_at": transfer.received_at.isoformat(),
        "items": [item_json(i) for i in items],
    }
