"""A fault of the machine in the middle of a page: a plain 503 that says so, not a traceback."""

import pytest
from django.db import OperationalError
from django.test import Client


@pytest.mark.django_db
def test_the_web_answers_503_when_the_database_fails(make_principal, monkeypatch, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(make_principal("clerk", clearance="CONFIDENTIAL"))  # no second factor needed

    def damaged(*args, **kwargs):
        raise OperationalError("database disk image is malformed")

    monkeypatch.setattr("secretariat.web.views.registry.holder_inventory", damaged)
    page = client.get("/in-tray/")
    assert page.status_code == 503 and page["Retry-After"] == "60"
    assert "The registry is unavailable" in page.content.decode() and "malformed" not in page.content.decode()
