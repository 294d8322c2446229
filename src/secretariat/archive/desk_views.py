"""The archive desk, for archivists: closed cases to transfer, the review queue, each item with
its full text (an audited read), its instruction, its review and its publication.

Thin: each POST runs one service through `web.desks.perform` and goes back to the page; a
refusal is shown in the page with the form as sent.
"""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST, require_safe

from secretariat.accounts.forms import ClassificationField
from secretariat.archive import selectors, services
from secretariat.archive.labels import INSTRUCTION, OUTCOME, REASON
from secretariat.archive.models import ArchiveUnit, Item, Redaction, Review
from secretariat.archive.scan_pages import DrawnBox
from secretariat.archive.services import Span
from secretariat.cases.selectors import case_files
from secretariat.kernel import clock
from secretariat.kernel.classification import Level
from secretariat.kernel.desks import desk, perform
from secretariat.kernel.errors import InvalidInput, NotFound, ServiceError
from secretariat.kernel.labels import choices_shown
from secretariat.kernel.leases import LeaseHeld
from secretariat.kernel.principals import Role
from secretariat.kernel.restriction import Action
from secretariat.kernel.widgets import DayInput
from secretariat.registry.forms import TEXT, checked_upload
from secretariat.scans.forms import ACCEPT

DESK = "/archive/"
archivist_desk = desk(Role.ARCHIVIST)
ITEMS_SHOWN = 200
REASONS = format_lazy(
    ", ".join("{} ({})" for _reason in Redaction.Reason),
    *(part for r in Redaction.Reason for part in (r.value, pgettext_lazy(REASON, r.label))),
)


class RepositoryForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=30,
        help_text=gettext_lazy("how citations name it: letters and digits, e.g. TsKhSD"),
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=300,
        help_text=gettext_lazy("e.g. Centre for the Preservation of Contemporary Documentation"),
    )
    country_code = forms.CharField(
        label=gettext_lazy("Country"), initial="RU", max_length=2, help_text=gettext_lazy("ISO 3166-1, e.g. RU")
    )
    agency_code = forms.CharField(
        label=gettext_lazy("Agency code"),
        required=False,
        max_length=30,
        help_text=gettext_lazy("its ISIL, if it has one"),
    )


def _within_choices(principal) -> list[tuple[str, str]]:
    """Where a unit may be described: a repository (a new fonds), a fonds (a new opis), an opis (a new delo)."""
    choices = [(r.code, _("%(code)s: a new fonds") % {"code": r.code}) for r in selectors.repositories()]
    below = {ArchiveUnit.Level.FONDS: _("a new opis"), ArchiveUnit.Level.SERIES: _("a new delo")}
    for unit in selectors.units(principal):
        if unit.level in below:
            reference = selectors.unit_reference(unit)
            titled = f" ({unit.title})" if unit.title else ""
            choices.append((reference, f"{reference}{titled}: {below[unit.level]}"))
    return sorted(choices)


class DescribeForm(forms.Form):
    within = forms.ChoiceField(
        label=gettext_lazy("Within"), help_text=gettext_lazy("the repository, fonds or opis the unit belongs to")
    )
    identifier = forms.CharField(
        label=gettext_lazy("Number"),
        max_length=30,
        help_text=gettext_lazy("the fond's, opis' or delo's number, e.g. 89, 25a; an existing one is retitled"),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=500)

    def __init__(self, principal, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["within"].choices = [("", _("choose…")), *_within_choices(principal)]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Transcription"), help_text=gettext_lazy("a UTF-8 text file (.txt), one paper")
    )
    into = forms.ChoiceField(label=gettext_lazy("Into"), required=False)
    item = forms.CharField(
        label=gettext_lazy("Item number"),
        required=False,
        max_length=30,
        help_text=gettext_lazy("default: as its reference says, else the next"),
    )
    classification = ClassificationField(
        label=gettext_lazy("Classification"),
        required=False,
        help_text=gettext_lazy("only where the file's marking cannot be read (UNCLASSIFIED if it never was)"),
    )

    def __init__(self, principal, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = [selectors.unit_reference(u) for u in selectors.units(principal)]
        self.fields["into"].choices = [("", _("where its archival reference says")), *((u, u) for u in sorted(units))]

    def clean_file(self):
        return checked_upload(self.cleaned_data["file"], (TEXT,))


class TransferForm(forms.Form):
    case = forms.CharField(widget=forms.HiddenInput)
    unit = forms.CharField(
        label=gettext_lazy("Into"), help_text=gettext_lazy("repository/fond/opis[/delo], e.g. TsKhSD/89/25")
    )
    first = forms.IntegerField(
        label=gettext_lazy("First item number"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("default: after the last"),
    )


class InstructionForm(forms.Form):
    kind = forms.ChoiceField(
        choices=choices_shown(INSTRUCTION, Item.Instruction.choices), label=gettext_lazy("Instruction")
    )
    review_on = forms.DateField(label=gettext_lazy("Review on"), required=False, widget=DayInput())
    event = forms.CharField(
        label=gettext_lazy("Event"), required=False, help_text=gettext_lazy("for an event instruction")
    )
    exemption = forms.CharField(
        label=gettext_lazy("Exemption"), required=False, help_text=gettext_lazy("the reason, for an exemption")
    )


class EventForm(forms.Form):
    occurred_on = forms.DateField(label=gettext_lazy("The event happened on"), widget=DayInput())


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=choices_shown(OUTCOME, [(o.value, o.label) for o in Review.Outcome if o != Review.Outcome.AUTOMATIC]),
    )
    level = forms.ChoiceField(
        label=gettext_lazy("New level"),
        required=False,
        choices=[("", "—"), *((level.label, level.label) for level in Level if level > Level.UNCLASSIFIED)],
        help_text=gettext_lazy("for a downgrade: a level below the item's"),
    )
    redactions = forms.CharField(
        label=gettext_lazy("Redactions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=format_lazy(
            gettext_lazy(
                "one per line: PHRASE = REASON; every occurrence of the phrase, in the text and the annotations, "
                "is withheld. Reasons: {reasons}"
            ),
            reasons=REASONS,
        ),
    )
    boxes = forms.CharField(
        label=gettext_lazy("Boxes on the scan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "data-boxes": ""}),
        help_text=format_lazy(
            gettext_lazy(
                "one per line: PAGE: X0,Y0,X1,Y1 = REASON, in the page image's pixels (draw them on the pages above); "
                "each phrase withheld above is boxed wherever OCR found it. Reasons: {reasons}"
            ),
            reasons=REASONS,
        ),
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_review_on = forms.DateField(
        label=gettext_lazy("Next review"),
        required=False,
        widget=DayInput(),
        help_text=gettext_lazy("keep or downgrade"),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"))


def redaction_spans(item, lines: str) -> list[Span]:
    """'PHRASE = REASON' lines → every occurrence of each phrase, in the text and the annotations."""
    spans = []
    for line in filter(str.strip, lines.splitlines()):
        phrase, _sep, reason = line.rpartition("=")
        if not phrase.strip() or not reason.strip():
            raise InvalidInput(_("write a redaction as PHRASE = REASON, not %(line)r") % {"line": line.strip()})
        spans += services.phrase_redactions(item, phrase.strip(), reason.strip().upper())
    return spans


@require_safe
@archivist_desk
def archive_desk(request):
    return _desk_page(request)


def _desk_page(request, *, bound: dict | None = None, error: ServiceError | None = None, status: int = 200):
    principal = request.user
    transferred = set(selectors.transfers(principal).values_list("case_id", flat=True))
    waiting = [c for c in case_files(principal).filter(closed_at__isnull=False) if c.pk not in transferred]
    items = selectors.items(principal)
    context = {
        "waiting": [(c, TransferForm(initial={"case": c.number}, auto_id=f"transfer-{c.pk}-%s")) for c in waiting],
        "queue": [(r, selectors.reference(r.item)) for r in selectors.review_queue(principal)],
        "awaiting_sweep": [
            (i, selectors.reference(i)) for i in selectors.awaiting_sweep(principal, clock.now().date())[:ITEMS_SHOWN]
        ],
        "transfers": list(selectors.transfers(principal).order_by("-received_at")),
        "to_publish": [
            (i, selectors.reference(i)) for i in items.filter(declassified_at__isnull=False, published_at__isnull=True)
        ],
        "items": [(i, selectors.reference(i)) for i in items.order_by("unit_id", "id")[:ITEMS_SHOWN]],
        "repositories": list(selectors.repositories()),
        "units": [(u, selectors.unit_reference(u)) for u in selectors.units(principal)],
        "repository_form": RepositoryForm(auto_id="repository-%s"),
        "describe_form": DescribeForm(principal, auto_id="describe-%s"),
        "import_form": ImportForm(principal, auto_id="import-%s"),
        "error": error,
        **(bound or {}),
    }
    return render(request, "archive/desk/desk.html", context, status=status)


@archivist_desk
@require_POST
def add_repository(request):
    return perform(
        request,
        RepositoryForm(request.POST),
        lambda d: services.add_repository(
            request.user, d["code"], d["name"], country_code=d["country_code"], agency_code=d["agency_code"]
        ),
        title=_("Add a repository"),
        back=DESK,
        said=lambda r: _("Repository %(code)s added: %(name)s") % {"code": r.code, "name": r.name},
    )


@archivist_desk
@require_POST
def describe_unit(request):
    def act(d):
        repository, *path = d["within"].split("/")
        path.append(d["identifier"].strip())
        if len(path) > 3:
            raise InvalidInput(_("a file (delo) holds items, not units: describe it within its fonds or opis"))
        fond, opis, delo = (path + ["", ""])[:3]
        return services.describe_unit(request.user, repository, fond, opis, delo, title=d["title"])

    return perform(
        request,
        DescribeForm(request.user, request.POST),
        act,
        title=_("Describe a unit"),
        back=DESK,
        said=lambda u: (
            _("%(reference)s described: %(level)s “%(title)s”")
            % {"reference": selectors.unit_reference(u), "level": u.get_level_display(), "title": u.title}
        ),
    )


@archivist_desk
@require_POST
def import_transcription(request):
    """A transcription uploaded as the command line takes it; its item page shows what was read.
    A refusal shows the desk again, the form as sent (but for the file) and its errors next to it."""
    form = ImportForm(request.user, request.POST, request.FILES, auto_id="import-%s")
    try:
        if not form.is_valid():
            raise InvalidInput(_("check the fields marked below"))
        d = form.cleaned_data
        unit = selectors.unit_named(d["into"]) if d["into"] else {}
        item = services.import_transcription(
            request.user,
            d["file"].text,
            source=d["file"].file.name,
            identifier=d["item"].strip() or None,
            classification=d["classification"],
            **unit,
        )
    except NotFound:
        raise Http404("no such page") from None
    except ServiceError as exc:
        return _desk_page(
            request, bound={"import_form": form}, error=exc, status=422 if isinstance(exc, InvalidInput) else 409
        )
    reference = selectors.reference(item)
    messages.success(
        request,
        _("%(file)s imported as %(reference)s: %(title)s")
        % {"file": d["file"].file.name, "reference": reference, "title": item.title},
    )
    return redirect(f"{DESK}items/{reference}/")


@archivist_desk
@require_POST
def transfer(request):
    form = TransferForm(request.POST)

    def act(d):
        parts = [p.strip() for p in d["unit"].strip("/").split("/")]
        if not 3 <= len(parts) <= 4 or not all(parts):
            raise InvalidInput(_("transfer into repository/fond/opis[/delo], e.g. TsKhSD/89/25"))
        code, fond, opis, delo = (parts + [""])[:4]
        return services.transfer_case(
            request.user, d["case"], repository=code, fond=fond, opis=opis, delo=delo, first_item=d["first"]
        )

    return perform(request, form, act, title=_("Transfer a closed case file"), back=DESK)


@archivist_desk
@require_POST
def sweep(request):
    try:
        return perform(
            request,
            forms.Form(request.POST),
            lambda d: services.sweep_reviews(request.user),
            title=_("Open the reviews due"),
            back=DESK,
        )
    except LeaseHeld as held:  # the daily job (or another archivist) is sweeping: nothing done here
        messages.warning(request, held.message)
        return redirect(DESK)


@archivist_desk
@require_POST
def fixity(request):
    return perform(
        request,
        forms.Form(request.POST),
        lambda d: services.check_fixity(request.user),
        title=_("Check fixity"),
        back=DESK,
    )


def _read(found: dict) -> list[tuple[str, str]]:
    """The fields an import read off a transcription, as the command line's summary names them."""
    marking, reference, back = found["classification"], found["archival_reference"] or {}, found["return_instruction"]
    rows = [
        (_("Archival reference"), reference.get("as_written")),
        (_("Marking"), " / ".join(filter(None, [marking["level"], *marking["caveats"]]))),
        (_("Issuing body"), found["issuing_body"]),
        (_("Type"), found["document_type"]),
        (_("Number"), found["number"]),
        (_("Protocol / point"), " / ".join(filter(None, [found["protocol_number"], found["point"]]))),
        (_("Date"), f"{found['date']} ({found['date_as_written']})" if found["date"] else found["date_as_written"]),
        (_("Distribution"), ", ".join(found["distribution"])),
        (_("Return"), back.get("text")),
        (_("Signatory"), found["signatory"]),
        (_("Attachments"), "; ".join(a["title"] or "" for a in found["attachments"])),
    ]
    return [(name, value) for name, value in rows if value]


@require_safe
@archivist_desk
def item_page(request, reference: str):
    try:
        reading = selectors.read_item(request.user, reference)
    except (NotFound, InvalidInput):
        raise Http404("no such page") from None
    item = reading.item
    pending = next((r for r in reading.reviews if r.decided_at is None), None)
    withheld = {
        r.pk: [(x.reason, selectors.withheld(x, item)) for x in reading.redactions if x.review_id == r.pk]
        for r in reading.reviews
    }
    context = {
        "reading": reading,
        "item": item,
        "reference": selectors.reference(item),
        "public_identifier": selectors.public_identifier(item),
        "reviews": [
            (r, withheld[r.pk], sum(1 for b in reading.boxes if b.review_id == r.pk and not b.phrase))
            for r in reading.reviews
        ],
        "pending": pending,
        "instruction": InstructionForm(
            initial={
                "kind": item.instruction,
                "review_on": item.review_on,
                "event": item.event,
                "exemption": item.exemption,
            }
        )
        if item.declassified_at is None
        else None,
        "event": EventForm() if item.instruction == Item.Instruction.EVENT and not item.event_occurred_on else None,
        "review": ReviewForm() if pending else None,
        "scan_form": ItemScanForm() if item.scan_id is None and item.published_at is None else None,
        "reasons": Redaction.Reason.choices,
        "withdraw": WithdrawForm() if item.published_at else None,
        "read": _read(item.transcription) if item.source == Item.Source.TRANSCRIPTION and item.transcription else None,
    }
    return render(request, "archive/desk/item.html", context)


def _on_item(request, reference: str, form: forms.Form, title, act):
    return perform(request, form, act, title=f"{title}: {reference}", back=f"{DESK}items/{reference}/")


@archivist_desk
@require_POST
def instruct(request, reference: str):
    return _on_item(
        request,
        reference,
        InstructionForm(request.POST),
        _("Declassification instruction"),
        lambda d: services.set_instruction(
            request.user,
            reference,
            kind=d["kind"],
            review_on=d["review_on"],
            event=d["event"],
            exemption=d["exemption"],
        ),
    )


@archivist_desk
@require_POST
def event(request, reference: str):
    return _on_item(
        request,
        reference,
        EventForm(request.POST),
        _("Record the event"),
        lambda d: services.record_event(request.user, reference, d["occurred_on"]),
    )


@archivist_desk
@require_POST
def review(request, reference: str):
    def act(d):
        spans = redaction_spans(selectors.item(request.user, reference, Action.VIEW), d["redactions"])
        return services.decide_review(
            request.user,
            reference,
            d["outcome"],
            level=d["level"] or None,
            redactions=spans,
            boxes=DrawnBox.parse_lines(d["boxes"]),
            note=d["note"],
            next_review_on=d["next_review_on"],
        )

    return _on_item(request, reference, ReviewForm(request.POST), _("Decide the review"), act)


class ItemScanForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Scan"),
        help_text=gettext_lazy("PDF, TIFF, JPEG or PNG of the paper, every page; OCR reads it (Russian and English)"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT, "class": "drop"}),
    )


@archivist_desk
@require_POST
def add_scan(request, reference: str):
    def act(d):
        upload = d["file"]
        return services.add_item_scan(request.user, reference, name=upload.name, data=upload.read())

    return _on_item(
        request,
        reference,
        ItemScanForm(request.POST, request.FILES),
        _("Add the scan"),
        act,
    )


@archivist_desk
@require_POST
def publish(request, reference: str):
    return _on_item(
        request, reference, forms.Form(request.POST), _("Publish"), lambda d: services.publish(request.user, reference)
    )


@archivist_desk
@require_POST
def withdraw(request, reference: str):
    return _on_item(
        request,
        reference,
        WithdrawForm(request.POST),
        _("Withdraw from the reading room"),
        lambda d: services.withdraw(request.user, reference, d["reason"]),
    )
