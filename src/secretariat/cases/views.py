"""The case files desk (the registrar's): the list of case files, open one, a case's papers,
add a paper, close it after a confirmation step.

Thin: pages read through the selectors, each POST calls one service through `perform`, which
shows the refusal (nothing changed) or goes on with a banner saying what was done.
"""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from secretariat.cases import selectors, services
from secretariat.cases.models import CaseFile
from secretariat.kernel.desks import desk, perform
from secretariat.kernel.errors import NotFound
from secretariat.kernel.lists import listing
from secretariat.kernel.principals import Role
from secretariat.kernel.widgets import SuggestInput, suggested

DESK = "/cases/"
PER_PAGE = 50
STATES = {
    "": gettext_lazy("All"),
    "open": gettext_lazy("Open"),
    "closed": gettext_lazy("Closed"),
}  # the list's filter, kept in the URL (?state=)
registrar_desk = desk(Role.REGISTRAR)


def _case_url(case: CaseFile | str) -> str:
    return f"{DESK}{getattr(case, 'number', case)}/"


def _case(principal, number: str) -> CaseFile:
    try:
        return selectors.case_file(principal, number)
    except NotFound:
        raise Http404("no such page") from None


def paper_picker(case: CaseFile | None = None, *, multiple: bool = False) -> SuggestInput:
    """Papers to add, suggested by number or title as the registrar types (a register of 100,000 papers is no
    select); a number typed in full is taken as it is."""
    source = f"/cases/papers/suggest/{f'?case={case.number}' if case is not None else ''}"
    return SuggestInput(source, multiple=multiple)


class DocumentsChoice(forms.ModelMultipleChoiceField):
    """Papers named by number, several in one field ('P46/X, P47/5'), as the picker fills it."""

    def clean(self, value):
        if isinstance(value, str):
            value = [value]
        numbers = [number.strip() for item in value or [] for number in str(item).split(",") if number.strip()]
        return super().clean(numbers)


class OpenCaseForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=500,
        help_text=gettext_lazy("the matter, e.g. Instructions to the Ambassador (P46/X)"),
    )
    number = forms.CharField(
        label=gettext_lazy("Number"),
        required=False,
        max_length=60,
        help_text=gettext_lazy("leave empty for the next CASE number, or give one, e.g. CASE-7"),
    )
    documents = DocumentsChoice(
        queryset=None,
        required=False,
        to_field_name="number",
        widget=paper_picker(multiple=True),
        label=gettext_lazy("Papers"),
        help_text=gettext_lazy("optional, several separated by commas; add more later"),
    )

    def __init__(self, principal, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = selectors.papers_to_add(principal)


class AddPaperForm(forms.Form):
    document = forms.ModelChoiceField(
        queryset=None,
        to_field_name="number",
        label=gettext_lazy("Paper"),
        help_text=gettext_lazy("its number: type a number or words of its title and pick"),
    )

    def __init__(self, principal, case, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = selectors.papers_to_add(principal, case)
        self.fields["document"].widget = paper_picker(case)


class CloseCaseForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("Yes, close this case file"),
        help_text=gettext_lazy("its papers are filed and no paper can be added afterwards"),
        error_messages={"required": gettext_lazy("Tick the box to confirm that the case file is to be closed")},
    )


@require_safe
@registrar_desk
@require_safe
def suggest_papers(request):
    """A paper picker's suggestions (htmx): papers the registrar may add (to `?case=`, those not in it yet)."""
    number = request.GET.get("case", "")
    case = _case(request.user, number) if number else None
    return suggested(request, lambda text: selectors.papers_suggested(request.user, text, case) if text else [])


@registrar_desk
def case_list(request):
    state = request.GET.get("state", "")
    state = state if state in STATES else ""
    page = Paginator(selectors.case_list(request.user, state), PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "state": state, "states": STATES, "form": OpenCaseForm(request.user, auto_id="open-%s")}
    return render(request, "cases/list.html", context)


@registrar_desk
@require_POST
def open_case(request):
    return perform(
        request,
        OpenCaseForm(request.user, request.POST, auto_id="open-%s"),
        lambda d: services.open_case(
            request.user, d["title"], [p.number for p in d["documents"]], number=d["number"].strip() or None
        ),
        title=_("Open a case file"),
        back=DESK,
        done=_case_url,
        said=lambda case: _("Case file %(number)s opened: %(title)s") % {"number": case.number, "title": case.title},
    )


@require_safe
@registrar_desk
def case_page(request, number: str):
    case = _case(request.user, number)
    context = {
        "case": case,
        "papers": listing(request, selectors.case_papers(case), {}),  # a page at a time
        "missing": [] if case.is_closed else selectors.still_missing(case),
        "add_form": None if case.is_closed else AddPaperForm(request.user, case, auto_id="add-%s"),
    }
    return render(request, "cases/case.html", context)


@registrar_desk
@require_POST
def add_paper(request, number: str):
    case = _case(request.user, number)

    def act(d):
        services.add_to_case(request.user, case.number, [d["document"].number])
        return d["document"]

    return perform(
        request,
        AddPaperForm(request.user, case, request.POST, auto_id="add-%s"),
        act,
        title=_("Add a paper to case file %(number)s") % {"number": case.number},
        back=_case_url(case),
        said=lambda document: (
            _("No %(number)s added to case file %(case)s") % {"number": document.number, "case": case.number}
        ),
    )


@registrar_desk
@require_http_methods(["GET", "HEAD", "POST"])
def close_case(request, number: str):
    """GET: what closing means, and what still keeps the case open; POST (confirmed): close it."""
    case = _case(request.user, number)
    if request.method == "POST":
        return perform(
            request,
            CloseCaseForm(request.POST),
            lambda d: services.close_case(request.user, case.number),
            title=_("Close case file %(number)s") % {"number": case.number},
            back=_case_url(case),
            said=_("Case file %(number)s closed; its papers are filed") % {"number": case.number},
        )
    if case.is_closed:
        raise Http404("no such page")
    context = {"case": case, "missing": selectors.still_missing(case), "form": CloseCaseForm(auto_id="close-%s")}
    return render(request, "cases/close.html", context)
