"""How the audit log reads to a person: each event in words on the audit desk and in its CSV,
and the verification on the command line (`audit verify`, `restore`)."""

import csv
import io
import itertools
import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    "access.requested": gettext_lazy("asked for a grant of access ({object})"),
    "access.approved": gettext_lazy("approved {object}"),
    "access.rejected": gettext_lazy("turned down {object}"),
    "principal.bootstrapped": gettext_lazy("installed {object}"),
    "principal.added": gettext_lazy("added {object}"),
    "principal.activated": gettext_lazy("activated the account of {object}"),
    "principal.activation_issued": gettext_lazy("issued an activation code for {object}"),
    "principal.deactivated": gettext_lazy("deactivated {object}"),
    "principal.clearance_changed": gettext_lazy("changed the clearance of {object}"),
    "principal.roles_granted": gettext_lazy("granted roles to {object}"),
    "principal.reset": gettext_lazy("reset the password and authenticator of {object}"),
    "principal.logged_in": gettext_lazy("logged in"),
    "principal.second_factor_passed": gettext_lazy("passed the second factor"),
    "principal.logged_out": gettext_lazy("logged out"),
    "principal.totp_enrolment_started": gettext_lazy("began enrolling an authenticator for {object}"),
    "principal.totp_confirmed": gettext_lazy("confirmed the authenticator of {object}"),
    "unit.added": gettext_lazy("added {object}"),
    "compartment.added": gettext_lazy("added compartment {object}"),
    "token.issued": gettext_lazy("issued {object}"),
    "token.revoked": gettext_lazy("revoked {object}"),
    "document.registered": gettext_lazy("registered {object}"),
    "document.read": gettext_lazy("read {object}"),
    "attachment.added": gettext_lazy("attached a paper to {object}"),
    "distribution.added": gettext_lazy("put an addressee on the distribution of {object}"),
    "copy.issued": gettext_lazy("issued {object} to {holder}"),
    "copy.receipt_confirmed": gettext_lazy("confirmed receipt of {object}"),
    "copy.returned": gettext_lazy("took back {object}"),
    "copy.destruction_recorded": gettext_lazy("recorded the destruction of {object} (act {certificate})"),
    "copy.destroyed": gettext_lazy("witnessed the destruction of {object}, recorded by {recorded_by}"),
    "copy.lost": gettext_lazy("reported {object} lost"),
    "copy.traced": gettext_lazy("traced a PDF to {object}"),
    "document.version_added": gettext_lazy("added a version of {object}"),
    "body.added": gettext_lazy("set up {object}"),
    "body.members_added": gettext_lazy("added members to {object}"),
    "body.secretary_appointed": gettext_lazy("appointed the secretary of {object}"),
    "meeting.recorded": gettext_lazy("recorded {object}"),
    "point.recorded": gettext_lazy("recorded point {point} of {object}"),
    "point.attachment_added": gettext_lazy("attached a paper to point {point} of {object}"),
    "point.corrected": gettext_lazy("corrected point {point} of {object}"),
    "protocol.signed": gettext_lazy("signed {object}"),
    "protocol.read": gettext_lazy("read {object}"),
    "extract.made": gettext_lazy("made the extract {object}"),
    "cable.drafted": gettext_lazy("drafted {object}"),
    "cable.approved": gettext_lazy("approved {object}"),
    "cable.sent": gettext_lazy("sent {object}"),
    "cable.received": gettext_lazy("acknowledged {object}"),
    "cable.reported": gettext_lazy("reported on {object} with No {report}"),
    "control.opened": gettext_lazy("put {object} under control"),
    "control.acknowledged": gettext_lazy("acknowledged {object}"),
    "control.done": gettext_lazy("closed {object} with No {report}"),
    "control.cancelled": gettext_lazy("cancelled {object}"),
    "control.escalated": gettext_lazy("escalated {object}"),
    "control.read": gettext_lazy("read the task of {object}"),
    "release.prepared": gettext_lazy("prepared an announcement in {object}"),
    "release.released": gettext_lazy("released {object}"),
    "channel.added": gettext_lazy("added the channel {object}"),
    "channel.editor_added": gettext_lazy("added an editor to {object}"),
    "release.template_read": gettext_lazy("read the announcement prepared in {object}"),
    "case.opened": gettext_lazy("opened {object}"),
    "case.documents_added": gettext_lazy("added papers to {object}"),
    "case.closed": gettext_lazy("closed {object}"),
    "archive.repository_added": gettext_lazy("added the repository {object}"),
    "archive.unit_described": gettext_lazy("described {object}"),
    "archive.unit_titled": gettext_lazy("titled {object}"),
    "archive.transferred": gettext_lazy("transferred {object} to the archive"),
    "archive.item_received": gettext_lazy("received item {object}"),
    "archive.instruction_set": gettext_lazy("set the review instruction of {object}"),
    "archive.event_recorded": gettext_lazy("recorded an event for {object}"),
    "archive.review_due": gettext_lazy("found the review of {object} due"),
    "archive.reviewed": gettext_lazy("reviewed {object}"),
    "archive.published": gettext_lazy("published {object}"),
    "archive.declassified": gettext_lazy("declassified {object}"),
    "archive.item_read": gettext_lazy("read {object}"),
    "archive.imported": gettext_lazy("imported a transcription as {object}"),
    "archive.item_described": gettext_lazy("described item {object} from a finding aid"),
    "import.queued": gettext_lazy("queued the import {object}"),
    "import.resumed": gettext_lazy("queued the import {object} again"),
    "import.finished": gettext_lazy("finished the import {object}"),
    "import.failed": gettext_lazy("found the import {object} stopped"),
    "archive.fixity_checked": gettext_lazy("checked the fixity of {object}"),
    "archive.scan_added": gettext_lazy("added the scan of {object}"),
    "scan.added": gettext_lazy("added a scan to {object}"),
    "scan.read": gettext_lazy("read by OCR a scan of {object}"),
    "scan.failed": gettext_lazy("found OCR failed on a scan of {object}"),
    "scan.requeued": gettext_lazy("queued a scan of {object} for OCR again"),
    "scan.page_read": gettext_lazy("looked at a page of a scan of {object}"),
    "scan.text_read": gettext_lazy("read the text of a scan of {object}"),
    "archive.withdrawn": gettext_lazy("withdrew {object} from the reading room"),
    "audit.checkpoint": gettext_lazy("signed a checkpoint of the log"),
    "audit.head_witnessed": gettext_lazy("kept a signed head of {origin} as its witness"),
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def sentence(event, names: dict[tuple[str, str], str]) -> str:
    """An event in words: "A. A. Gromyko read No P46/X". The actor by name (the system for a sweep's
    own events), the object by `names` (audit.selectors.names_of), else by its type and number."""
    actor = str(event.actor) if event.actor_id else (event.actor_name or _("The system"))
    about = names.get((event.object_type, event.object_id))
    if about is None and event.object_type:
        about = f"{event.object_type.split('.')[-1]} {event.object_id}"
    data = event.data if isinstance(event.data, dict) else {}
    values = _Blank({k: v for k, v in data.items() if isinstance(v, str | int)})
    values["object"] = about or ""
    phrase = PHRASES.get(event.action)
    if phrase is None:
        return f"{actor}: {event.action}" + (f" ({about})" if about else "")
    return _("%(actor)s %(phrase)s") % {"actor": actor, "phrase": phrase.format_map(values)}


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
