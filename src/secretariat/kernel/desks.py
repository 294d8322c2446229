"""What the desks of every app share: who may open a desk, running one service from a form,
showing a refusal in the page, and the public pages' GET-only, one-404 wrapper."""

import functools
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from secretariat.kernel import lists
from secretariat.kernel.classification import Level
from secretariat.kernel.errors import InvalidInput, NotFound, ServiceError

SECOND_FACTOR_FROM = Level.SECRET


def needs_second_factor(principal) -> bool:
    return principal.clearance >= SECOND_FACTOR_FROM


def login_required(view):
    """Logged in, and past the second factor where the clearance calls for one."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"/login/?next={request.path}")
        if needs_second_factor(request.user) and not request.user.is_verified():
            return redirect(f"/login/second-factor/?next={request.path}")
        return view(request, *args, **kwargs)

    return wrapped


def desk(*roles: str):
    """A desk for holders of any of `roles` (logged in, past the second factor); others get the 404 page."""

    def decorate(view):
        @functools.wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not any(request.user.has_role(role) for role in roles):
                raise Http404("no such page")
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def unit_desk(view):
    """A desk for anyone in a unit or post (logged in, past the second factor); others get the 404 page."""

    @functools.wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if request.user.unit_id is None:
            raise Http404("no such page")
        return view(request, *args, **kwargs)

    return wrapped


def refusal(request, exc: ServiceError, *, title: str, back: str, form: forms.Form | None = None):
    """The service's message in the page (409 refused, 422 malformed), the form as it was sent."""
    return render(
        request,
        "kernel/refused.html",
        {"title": title, "message": exc.message, "form": form, "action": request.path, "back": back},
        status=422 if isinstance(exc, InvalidInput) else 409,
    )


def perform(request, form: forms.Form, act, *, title: str, back: str, done=None, said=None):
    """Run one service on the form's data, then go to `done` (default: back) saying `said` (a text,
    or a function of the service's result) in a banner on the next page; or show why not.

    Missing and not allowed are the friendly 404 (rule 2)."""
    try:
        if not form.is_valid():
            raise InvalidInput(_("check the fields marked below"))
        result = act(form.cleaned_data)
    except NotFound:
        raise Http404("no such page") from None
    except ServiceError as exc:
        return refusal(request, exc, title=title, back=back, form=form)
    if said is not None:
        messages.success(request, said(result) if callable(said) else said)
    return redirect(done(result) if done else back)


def public(not_found_template: str):
    """A view decorator: GET or HEAD only, no login; a missing thing gets `not_found_template`
    with status 404 and the service's message (rule 2: the same for missing and not published)."""

    def decorator(view):
        @require_safe
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                return render(request, not_found_template, {"message": exc.message}, status=404)

        return wrapper

    return decorator


@dataclass(frozen=True)
class PagedList:
    """One of several lists on a desk page, a page at a time: each pages on its own in the URL (`?copies=2`), its
    pager (kernel/_paged.html) keeping the others' pages."""

    page: Page
    param: str  # the list's page in the URL
    query: str  # the rest of the URL's query, kept in the pager's links

    @property
    def rows(self) -> list:
        return self.page.object_list


def paged(request, rows, param: str) -> PagedList:
    """The page of `rows` that `?<param>=` asks for (past the end gives the last), lists.PAGE_SIZE rows a page."""
    page = Paginator(rows, lists.PAGE_SIZE).get_page(request.GET.get(param))
    kept = request.GET.copy()
    kept.pop(param, None)
    return PagedList(page, param, kept.urlencode())
