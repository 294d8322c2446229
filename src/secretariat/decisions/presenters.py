"""How bodies, meetings, points and extracts look on the command line and in JSON."""

from collections.abc import Sequence

from secretariat.decisions.models import Body, Meeting, Point, PointAttachment, PointVersion
from secretariat.kernel.formats import iso, stamp
from secretariat.registry.models import Document
from secretariat.registry.presenters import addressee_name, document_json


def point_reference(point: Point) -> str:
    """'P/46/X': the body's prefix, the meeting, the point, as `--point` takes it."""
    return f"{point.meeting.body.prefix}/{point.meeting.number}/{point.identifier}"


def body_json(body: Body) -> dict:
    return {
        "name": body.name,
        "prefix": body.prefix,
        "return_days": body.return_days,
        "registry_unit": body.registry_unit.code if body.registry_unit_id else None,
        "secretary": body.secretary.username if body.secretary_id else None,
        "members": sorted(m.username for m in body.members.all()),
        "motto": body.motto,
        "letterhead": body.letterhead,
        "salutation": body.salutation,
    }


def body_text(body: Body) -> str:
    data = body_json(body)
    data["members"] = ", ".join(data["members"])
    return "\n".join(f"{k.replace('_', ' '):>14}: {'-' if v in (None, '') else v}" for k, v in data.items())


def meeting_json(meeting: Meeting) -> dict:
    return {
        "body": meeting.body.name,
        "prefix": meeting.body.prefix,
        "number": meeting.number,
        "held_on": meeting.held_on.isoformat(),
        "recorded_at": iso(meeting.recorded_at),
        "recorded_by": meeting.recorded_by.username,
        "signed_at": iso(meeting.signed_at),
        "signed_by": meeting.signed_by.username if meeting.signed_by_id else None,
    }


def meeting_line(meeting: Meeting) -> str:
    signed = f"signed {stamp(meeting.signed_at)} by {meeting.signed_by.username}" if meeting.is_signed else "NOT SIGNED"
    return f"Protocol No {meeting.number} of {meeting.body}, held {meeting.held_on.isoformat()}; {signed}"


def attachment_json(attachment: PointAttachment) -> dict:
    return {
        "position": attachment.position,
        "title": attachment.title,
        "classification": str(attachment.classification),
        "page_count": attachment.page_count,
        "text": attachment.text,
    }


def attachment_line(attachment: PointAttachment) -> str:
    return (
        f"attachment {attachment.position}: {attachment.title} "
        f"[{attachment.classification}, {attachment.page_count} page(s)]"
    )


def point_json(point: Point, attachments: Sequence[PointAttachment] = (), *, content: bool = True) -> dict:
    """A point; with `content`, its title, decision and attachments (for those who may read them)."""
    version = point.current()
    data = {
        "reference": point_reference(point),
        "identifier": point.identifier,
        "position": point.position,
        "classification": str(point.classification),
        "version": version.number,
        "addressees": [addressee_name(a) for a in point.addressees.all()],
        "approver": point.approver.username if point.approver_id else None,
    }
    if content:
        data |= {
            "title": version.title,
            "decision": version.decision,
            "correction_reason": version.reason or None,
            "attachments": [attachment_json(a) for a in attachments],
        }
    return data


def point_lines(point: Point, attachments: Sequence[PointAttachment] = (), *, content: bool = True) -> list[str]:
    data = point_json(point, attachments, content=content)
    approver = f"  approver {data['approver']}" if data["approver"] else ""
    lines = [
        f"  point {point.identifier:<8} {data['classification']:<22} version {data['version']}  "
        f"to {', '.join(data['addressees']) or '-'}{approver}"
    ]
    if content:
        indent = " " * 16
        lines.append(indent + data["title"])
        lines += [indent + "| " + line for line in data["decision"].splitlines()]
        if data["correction_reason"]:
            lines.append(f"{indent}(corrected: {data['correction_reason']})")
        lines += [indent + attachment_line(a) for a in attachments]
    return lines


def version_json(point: Point, version: PointVersion) -> dict:
    return {
        "reference": point_reference(point),
        "version": version.number,
        "title": version.title,
        "decision": version.decision,
        "reason": version.reason or None,
        "created_at": iso(version.created_at),
        "created_by": version.created_by.username,
    }


def extract_json(document: Document) -> dict:
    return {
        **document_json(document),
        "point": point_reference(document.extract.point),
        "point_version": document.extract.point_version.number,
        "signatory": document.signatory,
        "distribution": [addressee_name(e) for e in document.distribution.select_related("principal", "unit")],
    }


def extract_text(document: Document) -> str:
    data = extract_json(document)
    return "\n".join(
        [
            f"No {data['number']}   {data['classification']}   extract of point {data['point']} "
            f"(version {data['point_version']}), dated {data['dated']}",
            f"  to {', '.join(data['distribution'])}",
            f"  {data['return_instruction']}",
        ]
    )
