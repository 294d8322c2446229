"""What the desks share: running one service from a form, and showing a refusal in the page."""

from django import forms
from django.http import Http404
from django.shortcuts import redirect, render

from secretariat.classification import Classification
from secretariat.errors import InvalidInput, NotFound, ServiceError

CLASSIFICATION_HELP = "e.g. TOP SECRET, SECRET or SECRET//SPECIAL FILE"


def refusal(request, exc: ServiceError, *, title: str, back: str, form: forms.Form | None = None):
    """The service's message in the page (409 refused, 422 malformed), the form as it was sent."""
    return render(
        request,
        "web/refused.html",
        {"title": title, "message": exc.message, "form": form, "action": request.path, "back": back},
        status=422 if isinstance(exc, InvalidInput) else 409,
    )


def perform(request, form: forms.Form, act, *, title: str, back: str, done=None):
    """Run one service on the form's data, then go to `done` (default: back), or show why not.

    Missing and not allowed are the friendly 404 (rule 2)."""
    try:
        if not form.is_valid():
            raise InvalidInput("check the fields marked below")
        result = act(form.cleaned_data)
    except NotFound:
        raise Http404("no such page") from None
    except ServiceError as exc:
        return refusal(request, exc, title=title, back=back, form=form)
    return redirect(done(result) if done else back)


def classification(text: str) -> Classification:
    try:
        return Classification.parse(text)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
