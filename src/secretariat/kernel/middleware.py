"""What every page request shares and should pay for once: the principal, read with its roles and compartments
in one go; and the session, kept alive without a write on every request.

Idle timeout. A session ends after SESSION_COOKIE_AGE seconds (30 minutes) without a request. The database keeps
the session until its `expire_date` (set to now + SESSION_COOKIE_AGE each time it is saved), so a session lives on
only while it is saved again now and then. Saving it on every request (SESSION_SAVE_EVERY_REQUEST) writes a row
per page view; `idle_sessions` saves it at most once every SESSION_TOUCH_SECONDS (a minute), so a person who keeps
working is never logged out, and one who walks away is logged out between 29 and 30 minutes after their last
request (never later than the timeout).
"""

import functools

from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, empty

from secretariat.kernel.principals import ready

TOUCHED = "_touched"  # the session's own record of when it was last saved for being used (POSIX seconds)


def idle_sessions(get_response):
    """Middleware (below SessionMiddleware): save a session in use at most once a SESSION_TOUCH_SECONDS, so its
    expiry moves on with the person's activity without a write per request."""
    every = getattr(settings, "SESSION_TOUCH_SECONDS", 60)

    def middleware(request):
        response = get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.session_key is None or session.modified:
            return response  # no session, or one saved anyway (a login, a message)
        now = int(timezone.now().timestamp())
        touched = session.get(TOUCHED)  # loads it: a key the database no longer holds is None after this
        if session.session_key is not None and (not isinstance(touched, int) or now - touched >= every):
            session[TOUCHED] = now  # modified: SessionMiddleware saves it, with expire_date = now + the timeout
        return response

    return middleware


def _principal(user):
    if not isinstance(user, SimpleLazyObject):
        return ready(user)
    if user._wrapped is empty:
        user._setup()
    return ready(user._wrapped)


def principal_once(get_response):
    """Middleware (below AuthenticationMiddleware and OTPMiddleware): request.user, when first used, comes with
    its roles and compartments read in one query each, so the desk guards, the access rule and the templates ask
    them of the database once a request, however often they ask."""

    def middleware(request):
        if hasattr(request, "user"):
            request.user = SimpleLazyObject(functools.partial(_principal, request.user))
        return get_response(request)

    return middleware
