"""How the audit log reads to a person: each event in words on the audit desk and in its CSV,
and the verification on the command line (`audit verify`, `restore`)."""

import csv
import io
import itertools
import json

from secretariat.audit.verification import Report


def verification_text(report: Report) -> str:
    """OK with the size, root and what is not yet witnessed; or FAILED naming the first bad event,
    the rollback if the log is shorter than its signed heads, then every other problem."""
    notes = "".join(f"\nwarning: {w}" for w in report.warnings)
    if report.ok:
        tail = (
            f"; {report.unwitnessed} event(s) after the last head held outside the database "
            f"(at {report.witnessed_size}) are not yet witnessed"
            if report.unwitnessed
            else ""
        )
        return (
            f"OK: {report.size} events, root {report.root.hex()}, {report.checkpoints_checked} signed "
            f"checkpoint(s) match, key {report.key_fingerprint}{tail}{notes}"
        )
    first = report.first_bad
    rollback = f"\n  {report.rollback.describe()}" if report.rollback else ""
    return (
        (f"FAILED: first bad event #{first.seq}: " if first.seq is not None else "FAILED: ")
        + first.message
        + rollback
        + "".join(f"\n  #{p.seq}: {p.message}" for p in report.problems if p is not first)
        + notes
    )


# What an event's action says, as a phrase after the actor's name. {object} is what the event is
# about; other names come from the event's data (a holder, a report). An action missing here reads
# as its code, so a new action is never hidden.
PHRASES = {
    "access.requested": "asked for a grant of access ({object})",
    "access.approved": "approved {object}",
    "access.rejected": "turned down {object}",
    "principal.bootstrapped": "installed {object}",
    "principal.added": "added {object}",
    "principal.activated": "activated the account of {object}",
    "principal.activation_issued": "issued an activation code for {object}",
    "principal.deactivated": "deactivated {object}",
    "principal.clearance_changed": "changed the clearance of {object}",
    "principal.roles_granted": "granted roles to {object}",
    "principal.reset": "reset the password and authenticator of {object}",
    "principal.logged_in": "logged in",
    "principal.second_factor_passed": "passed the second factor",
    "principal.logged_out": "logged out",
    "principal.totp_enrolment_started": "began enrolling an authenticator for {object}",
    "principal.totp_confirmed": "confirmed the authenticator of {object}",
    "unit.added": "added {object}",
    "compartment.added": "added compartment {object}",
    "token.issued": "issued {object}",
    "token.revoked": "revoked {object}",
    "document.registered": "registered {object}",
    "document.read": "read {object}",
    "attachment.added": "attached a paper to {object}",
    "distribution.added": "put an addressee on the distribution of {object}",
    "copy.issued": "issued {object} to {holder}",
    "copy.receipt_confirmed": "confirmed receipt of {object}",
    "copy.returned": "took back {object}",
    "copy.destruction_recorded": "recorded the destruction of {object} (act {certificate})",
    "copy.destroyed": "witnessed the destruction of {object}, recorded by {recorded_by}",
    "copy.lost": "reported {object} lost",
    "copy.traced": "traced a PDF to {object}",
    "document.version_added": "added a version of {object}",
    "body.added": "set up {object}",
    "body.members_added": "added members to {object}",
    "body.secretary_appointed": "appointed the secretary of {object}",
    "meeting.recorded": "recorded {object}",
    "point.recorded": "recorded point {point} of {object}",
    "point.attachment_added": "attached a paper to point {point} of {object}",
    "point.corrected": "corrected point {point} of {object}",
    "protocol.signed": "signed {object}",
    "protocol.read": "read {object}",
    "extract.made": "made the extract {object}",
    "cable.drafted": "drafted {object}",
    "cable.approved": "approved {object}",
    "cable.sent": "sent {object}",
    "cable.received": "acknowledged {object}",
    "cable.reported": "reported on {object} with No {report}",
    "control.opened": "put {object} under control",
    "control.acknowledged": "acknowledged {object}",
    "control.done": "closed {object} with No {report}",
    "control.cancelled": "cancelled {object}",
    "control.escalated": "escalated {object}",
    "control.read": "read the task of {object}",
    "release.prepared": "prepared an announcement in {object}",
    "release.released": "released {object}",
    "channel.added": "added the channel {object}",
    "channel.editor_added": "added an editor to {object}",
    "release.template_read": "read the announcement prepared in {object}",
    "case.opened": "opened {object}",
    "case.documents_added": "added papers to {object}",
    "case.closed": "closed {object}",
    "archive.repository_added": "added the repository {object}",
    "archive.unit_described": "described {object}",
    "archive.unit_titled": "titled {object}",
    "archive.transferred": "transferred {object} to the archive",
    "archive.item_received": "received item {object}",
    "archive.instruction_set": "set the review instruction of {object}",
    "archive.event_recorded": "recorded an event for {object}",
    "archive.review_due": "found the review of {object} due",
    "archive.reviewed": "reviewed {object}",
    "archive.published": "published {object}",
    "archive.declassified": "declassified {object}",
    "archive.item_read": "read {object}",
    "archive.imported": "imported a transcription as {object}",
    "archive.fixity_checked": "checked the fixity of {object}",
    "archive.withdrawn": "withdrew {object} from the reading room",
    "audit.checkpoint": "signed a checkpoint of the log",
    "audit.head_witnessed": "kept a signed head of {origin} as its witness",
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def sentence(event, names: dict[tuple[str, str], str]) -> str:
    """An event in words: "A. A. Gromyko read No P46/X". The actor by name (the system for a sweep's
    own events), the object by `names` (audit.selectors.names_of), else by its type and number."""
    actor = str(event.actor) if event.actor_id else (event.actor_name or "The system")
    about = names.get((event.object_type, event.object_id))
    if about is None and event.object_type:
        about = f"{event.object_type.split('.')[-1]} {event.object_id}"
    data = event.data if isinstance(event.data, dict) else {}
    values = _Blank({k: v for k, v in data.items() if isinstance(v, str | int)})
    values["object"] = about or ""
    phrase = PHRASES.get(event.action)
    if phrase is None:
        return f"{actor}: {event.action}" + (f" ({about})" if about else "")
    return f"{actor} {phrase.format_map(values)}"


CSV_COLUMNS = ["seq", "at", "actor", "action", "object_type", "object_id", "in_words", "data"]


def events_csv(events, names_of, batch: int = 500):
    """CSV lines of `events` (an iterator), each with its sentence, named a batch at a time."""
    out = io.StringIO()
    writer = csv.writer(out)

    def flush() -> str:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield flush()
    while chunk := list(itertools.islice(events, batch)):
        names = names_of(chunk)
        for e in chunk:
            actor = e.actor_name or "system"
            data = json.dumps(e.data, ensure_ascii=False, sort_keys=True)
            writer.writerow(
                [e.seq, e.at.isoformat(), actor, e.action, e.object_type, e.object_id, sentence(e, names), data]
            )
        yield flush()
