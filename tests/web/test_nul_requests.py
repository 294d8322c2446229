"""A NUL character in what a page request looks up (address, query, form) is a 400 saying where, before
any view: no lookup hands one to the database (PostgreSQL would refuse it with a 500). The API refuses one
with its documented problems (tests/api)."""

import pytest
from django.test import Client

from secretariat.audit.models import AuditEvent


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, path, data, where",
    [
        ("get", "/registry/holders/grom\x00yko/", None, "the address"),
        ("get", "/reading-room/", {"q": "ambas\x00sador"}, "the query"),
        ("post", "/login/", {"username": "admin\x00", "password": "x"}, "the form"),
    ],
)
def test_a_nul_in_a_lookup_is_a_400_saying_where(admin, method, path, data, where):
    before = AuditEvent.objects.count()
    response = getattr(Client(), method)(path, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert f"{where} holds a NUL character" in body
    assert AuditEvent.objects.count() == before
