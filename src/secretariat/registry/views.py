"""The registry desk (the register, overdue copies, each document's copies, holders), and a
holder's receipt for their copy (on the document page, which is render's).

Thin: pages read through selectors, each POST calls one service and then redirects, or, for
htmx, answers with the part of the page that changed. Registry staff see metadata only: no
template here shows a title or a text except the document page, which reads through the
audited `read_for_rendering`.
"""

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from secretariat.accounts.forms import ClassificationPicker, picker
from secretariat.accounts.selectors import addressees_by_name
from secretariat.kernel import clock
from secretariat.kernel.classification import Classification, Level
from secretariat.kernel.cli import listed
from secretariat.kernel.desks import desk, login_required, paged
from secretariat.kernel.errors import InvalidInput, NotFound, ServiceError
from secretariat.kernel.lists import csv_response, filters_of, listing, offered, refused_csv
from secretariat.kernel.panels import panels
from secretariat.kernel.principals import Role, principal_by_username
from secretariat.registry import selectors, services
from secretariat.registry.forms import TEXT, AttachmentForm, VersionForm, text_upload
from secretariat.registry.models import Document
from secretariat.registry.presenters import copy_row

registrar_desk = desk(Role.REGISTRAR)


def _status(error: ServiceError) -> int:
    """Malformed input is 422; a well-formed request the rules refuse is 409."""
    return 422 if isinstance(error, InvalidInput) else 409


def _htmx(request) -> bool:
    return bool(request.headers.get("HX-Request"))


def _as_of(request) -> dt.datetime:
    """?as_of=YYYY-MM-DD: the register as it stood at the end of that day (UTC); else now."""
    text = request.GET.get("as_of", "").strip()
    if not text:
        return clock.now()
    try:
        return dt.datetime.combine(dt.date.fromisoformat(text), dt.time.max, tzinfo=dt.UTC)
    except ValueError:
        raise InvalidInput(_("as_of must be a day written YYYY-MM-DD, not %(text)s") % {"text": repr(text)}) from None


def _level(text: str) -> Level | None:
    """A list's level filter: blank for any, else a level as written (SECRET, TS, 2)."""
    if not text:
        return None
    try:
        return Level.parse(text)
    except ValueError:
        raise InvalidInput(
            _("Choose a %(what)s from the list, not %(text)r") % {"what": _("level"), "text": text}
        ) from None


REGISTER_FILTERS = ("q", "kind", "level", "state", "as_of")
OVERDUE_FILTERS = ("q", "level", "as_of")
OVERDUE_ON_DESK = 10  # the rest are on the overdue list, a click away


def _register_rows(request, filters: dict[str, str], as_of: dt.datetime):
    """The register narrowed by the desk's filters; InvalidInput for a filter no list offers."""
    kind = offered(filters["kind"], Document.Kind.values, _("kind"))
    state = offered(filters["state"], selectors.REGISTER_STATES, _("state"))
    level = _level(filters["level"])
    return selectors.register(request.user, as_of, text=filters["q"], kind=kind, level=level, state=state)


def _desk_page(request, *, error: ServiceError | None = None, form=None, status: int = 200, text_file_error: str = ""):
    principal = request.user
    filters = filters_of(request, REGISTER_FILTERS)
    try:
        as_of = _as_of(request)
        rows = _register_rows(request, filters, as_of)
    except InvalidInput as exc:
        as_of, error, status = clock.now(), exc, 422
        rows = selectors.register(principal, as_of)
    register = listing(request, rows, filters)
    overdue = selectors.overdue_copies(principal, as_of)
    context = {
        "as_of": as_of,
        "listing": register,
        "register": [(document, selectors.balance_of(document)) for document in register.rows],
        "overdue": [copy_row(c, as_of) for c in overdue[:OVERDUE_ON_DESK]],
        "overdue_count": overdue.count(),
        "kinds": Document.Kind.values,
        "levels": Level.choices,
        "states": selectors.REGISTER_STATES,
        "form": form or {"kind": Document.Kind.NOTE},  # a new paper is a note unless the registrar says otherwise
        "classification_picker": PICK_CLASSIFICATION.render(
            "classification", _picked_classification(form or {}), attrs={"id": "classification", "required": True}
        ),
        "distribution_picker": PICK_ADDRESSEES.render(
            "distribution", (form or {}).get("distribution", ""), attrs={"id": "distribution"}
        ),
        "error": error,
        "text_file_error": text_file_error,
    }
    return render(request, "registry/desk.html", context, status=status)


@registrar_desk
@require_safe
def register(request):
    """The register: every paper the registrar may see in it, its copies' balance, and what is overdue."""
    return _desk_page(request)


@registrar_desk
@require_safe
def register_csv(request):
    """Every row of the register the filters match (not one page), as CSV: metadata only."""
    filters = filters_of(request, REGISTER_FILTERS)
    try:
        as_of = _as_of(request)
        rows = _register_rows(request, filters, as_of)
    except InvalidInput as exc:
        return refused_csv(exc)
    header = [
        "number", "classification", "kind", "dated", "made", "issued", "returned", "destroyed", "lost",
        "outstanding", "overdue", "balanced",
    ]  # fmt: skip

    def lines():
        for d in rows.iterator(chunk_size=2000):
            b = selectors.balance_of(d)
            yield [
                d.number, d.classification, d.kind, d.dated.isoformat(), b.allocated, b.issued, b.returned,
                b.destroyed, b.lost, b.outstanding, b.overdue, b.balanced,
            ]  # fmt: skip

    return csv_response("register.csv", header, lines())


def _overdue_rows(request, filters: dict[str, str]):
    as_of = _as_of(request)
    return as_of, selectors.overdue_copies(request.user, as_of, text=filters["q"], level=_level(filters["level"]))


@registrar_desk
@require_safe
def overdue(request):
    """Every copy past due and not back, longest overdue first: the list a registrar chases from."""
    filters = filters_of(request, OVERDUE_FILTERS)
    error, status = None, 200
    try:
        as_of, rows = _overdue_rows(request, filters)
    except InvalidInput as exc:
        error, status = exc, 422
        as_of = clock.now()
        rows = selectors.overdue_copies(request.user, as_of)
    page = listing(request, rows, filters)
    context = {
        "as_of": as_of,
        "listing": page,
        "overdue": [copy_row(c, as_of) for c in page.rows],
        "levels": Level.choices,
        "error": error,
    }
    return render(request, "registry/overdue.html", context, status=status)


@registrar_desk
@require_safe
def overdue_csv(request):
    """Every overdue copy the filters match, as CSV, longest overdue first."""
    filters = filters_of(request, OVERDUE_FILTERS)
    try:
        as_of, rows = _overdue_rows(request, filters)
    except InvalidInput as exc:
        return refused_csv(exc)
    header = ["number", "copy", "holder", "holder_name", "classification", "issued", "due", "days_overdue"]

    def lines():
        for c in rows.iterator(chunk_size=2000):
            yield [
                c.document.number, c.number, c.holder.username, str(c.holder), c.document.classification,
                c.issued_at.isoformat(), c.due_at.isoformat(), (as_of - c.due_at).days,
            ]  # fmt: skip

    return csv_response("overdue.csv", header, lines())


PICK_CLASSIFICATION = ClassificationPicker()
PICK_ADDRESSEES = picker("addressees", multiple=True)


def _picked_classification(form) -> str:
    """The marking the register form sent: picked (a level and boxes ticked) or written out."""
    return PICK_CLASSIFICATION.value_from_datadict(form, {}, "classification") if form else ""


def _registration(form, text: str | None = None) -> dict:
    """The register form's fields as register_document takes them (the text from the uploaded
    file where one was sent); InvalidInput for a malformed one."""
    try:
        classification = Classification.parse(_picked_classification(form))
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    try:
        dated = dt.date.fromisoformat(form.get("dated", "").strip())
    except ValueError:
        raise InvalidInput(_("the date must be written YYYY-MM-DD")) from None
    return {
        "number": form.get("number", "").strip() or None,
        "series": form.get("series", "").strip() or "R",
        "title": form.get("title", ""),
        "classification": classification,
        "kind": form.get("kind", Document.Kind.NOTE),
        "dated": dated,
        "text": form.get("text", "") if text is None else text,
        "distribution": addressees_by_name(listed(form.get("distribution", ""))),
    }


@registrar_desk
@require_POST
def register_document(request):
    """Register a paper; its text typed in, or from an uploaded UTF-8 text file (not both)."""
    try:
        text = text_upload(request.FILES.get("text_file"))
        if text is not None and request.POST.get("text", "").strip():
            raise forms.ValidationError(_("give the text either typed in or as a file, not both"))
    except forms.ValidationError as exc:
        (message,) = exc.messages
        error = InvalidInput(f"Text file: {message}")
        return _desk_page(request, error=error, form=request.POST, status=422, text_file_error=message)
    try:
        document = services.register_document(request.user, **_registration(request.POST, text))
    except ServiceError as exc:
        return _desk_page(request, error=exc, form=request.POST, status=_status(exc))
    messages.success(
        request,
        _("No %(number)s registered, %(classification)s")
        % {"number": document.number, "classification": document.classification},
    )
    return redirect(f"/registry/{document.number}/")


def _entry_page(request, number: str, *, error: ServiceError | None = None, status: int = 200, bound=None):
    principal = request.user
    try:
        as_of = _as_of(request)
    except InvalidInput as exc:
        as_of, error, status = clock.now(), exc, 422
    try:
        document = selectors.register_entry(principal, number)
    except NotFound:
        raise Http404("no such document") from None
    (balance,) = selectors.balances(principal, as_of, number)
    copies = paged(request, selectors.copies(principal, number).issued_by(as_of), "copies")
    context = {
        "document": document,
        "as_of": as_of,
        "balance": balance,
        "distribution": selectors.distribution(principal, number),
        "rows": [copy_row(c, as_of) for c in copies.rows],
        "copies": copies,
        "error": error,
        "attachment_form": AttachmentForm(auto_id="attachment-%s"),
        "addressees_picker": PICK_ADDRESSEES.render("addressees", "", attrs={"id": "addressees", "required": True}),
        "version_form": VersionForm(auto_id="version-%s"),
        "panels": panels("registry.entry", request, document=document),
        **(bound or {}),
    }
    return render(request, "registry/entry.html", context, status=status)


@registrar_desk
@require_safe
def entry(request, number: str):
    """One document's register entry: metadata, distribution, copies and their states."""
    return _entry_page(request, number)


def _document_action(request, number: str, act):
    """Run one service on a document; back to its entry, or the entry with the refusal."""
    try:
        act()
    except NotFound:
        raise Http404("no such document") from None
    except ServiceError as exc:
        return _entry_page(request, number, error=exc, status=_status(exc))
    return redirect(f"/registry/{number}/")


def _upload(request, number: str, name: str, form: forms.Form, act, said):
    """Run one service on an upload form's checked data; back to the entry saying `said` of the
    result, or the entry again with the form as sent, its errors next to their fields."""
    try:
        if not form.is_valid():
            raise InvalidInput(_("check the fields marked below"))
        result = act(form.cleaned_data)
    except NotFound:
        raise Http404("no such document") from None
    except ServiceError as exc:
        return _entry_page(request, number, error=exc, status=_status(exc), bound={name: form})
    messages.success(request, said(result))
    return redirect(f"/registry/{number}/")


@registrar_desk
@require_POST
def add_attachment(request, number: str):
    """An attachment from a file: a scan kept as the file, a text file as the attachment's text."""

    def act(d):
        upload = d["file"]
        return services.add_attachment(
            request.user,
            number,
            title=d["title"],
            classification=d["classification"],
            text=upload.text,
            file=None if upload.kind == TEXT else upload.file,
            page_count=d["page_count"],
        )

    return _upload(
        request,
        number,
        "attachment_form",
        AttachmentForm(request.POST, request.FILES, auto_id="attachment-%s"),
        act,
        lambda a: (
            _("Attachment %(position)s (%(classification)s) added to No %(number)s")
            % {"position": a.position, "classification": a.classification, "number": number}
        ),
    )


@registrar_desk
@require_POST
def add_version(request, number: str):
    """A new version of the text, from a UTF-8 text file; the old versions stay."""
    return _upload(
        request,
        number,
        "version_form",
        VersionForm(request.POST, request.FILES, auto_id="version-%s"),
        lambda d: services.add_version(request.user, number, d["file"].text, d["note"]),
        lambda v: _("Version %(version)s of the text of No %(number)s added") % {"version": v.number, "number": number},
    )


@registrar_desk
@require_POST
def issue_copies(request, number: str):
    """One numbered copy to everyone on the distribution who has none yet."""
    return _document_action(request, number, lambda: services.issue_copies(request.user, number))


def _named_addressees(text: str) -> list:
    names = listed(text)
    if not names:
        raise InvalidInput(_("name at least one addressee: a username, or unit:CODE"))
    return addressees_by_name(names)


@registrar_desk
@require_POST
def add_to_distribution(request, number: str):
    return _document_action(
        request,
        number,
        lambda: services.add_to_distribution(
            request.user, number, _named_addressees(request.POST.get("addressees", ""))
        ),
    )


def _copycopy_row(request, number: str, k: int, error: ServiceError | None):
    copy = selectors.copies(request.user, number).filter(number=k).first()
    if copy is None:
        raise Http404("no such copy")
    context = {"row": copy_row(copy, clock.now()), "document": copy.document, "error": error}
    return render(request, "registry/_copy_row.html", context, status=_status(error) if error else 200)


def _copy_action(request, number: str, k: int, act):
    """Run one service on a copy; htmx gets the copy's row back, a plain form the entry page."""
    try:
        act()
    except NotFound:
        raise Http404("no such copy") from None
    except ServiceError as exc:
        error = exc
    else:
        error = None
    if _htmx(request):
        return _copycopy_row(request, number, k, error)
    if error is not None:
        return _entry_page(request, number, error=error, status=_status(error))
    return redirect(f"/registry/{number}/#copy-{k}")


@registrar_desk
@require_POST
def return_copy(request, number: str, k: int):
    return _copy_action(request, number, k, lambda: services.return_copy(request.user, number, k))


@registrar_desk
@require_POST
def record_destruction(request, number: str, k: int):
    """First registrar: the copy is being destroyed, under this certificate."""
    certificate = request.POST.get("certificate", "")
    return _copy_action(request, number, k, lambda: services.record_destruction(request.user, number, k, certificate))


@registrar_desk
@require_POST
def witness_destruction(request, number: str, k: int):
    """Second registrar: only now is the copy destroyed."""
    return _copy_action(request, number, k, lambda: services.witness_destruction(request.user, number, k))


@registrar_desk
@require_POST
def report_loss(request, number: str, k: int):
    circumstances = request.POST.get("circumstances", "")
    return _copy_action(request, number, k, lambda: services.report_loss(request.user, number, k, circumstances))


@registrar_desk
@require_safe
def holder(request, username: str):
    """What one holder has out, as far as the registrar may see."""
    try:
        person = principal_by_username(username)
    except InvalidInput:
        raise Http404("no such holder") from None
    now = clock.now()
    copies = selectors.holder_inventory(request.user, person).prefetch_related("document__compartments")
    page = listing(request, copies, {})  # a page at a time, each row's paper and its marking fetched with it
    rows = [copy_row(c, now) for c in page.rows]
    return render(request, "registry/holder.html", {"holder": person, "rows": rows, "listing": page, "now": now})


@login_required
@require_POST
def confirm_receipt(request, number: str, k: int):
    """The holder signs for their copy."""
    principal = request.user
    try:
        services.confirm_receipt(principal, number, k)
    except NotFound:
        raise Http404("no such copy") from None
    except ServiceError as exc:
        error = exc
    else:
        error = None
    if not _htmx(request):
        if error is None:
            return redirect(f"/documents/{number}/")
        return render(
            request, "registry/refused.html", {"error": error, "back": f"/documents/{number}/"}, status=_status(error)
        )
    copy = selectors.own_copy(principal, number)
    if copy is None or copy.number != k:
        raise Http404("no such copy")
    context = {"copy": copy, "copy_row": copy_row(copy, clock.now()), "error": error}
    return render(request, "registry/_my_copy.html", context, status=_status(error) if error else 200)
