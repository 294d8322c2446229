"""How case files look on the command line and in JSON."""

from secretariat.cases.models import CaseFile
from secretariat.kernel.formats import day_of, iso, stamp
from secretariat.registry.presenters import document_json


def case_json(case: CaseFile, missing: list[str]) -> dict:
    """A case file with its papers and, while open, what keeps it open (`still_missing`)."""
    return {
        "number": case.number,
        "title": case.title,
        "opened_at": iso(case.opened_at),
        "opened_by": case.opened_by.username,
        "closed_at": iso(case.closed_at),
        "closed_by": case.closed_by.username if case.closed_by_id else None,
        "documents": [
            {**document_json(entry.document), "added_at": iso(entry.added_at)}
            for entry in case.entries.select_related("document")
        ],
        "still_missing": missing,
    }


def case_line(case: CaseFile) -> str:
    state = f"closed {day_of(case.closed_at)}" if case.is_closed else "OPEN"
    return f"{case.number:<10} {state:<18} opened {day_of(case.opened_at)}  {case.title}"


def case_text(case: CaseFile, missing: list[str]) -> str:
    data = case_json(case, missing)
    lines = [case_line(case), "  papers:"]
    lines += [
        f"    No {d['number']:<14} {d['classification']:<20} {d['kind']:<12} dated {d['dated']}  "
        f"added {d['added_at'][:10]}"
        for d in data["documents"]
    ] or ["    none"]
    if case.is_closed:
        lines.append(f"  closed {stamp(case.closed_at)} by {data['closed_by']}")
    elif missing:
        lines += ["  still missing:", *(f"    {m}" for m in missing)]
    else:
        lines.append("  nothing missing: it may be closed")
    return "\n".join(lines)
