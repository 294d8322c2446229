"""Registry use cases: register, distribute, issue copies, receipts, returns, destruction, loss.

Each function is one transaction that also appends its audit event(s); a refusal raises a
ServiceError before anything is written, so the state and the audit chain stay as they were.
"""

import contextlib
import datetime as dt
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.files.base import File
from django.db import models, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from secretariat.accounts.models import Principal, Unit
from secretariat.accounts.selectors import addressees_by_name, compartments_by_code
from secretariat.audit.services import record
from secretariat.kernel import batches, clock
from secretariat.kernel.classification import Classification
from secretariat.kernel.errors import InvalidInput, NotFound, Refused, unique_or_refused
from secretariat.kernel.numbers import check_registration_number
from secretariat.kernel.principals import Role
from secretariat.kernel.restriction import Action
from secretariat.kernel.usecases import use_case
from secretariat.registry.models import (
    Attachment,
    Copy,
    DistributionEntry,
    Document,
    DocumentVersion,
    Incident,
    NumberSeries,
)
from secretariat.registry.selectors import no_document, searched_text
from secretariat.search import services as search
from secretariat.search.models import Entry


def may_classify(by: Principal, classification: Classification) -> None:
    """Nobody classifies above their own clearance or applies a compartment they do not hold."""
    if not by.classification.dominates(classification):
        raise Refused(
            _("%(who)s holds %(classification)s and cannot mark a paper %(classification2)s")
            % {"who": by.username, "classification": by.classification, "classification2": classification}
        )


def compartments_of(classification: Classification):
    """The compartment rows of a classification; InvalidInput for an unknown one."""
    return compartments_by_code(classification.compartments)


def allocate_number(series: str, register: type[models.Model] = Document) -> str:
    """Next free number of a series, taken under the row lock so it is unique and gap-free.

    A number of the series entered by hand (GD-3 typed in) is stepped over, not reused. Case
    files count in a register of their own, apart from the documents' series.
    """
    try:
        check_registration_number(f"{series}-1")
    except ValueError:
        raise InvalidInput(
            _("malformed series %(series)s: capital letters and digits, e.g. GD") % {"series": repr(series)}
        ) from None
    counter = series if register is Document else f"{register._meta.model_name}:{series}"
    NumberSeries.objects.get_or_create(prefix=counter)
    row = NumberSeries.objects.select_for_update().get(prefix=counter)
    row.last += 1
    while register.objects.filter(number=f"{series}-{row.last}").exists():
        row.last += 1
    row.save(update_fields=["last"])
    return f"{series}-{row.last}"


def _document_for_change(by: Principal, number: str) -> Document:
    """The document `by` may act on, locked for the rest of the transaction; else NotFound."""
    try:
        return Document.objects.select_for_update(of=("self",)).restrict(by, Action.REGISTER).get(number=number)
    except Document.DoesNotExist:
        raise no_document(number) from None


def _copy_of(by: Principal, number: str, copy_number: int) -> Copy:
    try:
        return (
            Copy.objects.select_for_update(of=("self",))
            .restrict(by, Action.REGISTER)
            .select_related("document", "holder")
            .get(document__number=number, number=copy_number)
        )
    except Copy.DoesNotExist:
        raise NotFound(
            _("no copy %(copy_number)s of No %(number)s") % {"copy_number": copy_number, "number": number}
        ) from None


@transaction.atomic
@use_case
def register_document(by: Principal, **fields) -> Document:
    """Register a paper by hand (the registry's own entry); see `enter_in_register` for the fields."""
    by.require_role(Role.REGISTRAR, "keep the register")
    return enter_in_register(by, **fields)


def enter_in_register(
    by: Principal,
    *,
    title: str,
    classification: Classification,
    text: str,
    dated: dt.date,
    number: str | None = None,
    series: str = "R",
    kind: str = Document.Kind.NOTE,
    page_count: int = 1,
    author_unit: Unit | None = None,
    signatory: str = "",
    return_days: int | None = None,
    return_to: Unit | None = None,
    distribution: Sequence[Principal | Unit] = (),
    kept_by: str = "",
    recorded: dict | None = None,
) -> Document:
    """Enter a paper in the register, inside the caller's transaction, with its events.

    `register_document` calls it for the registrar; the services that make papers of their own
    (extracts, cables, reports, releases) call it after checking who may make them, say in
    `kept_by` where its text is kept if not here (a cable's parts, a protocol's point), and in
    `recorded` what else the registration event records (whose paper it is).
    """
    may_classify(by, classification)
    title = title.strip()
    if not title:
        raise InvalidInput(_("a document needs a title"))
    if kind not in Document.Kind.values:
        raise InvalidInput(
            _("unknown kind %(kind)s; use %(known)s") % {"kind": repr(kind), "known": ", ".join(Document.Kind.values)}
        )
    if page_count < 1:
        raise InvalidInput(_("page count must be at least 1"))
    if return_days is not None and not 1 <= return_days <= 3650:
        raise InvalidInput(_("return period must be between 1 and 3650 days"))
    compartments = compartments_of(classification)
    if number is None:
        number = allocate_number(series)
    else:
        try:
            check_registration_number(number)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
    now = clock.now()
    with unique_or_refused(_("No %(number)s is registered already") % {"number": number}):
        document = Document.objects.create(
            number=number,
            title=title,
            kind=kind,
            level=classification.level,
            initial_level=classification.level,
            initial_compartments=sorted(classification.compartments),
            author_unit=author_unit,
            signatory=signatory.strip(),
            dated=dated,
            page_count=page_count,
            return_days=return_days,
            return_to=return_to,
            kept_by=kept_by,
            registered_at=now,
            registered_by=by,
        )
    if compartments:  # a new document has none to replace
        document.compartments.set(compartments)
    DocumentVersion.objects.create(document=document, number=1, text=text, created_at=now, created_by=by)
    search.index(Entry.Scope.STAFF, document.pk, searched_text(document.title, text))
    record(
        by,
        "document.registered",
        document,
        {
            "number": number,
            "classification": classification.as_json(),
            "kind": kind,
            "dated": dated.isoformat(),
            "page_count": page_count,
            **(recorded or {}),
        },
    )
    marked = Classification(classification.level, frozenset(c.code for c in compartments))  # as the document reads
    for position, addressee in enumerate(distribution, start=1):
        add_addressee(by, document, addressee, classification=marked, position=position)
    return document


def add_addressee(
    by: Principal,
    document: Document,
    addressee: Principal | Unit,
    *,
    classification: Classification | None = None,
    position: int | None = None,
) -> DistributionEntry:
    """Put one addressee on a document's distribution (inside the caller's transaction). The caller that has just
    registered it may say its `classification` and the next `position`, which are then not read back."""
    position = position or document.distribution.count() + 1
    if addressee == by or (isinstance(addressee, Unit) and addressee.pk == by.unit_id):
        raise Refused(
            _("%(who)s may not address a paper to themselves: the registry keeps it, not reads it")
            % {"who": by.username}
        )
    if isinstance(addressee, Principal):
        classification = classification or document.classification
        if not addressee.classification.dominates(classification):
            raise Refused(
                _("%(who)s is not cleared for %(classification)s")
                % {"who": addressee.username, "classification": classification}
            )
        if document.distribution.filter(principal=addressee).exists():
            raise Refused(
                _("%(who)s is on the distribution of No %(number)s already")
                % {"who": addressee.username, "number": document.number}
            )
        entry = DistributionEntry.objects.create(document=document, position=position, principal=addressee)
    else:
        if document.distribution.filter(unit=addressee).exists():
            raise Refused(
                _("%(who)s is on the distribution of No %(number)s already")
                % {"who": addressee.name, "number": document.number}
            )
        entry = DistributionEntry.objects.create(document=document, position=position, unit=addressee)
    record(by, "distribution.added", document, {"position": position, "addressee": _addressee_json(entry)})
    return entry


def _addressee_json(entry: DistributionEntry) -> dict:
    if entry.principal_id:
        return {"principal": entry.principal.username}
    return {"unit": entry.unit.code}


@transaction.atomic
@use_case
def add_to_distribution(by: Principal, number: str, addressees: Iterable[Principal | Unit]) -> list[DistributionEntry]:
    by.require_role(Role.REGISTRAR, "keep the register")
    document = _document_for_change(by, number)
    return [add_addressee(by, document, a) for a in addressees]


@transaction.atomic
@use_case
def add_version(by: Principal, number: str, text: str, note: str = "") -> DocumentVersion:
    """A new text never replaces the old one; it is the next version."""
    by.require_role(Role.REGISTRAR, "keep the register")
    document = _document_for_change(by, number)
    _require_editable(document)
    may_classify(by, document.classification)
    last = document.versions.order_by("-number").first()
    version = DocumentVersion.objects.create(
        document=document, number=last.number + 1, text=text, note=note.strip(), created_at=clock.now(), created_by=by
    )
    search.index(Entry.Scope.STAFF, document.pk, searched_text(document.title, text))
    record(by, "document.version_added", document, {"version": version.number, "note": version.note})
    return version


@transaction.atomic
@use_case
def add_attachment(by: Principal, number: str, **fields) -> Attachment:
    by.require_role(Role.REGISTRAR, "keep the register")
    document = _document_for_change(by, number)
    _require_editable(document)
    return attach(by, document, **fields)


def _require_editable(document: Document) -> None:
    """Released texts never change; a text kept elsewhere (a cable's parts, an extract's point)
    changes only there."""
    if document.is_public:
        raise Refused(_("No %(number)s is released and public: it never changes") % {"number": document.number})
    if document.kept_by:
        raise Refused(
            _("the text of No %(number)s is kept by %(kept_by)s: it changes only there")
            % {"number": document.number, "kept_by": document.kept_by}
        )


def attach(
    by: Principal,
    document: Document,
    *,
    title: str,
    classification: Classification,
    text: str = "",
    file: File | None = None,
    page_count: int = 1,
) -> Attachment:
    """Attach a part with its own classification, inside the caller's transaction; the cover
    must dominate it."""
    may_classify(by, classification)
    if not document.classification.dominates(classification):
        raise Refused(
            _("No %(number)s is %(classification)s; an attachment marked %(classification2)s would be above its cover")
            % {"number": document.number, "classification": document.classification, "classification2": classification}
        )
    if not title.strip():
        raise InvalidInput(_("an attachment needs a title"))
    if file is not None and file.size > settings.SECRETARIAT_MAX_ATTACHMENT_BYTES:
        raise InvalidInput(
            _("file is %(size)s bytes; the limit is %(limit)s")
            % {"size": file.size, "limit": settings.SECRETARIAT_MAX_ATTACHMENT_BYTES}
        )
    if page_count < 1:
        raise InvalidInput(_("page count must be at least 1"))
    compartments = compartments_of(classification)
    attachment = Attachment(
        document=document,
        position=document.attachments.count() + 1,
        title=title.strip(),
        level=classification.level,
        text=text,
        page_count=page_count,
        added_at=clock.now(),
        added_by=by,
    )
    if file is not None:
        attachment.file.save(file.name, file, save=False)
    attachment.save()
    attachment.compartments.set(compartments)
    record(
        by,
        "attachment.added",
        document,
        {"position": attachment.position, "classification": classification.as_json(), "pages": page_count},
    )
    return attachment


@transaction.atomic
@use_case
def issue_copies(by: Principal, number: str, holders: Sequence[Principal] | None = None) -> list[Copy]:
    """Issue one numbered copy to each holder (default: everyone on the distribution without one).

    Copy numbers come from the document row, locked for this transaction, so concurrent
    issues get consecutive numbers with no gaps. The whole batch is refused if any holder is
    not cleared or has too many overdue copies.
    """
    by.require_role(Role.REGISTRAR, "keep the register")
    document = _document_for_change(by, number)
    if holders is None:
        holding = Copy.objects.filter(document=document).outstanding().values("holder_id")
        holders = [
            e.principal
            for e in document.distribution.select_related("principal")
            .filter(principal__isnull=False)
            .exclude(principal__in=holding)
        ]
        if not holders:
            raise Refused(_("everyone on the distribution of No %(number)s holds a copy already") % {"number": number})
    if len({h.pk for h in holders}) != len(holders):
        raise InvalidInput(_("a holder is named twice"))
    if not holders:
        raise InvalidInput(_("name at least one holder"))
    addressed = document.distribution.filter(Q(principal__in=holders) | Q(unit__members__in=holders))
    addressees = {pk for pair in addressed.values_list("principal_id", "unit__members") for pk in pair}
    now = clock.now()
    classification = document.classification
    limit = settings.SECRETARIAT_OVERDUE_LIMIT
    for holder in holders:
        if holder.pk == by.pk:
            raise Refused(_("%(who)s may not issue a copy to themselves") % {"who": by.username})
        if holder.pk not in addressees:
            raise Refused(
                _("%(who)s is not on the distribution of No %(number)s: add them first")
                % {"who": holder.username, "number": number}
            )
        if not holder.is_active:
            raise Refused(_("%(who)s is not an active principal") % {"who": holder.username})
        if not holder.classification.dominates(classification):
            raise Refused(
                _("%(who)s is not cleared for %(classification)s")
                % {"who": holder.username, "classification": classification}
            )
        if (late := Copy.objects.filter(holder=holder).overdue(now).count()) >= limit:
            raise Refused(
                _("%(who)s has %(late)s overdue copies (limit %(limit)s): return some first")
                % {"who": holder.username, "late": late, "limit": limit}
            )
    due_at = now + dt.timedelta(days=document.effective_return_days)
    first = document.copies_made + 1
    Document.objects.filter(pk=document.pk).update(copies_made=F("copies_made") + len(holders))
    document.copies_made += len(holders)
    copies = []
    for k, holder in enumerate(holders, start=first):
        copy = Copy.objects.create(
            document=document, number=k, holder=holder, issued_at=now, issued_by=by, due_at=due_at
        )
        record(
            by,
            "copy.issued",
            copy,
            {"document": number, "copy": k, "holder": holder.username, "due_at": due_at.isoformat()},
        )
        copies.append(copy)
    return copies


def _require_outstanding(copy: Copy, *, destruction_pending_ok: bool = False) -> None:
    if copy.status != Copy.Status.ISSUED:
        raise Refused(_("%(copy)s is %(status)s already") % {"copy": copy.spoken, "status": copy.status})
    if copy.destruction_recorded_at is not None and not destruction_pending_ok:
        raise Refused(_("%(copy)s is being destroyed: its destruction awaits a witness") % {"copy": copy.spoken})


def _copy_event(by: Principal, action: str, copy: Copy, **extra) -> None:
    record(by, action, copy, {"document": copy.document.number, "copy": copy.number, **extra})


@transaction.atomic
@use_case
def confirm_receipt(by: Principal, number: str, copy_number: int) -> Copy:
    copy = _copy_of(by, number, copy_number)
    if copy.holder_id != by.pk:
        raise Refused(
            _("only the holder, %(holder)s, confirms receipt of %(copy)s")
            % {"holder": copy.holder.username, "copy": copy.spoken}
        )
    _require_outstanding(copy)
    if copy.receipt_confirmed_at is not None:
        raise Refused(_("receipt of %(copy)s was confirmed already") % {"copy": copy.spoken})
    copy.receipt_confirmed_at = clock.now()
    copy.save(update_fields=["receipt_confirmed_at"])
    _copy_event(by, "copy.receipt_confirmed", copy)
    return copy


@transaction.atomic
@use_case
def return_copy(by: Principal, number: str, copy_number: int) -> Copy:
    """The registry takes a copy back from its holder."""
    by.require_role(Role.REGISTRAR, "keep the register")
    copy = _copy_of(by, number, copy_number)
    _require_outstanding(copy)
    copy.status = Copy.Status.RETURNED
    copy.returned_at = clock.now()
    copy.received_by = by
    copy.save(update_fields=["status", "returned_at", "received_by"])
    _copy_event(by, "copy.returned", copy, holder=copy.holder.username)
    return copy


def _may_handle(by: Principal, copy: Copy) -> None:
    if copy.holder_id != by.pk and not by.has_role(Role.REGISTRAR):
        raise Refused(_("only the holder or a registrar may do this to %(copy)s") % {"copy": copy.spoken})


@transaction.atomic
@use_case
def record_destruction(by: Principal, number: str, copy_number: int, certificate: str) -> Copy:
    """First of the two people: records that the copy is being destroyed, and how."""
    copy = _copy_of(by, number, copy_number)
    _may_handle(by, copy)
    _require_outstanding(copy)
    if not certificate.strip():
        raise InvalidInput(_("a destruction needs a certificate or record number"))
    copy.destruction_recorded_at = clock.now()
    copy.destruction_recorded_by = by
    copy.destruction_certificate = certificate.strip()
    copy.save(update_fields=["destruction_recorded_at", "destruction_recorded_by", "destruction_certificate"])
    _copy_event(by, "copy.destruction_recorded", copy, certificate=copy.destruction_certificate)
    return copy


@transaction.atomic
@use_case
def witness_destruction(by: Principal, number: str, copy_number: int) -> Copy:
    """Second of the two people: a different person confirms, and only then is it destroyed."""
    copy = _copy_of(by, number, copy_number)
    _may_handle(by, copy)
    _require_outstanding(copy, destruction_pending_ok=True)
    if copy.destruction_recorded_at is None:
        raise Refused(_("no destruction of %(copy)s is recorded to witness") % {"copy": copy.spoken})
    if copy.destruction_recorded_by_id == by.pk:
        raise Refused(_("%(who)s recorded this destruction; a second person must witness it") % {"who": by.username})
    copy.status = Copy.Status.DESTROYED
    copy.destroyed_at = clock.now()
    copy.destruction_witnessed_by = by
    copy.save(update_fields=["status", "destroyed_at", "destruction_witnessed_by"])
    _copy_event(by, "copy.destroyed", copy, recorded_by=copy.destruction_recorded_by.username)
    return copy


@transaction.atomic
@use_case
def report_loss(by: Principal, number: str, copy_number: int, circumstances: str) -> Incident:
    copy = _copy_of(by, number, copy_number)
    _may_handle(by, copy)
    _require_outstanding(copy)
    if not circumstances.strip():
        raise InvalidInput(_("a loss report needs the circumstances"))
    now = clock.now()
    copy.status = Copy.Status.LOST
    copy.lost_at = now
    copy.save(update_fields=["status", "lost_at"])
    incident = Incident.objects.create(
        copy=copy, kind=Incident.Kind.LOSS, reported_at=now, reported_by=by, circumstances=circumstances.strip()
    )
    _copy_event(by, "copy.lost", copy, incident=incident.pk, holder=copy.holder.username)
    return incident


def file_papers(documents: Iterable[Document]) -> None:
    """Mark papers filed, inside the transaction (and under the audit event) of the case file
    that closed over them: no new obligation may be put on a filed paper."""
    Document.objects.filter(pk__in=[d.pk for d in documents], filed_at__isnull=True).update(filed_at=clock.now())


# The register's columns a CSV of entries gives, and how each is read (every other column is refused).
REGISTER_COLUMNS = ("number", "title", "classification", "kind", "dated", "pages", "signatory", "distribution", "text")


def _entry_fields(row: dict, addressees=addressees_by_name) -> dict:
    """A CSV row as register_document takes it; InvalidInput naming the column that does not read."""
    unknown = set(row) - set(REGISTER_COLUMNS)
    if unknown:
        raise InvalidInput(_("unknown columns: %(columns)s") % {"columns": ", ".join(sorted(unknown))})
    try:
        classification = Classification.parse(row.get("classification") or "")
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    try:
        dated = dt.date.fromisoformat((row.get("dated") or "").strip())
    except ValueError:
        raise InvalidInput(_("the date must be written YYYY-MM-DD")) from None
    pages = (row.get("pages") or "1").strip()
    if not pages.isdigit():
        raise InvalidInput(_("pages must be a whole number, not %(pages)r") % {"pages": pages})
    names = [name.strip() for name in (row.get("distribution") or "").split(";") if name.strip()]
    return {
        "number": row["number"].strip(),
        "title": row.get("title") or "",
        "classification": classification,
        "kind": (row.get("kind") or Document.Kind.NOTE).strip(),
        "dated": dated,
        "page_count": int(pages),
        "signatory": row.get("signatory") or "",
        "text": row.get("text") or "",
        "distribution": addressees(names),
    }


@use_case(
    faces=("cli",),
    because="a batch of register_document (which has every face), run as a command; "
    "the web's background task queue comes with the scans' worker (issue 14)",
)
def register_batch(by: Principal, rows: Iterable[dict], progress=lambda n: None) -> batches.Outcome:
    """Register the papers of a CSV of register entries, each by `register_document` (its rules and its audit
    event), a chunk per transaction; a row whose number is registered already is skipped (a rerun after a kill
    does what is left), a row the rules refuse is reported and the rest go in."""
    by.require_role(Role.REGISTRAR, "keep the register")
    known: dict[str, Principal | Unit] = {}  # the addressees named in the chunk, read once a chunk

    @contextlib.contextmanager
    def read_afresh():
        known.clear()
        try:
            yield
        finally:
            known.clear()

    def addressees(names: list[str]) -> list[Principal | Unit]:
        for name in names:
            if name not in known:
                (known[name],) = addressees_by_name([name])
        return [known[name] for name in names]

    def keyed():
        for line, row in enumerate(rows, start=2):  # line 1 is the header
            number = (row.get("number") or "").strip()
            yield number or f"line {line}", row

    def act(row: dict) -> None:
        if not (row.get("number") or "").strip():
            raise InvalidInput(_("a row of register entries names its number (the column 'number')"))
        register_document(by, **_entry_fields(row, addressees))

    return batches.run(
        keyed(),
        act,
        done=lambda key: Document.objects.filter(number=key).exists(),
        progress=progress,
        each_chunk=read_afresh,
    )
