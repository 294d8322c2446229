"""The web tests' fixtures: `demo` (tests/conftest.py) and a client logged in as one of its people."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from secretariat.kernel.principals import principal_by_username


@pytest.fixture
def login():
    """A test client logged in as `username`, past the second factor when their clearance needs one."""

    def log_in(username: str) -> Client:
        client = Client()
        principal = principal_by_username(username)
        client.force_login(principal)
        if principal.clearance >= 2:  # SECRET and up: a real TOTP code, as the login page takes it
            device, _ = TOTPDevice.objects.get_or_create(user=principal, name="test", defaults={"confirmed": True})
            device.last_t = -1
            device.save()
            code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
            assert client.post("/login/second-factor/", {"token": code, "next": "/in-tray/"}).status_code == 302
        return client

    return log_in
