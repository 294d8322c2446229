"""What the public pages (channels, reading room) share: GET only, no login, one plain 404."""

import functools

from django.shortcuts import render
from django.views.decorators.http import require_safe

from secretariat.errors import NotFound


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
