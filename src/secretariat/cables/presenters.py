"""How cables and controls look on the command line and in JSON.

A cable is shown from the register side (state, date-time group, addressees, dates); its
content is read through `secretariat render`, which audits the read.
"""

import datetime as dt

from secretariat.cables.models import Cable, Control
from secretariat.decisions.presenters import point_reference
from secretariat.kernel.formats import iso, stamp


def _who(principal) -> str | None:
    return principal.username if principal is not None else None


def cable_json(cable: Cable) -> dict:
    document = cable.document
    return {
        "number": document.number,
        "classification": str(document.classification),
        "captions": cable.captions,
        "state": cable.state,
        "precedence": cable.precedence,
        "sender": cable.sender.code,
        "action": cable.action_post.code,
        "info": sorted(p.code for p in cable.info_posts.all()),
        "point": point_reference(cable.point) if cable.point_id else None,
        "in_reply_to": cable.in_reply_to.document.number if cable.in_reply_to_id else None,
        "report_days": cable.report_days,
        "dtg": cable.dtg or None,
        "dated": document.dated.isoformat(),
        "drafted_at": iso(cable.drafted_at),
        "drafted_by": _who(cable.drafted_by),
        "approved_at": iso(cable.approved_at),
        "approved_by": _who(cable.approved_by),
        "approval_point": point_reference(cable.approval_point) if cable.approval_point_id else None,
        "sent_at": iso(cable.sent_at),
        "sent_by": _who(cable.sent_by),
        "received_at": iso(cable.received_at),
        "received_by": _who(cable.received_by),
        "reported_at": iso(cable.reported_at),
    }


def cable_line(cable: Cable) -> str:
    """One cable in a list: its register side (the subject is content: `secretariat render` reads it)."""
    data = cable_json(cable)
    line = (
        f"No {data['number']:<14} {data['classification']:<20} {data['state']:<9} {cable.get_precedence_display():<10}"
        f"{data['dtg'] or '-':<15} {data['sender']} -> {data['action']}"
        + (f" (info {', '.join(data['info'])})" if data["info"] else "")
    )
    return line


def cable_text(cable: Cable) -> str:
    data = cable_json(cable)
    steps = [
        ("drafted", cable.drafted_at, data["drafted_by"], ""),
        ("approved", cable.approved_at, data["approved_by"], f"under {data['approval_point']}"),
        ("sent", cable.sent_at, data["sent_by"], data["dtg"] or ""),
        ("received", cable.received_at, data["received_by"], ""),
        ("reported", cable.reported_at, None, ""),
    ]
    lines = [
        f"No {data['number']}   {' // '.join(data['captions'])}   {cable.get_precedence_display()}   {data['state']}",
        f"  from {data['sender']} to {data['action']}" + (f", info {', '.join(data['info'])}" if data["info"] else ""),
        f"  dated {data['dated']}"
        + (f"; on point {data['point']}" if data["point"] else "")
        + (f"; in reply to No {data['in_reply_to']}" if data["in_reply_to"] else "")
        + (f"; report due {data['report_days']} days after sending" if data["report_days"] else ""),
    ]
    lines += [
        f"  {step:<9} {stamp(at):<21} {who or '':<12} {extra}".rstrip()
        for step, at, who, extra in steps
        if at is not None
    ]
    return "\n".join(lines)


def task(control: Control) -> str | None:
    """The task, for those the selector found may read it (content); None otherwise, also for a
    control that did not come through the selector (fail closed)."""
    return control.task if getattr(control, "task_readable", False) else None


def control_json(control: Control, as_of: dt.datetime) -> dict:
    return {
        "id": control.pk,
        "document": control.document.number,
        "point": point_reference(control.point) if control.point_id else None,
        "task": task(control),
        "assignee": control.assignee_name,
        "status": control.status,
        "overdue": control.is_overdue(as_of),
        "opened_at": iso(control.opened_at),
        "opened_by": control.opened_by.username,
        "due_at": iso(control.due_at),
        "acknowledged_at": iso(control.acknowledged_at),
        "done_at": iso(control.done_at),
        "report": control.report.number if control.report_id else None,
        "escalated_at": iso(control.escalated_at),
        "cancelled_reason": control.cancelled_reason or None,
    }


def control_line(control: Control, as_of: dt.datetime) -> str:
    """One control on the desk list, as it stood at `as_of`."""
    state = control.status + (" OVERDUE" if control.is_overdue(as_of) else "")
    if control.status == Control.Status.DONE:
        details = f"done {control.done_at:%Y-%m-%d} by report No {control.report.number}"
    elif control.status == Control.Status.CANCELLED:
        details = f"cancelled: {control.cancelled_reason}"
    else:
        details = f"escalated {control.escalated_at:%Y-%m-%d}" if control.escalated_at else ""
    return (
        f"control {control.pk:>4}  No {control.document.number:<14} {control.assignee_name:<14} "
        f"due {control.due_at:%Y-%m-%d}  {state:<20} {task(control) or '(task: content you may not read)'}"
        + (f"  ({details})" if details else "")
    )
