"""The archive desk, for archivists: closed cases to transfer, the review queue, each item with
its full text (an audited read), its instruction, its review and its publication.

Thin: each POST runs one service through `web.desks.perform` and goes back to the page; a
refusal is shown in the page with the form as sent.
"""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_POST, require_safe

from secretariat.archive import selectors, services
from secretariat.archive.models import Item, Redaction, Review
from secretariat.archive.services import Span
from secretariat.cases.selectors import case_files
from secretariat.kernel.desks import desk, perform
from secretariat.kernel.errors import InvalidInput, NotFound
from secretariat.kernel.principals import Role
from secretariat.kernel.restriction import Action

DESK = "/archive/"
archivist_desk = desk(Role.ARCHIVIST)
ITEMS_SHOWN = 200
REASONS = ", ".join(f"{r.value} ({r.label})" for r in Redaction.Reason)


class TransferForm(forms.Form):
    case = forms.CharField(widget=forms.HiddenInput)
    unit = forms.CharField(label="Into", help_text="repository/fond/opis[/delo], e.g. TsKhSD/89/25")
    first = forms.IntegerField(
        label="First item number", required=False, min_value=1, help_text="default: after the last"
    )


class InstructionForm(forms.Form):
    kind = forms.ChoiceField(choices=Item.Instruction.choices, label="Instruction")
    review_on = forms.DateField(label="Review on", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    event = forms.CharField(label="Event", required=False, help_text="for an event instruction")
    exemption = forms.CharField(label="Exemption", required=False, help_text="the reason, for an exemption")


class EventForm(forms.Form):
    occurred_on = forms.DateField(label="The event happened on", widget=forms.DateInput(attrs={"type": "date"}))


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(choices=[(o.value, o.label) for o in Review.Outcome if o != Review.Outcome.AUTOMATIC])
    level = forms.CharField(label="New level", required=False, help_text="for a downgrade: CONFIDENTIAL or SECRET")
    redactions = forms.CharField(
        label="Redactions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"one per line: PHRASE = REASON; every occurrence of the phrase, in the text and the annotations, "
        f"is withheld. Reasons: {REASONS}",
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_review_on = forms.DateField(
        label="Next review",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="keep or downgrade",
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField()


def redaction_spans(item, lines: str) -> list[Span]:
    """'PHRASE = REASON' lines → every occurrence of each phrase, in the text and the annotations."""
    spans = []
    for line in filter(str.strip, lines.splitlines()):
        phrase, _, reason = line.rpartition("=")
        if not phrase.strip() or not reason.strip():
            raise InvalidInput(f"write a redaction as PHRASE = REASON, not {line.strip()!r}")
        spans += services.phrase_redactions(item, phrase.strip(), reason.strip().upper())
    return spans


@require_safe
@archivist_desk
def archive_desk(request):
    principal = request.user
    transferred = set(selectors.transfers(principal).values_list("case_id", flat=True))
    waiting = [c for c in case_files(principal).filter(closed_at__isnull=False) if c.pk not in transferred]
    items = selectors.items(principal)
    context = {
        "waiting": [(c, TransferForm(initial={"case": c.number}, auto_id=f"transfer-{c.pk}-%s")) for c in waiting],
        "queue": [(r, selectors.reference(r.item)) for r in selectors.review_queue(principal)],
        "transfers": list(selectors.transfers(principal).order_by("-received_at")),
        "to_publish": [
            (i, selectors.reference(i)) for i in items.filter(declassified_at__isnull=False, published_at__isnull=True)
        ],
        "items": [(i, selectors.reference(i)) for i in items.order_by("unit_id", "id")[:ITEMS_SHOWN]],
    }
    return render(request, "archive/desk/desk.html", context)


@archivist_desk
@require_POST
def transfer(request):
    form = TransferForm(request.POST)

    def act(d):
        parts = [p.strip() for p in d["unit"].strip("/").split("/")]
        if not 3 <= len(parts) <= 4 or not all(parts):
            raise InvalidInput("transfer into repository/fond/opis[/delo], e.g. TsKhSD/89/25")
        code, fond, opis, delo = (parts + [""])[:4]
        return services.transfer_case(
            request.user, d["case"], repository=code, fond=fond, opis=opis, delo=delo, first_item=d["first"]
        )

    return perform(request, form, act, title="Transfer a closed case file", back=DESK)


@archivist_desk
@require_POST
def sweep(request):
    return perform(
        request,
        forms.Form(request.POST),
        lambda d: services.sweep_reviews(request.user),
        title="Open the reviews due",
        back=DESK,
    )


@archivist_desk
@require_POST
def fixity(request):
    return perform(
        request,
        forms.Form(request.POST),
        lambda d: services.check_fixity(request.user),
        title="Check fixity",
        back=DESK,
    )


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
        "reviews": [(r, withheld[r.pk]) for r in reading.reviews],
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
        "withdraw": WithdrawForm() if item.published_at else None,
    }
    return render(request, "archive/desk/item.html", context)


def _on_item(request, reference: str, form: forms.Form, title: str, act):
    return perform(request, form, act, title=f"{title}: {reference}", back=f"{DESK}items/{reference}/")


@archivist_desk
@require_POST
def instruct(request, reference: str):
    return _on_item(
        request,
        reference,
        InstructionForm(request.POST),
        "Declassification instruction",
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
        "Record the event",
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
            note=d["note"],
            next_review_on=d["next_review_on"],
        )

    return _on_item(request, reference, ReviewForm(request.POST), "Decide the review", act)


@archivist_desk
@require_POST
def publish(request, reference: str):
    return _on_item(
        request, reference, forms.Form(request.POST), "Publish", lambda d: services.publish(request.user, reference)
    )


@archivist_desk
@require_POST
def withdraw(request, reference: str):
    return _on_item(
        request,
        reference,
        WithdrawForm(request.POST),
        "Withdraw from the reading room",
        lambda d: services.withdraw(request.user, reference, d["reason"]),
    )
