"""What a rendered document says, line by line, before it is dressed as text or HTML.

One layout for both formats, so the plain text and the HTML page never disagree about what
a reader sees. The layout is built from what the audited selectors returned (a Reading or a
CableReading) and the reader's copy; beyond them it looks only at what the paper carries on
its face (its distribution, the protocol it is extracted from, its channel, a cable's posts).

Layouts by kind of paper:
- an extract, as the reference file lays it out: motto, letterhead, classification,
  number, addressees, "Extract from protocol No …", title, decision, signature, the return
  instruction in the margin, then the attachments the reader may read;
- a cable (or a report wired back, which says what it replies to): captions, references,
  precedence and date-time group, posts, addressee line, subject, parts (guidance in
  parentheses) and the report requirement;
- a released announcement: the channel's public text with the channel's name and date;
- anything else: classification, number, title, date, distribution, text, signatory, the
  return instruction (classified papers only), then the attachments.
"""

from dataclasses import dataclass, field

from secretariat.cables.selectors import CableReading
from secretariat.kernel.classification import Classification, Level
from secretariat.kernel.formats import day
from secretariat.registry.models import Copy, Document
from secretariat.registry.selectors import Reading


@dataclass(frozen=True)
class Line:
    """One line (or paragraphs) of the page; `role` names what it is, e.g. "motto" or "part".

    A marking line carries the classification it marks, so HTML can colour it.
    """

    role: str
    text: str
    marks: Classification | None = None


@dataclass(frozen=True)
class Portion:
    """The paper itself, or one attachment with its own classification."""

    lines: list[Line]
    attachment: bool = False


@dataclass(frozen=True)
class Page:
    number: str
    title: str
    classification: Classification
    portions: list[Portion]
    copy: str = ""
    public: bool = False

    @property
    def banner(self) -> str:
        """The banner form, e.g. 'TOP SECRET//SPECIAL FILE'."""
        return str(self.classification)


@dataclass
class _Lines:
    lines: list[Line] = field(default_factory=list)

    def add(self, role: str, text: str, marks: Classification | None = None) -> None:
        """Add a line; empty text adds nothing (a paper without a signatory has no signature line)."""
        if text and text.strip():
            self.lines.append(Line(role, text.strip(), marks))


def marking(classification: Classification) -> str:
    """The classification as a paper writes it: 'Top secret', 'Secret / Special file'."""
    words = [classification.level.label.capitalize()]
    words += [c.capitalize() for c in sorted(classification.compartments)]
    return " / ".join(words)


def level_class(classification: Classification) -> str:
    """A CSS class for the level's conventional colour: 'top-secret', 'secret', …"""
    return classification.level.label.lower().replace(" ", "-")


def copy_line(copy: Copy) -> str:
    """The trace mark of a copy: its number, its holder, when it is due back, and if it has come back."""
    line = f"Copy No. {copy.number} of {copy.document.copies_made}, held by {copy.holder}, due back {day(copy.due_at)}"
    ended = {Copy.Status.RETURNED: copy.returned_at, Copy.Status.DESTROYED: copy.destroyed_at}.get(copy.status)
    if ended is not None:
        line += f"; {copy.status} {day(ended)}"
    elif copy.status == Copy.Status.LOST:
        line += "; reported lost"
    return line


def page(reading: Reading | CableReading, copy: Copy | None = None) -> Page:
    """The layout of a reading, for the reader who read it (and their copy, if named)."""
    if isinstance(reading, CableReading):
        main = _cable(reading)
        reading = reading.reading
    else:
        document = reading.document
        if getattr(document, "cable", None) is not None:
            raise TypeError(
                f"No {document.number} is a cable: render it from read_cable, whose parts carry guidance "
                "only for its recipients"
            )
        if hasattr(document, "release"):
            main = _release(reading)
        elif document.kind == Document.Kind.EXTRACT and hasattr(document, "extract"):
            main = _extract(reading)
        else:
            main = _document(reading)
    document = reading.document
    classification = document.classification
    if copy is not None:
        if copy.document_id != document.pk:
            raise ValueError(f"{copy} is not a copy of No {document.number}")
        main.lines.insert(_after_marking(main.lines), Line("copy", copy_line(copy)))
    portions = [Portion(main.lines)] + [_attachment(a) for a in reading.attachments]
    return Page(
        number=document.number,
        title=document.title,
        classification=classification,
        portions=portions,
        copy=copy_line(copy) if copy is not None else "",
        public=document.is_public,
    )


def _after_marking(lines: list[Line]) -> int:
    """Where the copy line goes: under the (last) classification line, as the copy number is stamped."""
    marks = [i for i, line in enumerate(lines) if line.role == "marking"]
    return marks[-1] + 1 if marks else 0


def _addressee(entry, surnames: bool) -> str:
    if entry.unit_id is not None:
        return entry.unit.name
    person = entry.principal
    return (person.last_name if surnames else str(person)) or person.username


def _to_line(document: Document, salutation: str = "", surnames: bool = False) -> str:
    entries = document.distribution.select_related("principal", "unit").order_by("position")
    names = [_addressee(e, surnames) for e in entries]
    if not names:
        return ""
    return f"To: {salutation + ' ' if salutation else ''}{', '.join(names)}."


def _extract(reading: Reading) -> _Lines:
    document = reading.document
    extract = document.extract
    meeting = extract.point.meeting
    body = meeting.body
    out = _Lines()
    out.add("motto", body.motto)
    out.add("letterhead", body.letterhead)
    out.add("marking", marking(document.classification), document.classification)
    out.add("number", f"No {document.number}")
    out.add("addressees", _to_line(document, body.salutation, surnames=True))
    out.add(
        "heading", f"Extract from protocol No {meeting.number} of the meeting of {body.name} on {day(meeting.held_on)}"
    )
    out.add("title", document.title)
    out.add("text", reading.version.text)
    out.add("signature", document.signatory)
    out.add("margin", document.return_instruction())
    return out


def _cable(reading: CableReading) -> _Lines:
    cable, document = reading.cable, reading.reading.document
    out = _Lines()
    for caption in cable.captions:
        out.add("marking", caption, document.classification)
    replied = cable.in_reply_to.document.number if cable.in_reply_to_id else None
    if replied:
        out.add("reference", f"In reply to No {replied}")
    for reference in cable.references:
        if reference != f"No {replied}":
            out.add("reference", reference)
    out.add("number", f"No {document.number}")
    if cable.sent_at is not None:
        out.add("dtg", f"{cable.get_precedence_display()} {cable.dtg}")
    else:
        out.add("dtg", f"{cable.get_precedence_display()}, {cable.get_state_display().upper()}, NOT SENT")
    if replied:
        out.add("sender", f"From {cable.sender.name}")
    out.add("post", f"To {cable.action_post.name}" if replied else cable.action_post.name)
    info = ", ".join(post.name for post in cable.info_posts.order_by("code"))
    out.add("info", f"Info: {info}" if info else "")
    out.add("addressee", cable.addressee_line)
    out.add("subject", f"Subject: {cable.subject}")
    for part in reading.parts:
        if part.guidance:
            out.add("guidance", f"({part.text})")
        else:
            out.add("part", f"{part.label}. {part.text}" if part.label else part.text)
    out.add("requirement", cable.report_requirement)
    out.add("signature", document.signatory)
    return out


def _release(reading: Reading) -> _Lines:
    document = reading.document
    release = document.release
    out = _Lines()
    out.add("channel", release.channel.name)
    out.add("dated", day(document.dated))
    out.add("number", f"No {document.number}")
    out.add("title", document.title)
    out.add("text", reading.version.text)
    return out


def _document(reading: Reading) -> _Lines:
    document = reading.document
    out = _Lines()
    if not document.is_public:
        out.add("marking", marking(document.classification), document.classification)
    out.add("number", f"No {document.number}")
    out.add("title", document.title)
    out.add("dated", day(document.dated))
    out.add("addressees", _to_line(document))
    out.add("text", reading.version.text)
    out.add("signature", document.signatory)
    if not document.is_public and document.classification.level > Level.UNCLASSIFIED:
        out.add("margin", document.return_instruction())
    return out


def _attachment(attachment) -> Portion:
    out = _Lines()
    out.add("marking", marking(attachment.classification), attachment.classification)
    out.add("title", attachment.title)
    out.add("text", attachment.text)
    if attachment.file:
        out.add("file", f"[file: {attachment.file.name}, {attachment.page_count} pages]")
    return Portion(out.lines, attachment=True)
