"""Helpers for the web tests: signing in, reading a page, counting audit events, the demo's telltale phrases."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from secretariat.audit.models import AuditEvent
from secretariat.kernel.desks import needs_second_factor
from secretariat.kernel.principals import principal_by_username

P46_TITLE = "his conversation with Vance on the question of"  # a part of the title with nothing to escape
P46_TEXT = "The draft of the instructions to the Soviet Ambassador"
HTMX = {"HTTP_HX_REQUEST": "true"}


def no_traceback(response) -> bool:
    return b"Traceback" not in response.content and b"Exception" not in response.content


def sign_in(client, username):
    """Log in as `username`, past the second factor where the clearance calls for one."""
    principal = principal_by_username(username)
    client.force_login(principal)
    if needs_second_factor(principal):
        device, _ = TOTPDevice.objects.get_or_create(user=principal, name="test", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def page(response, status=200):
    """The response's text, after checking its status and that no traceback leaked into it."""
    text = response.content.decode()
    assert response.status_code == status, text[:2000]
    assert "Traceback" not in text and 'File "' not in text
    return text


def events(**filters) -> int:
    return AuditEvent.objects.filter(**filters).count()
