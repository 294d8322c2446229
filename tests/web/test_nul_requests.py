"""A NUL character in what a page request looks up is refused before the database (PostgreSQL would
answer a 500): in the address or the query, a 400 saying where, before any view; in a form, by the form
or the lookup it makes. The API refuses one with its documented problems (tests/api)."""

import pytest
from django.test import Client

from secretariat.audit.models import AuditEvent


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, path, data, where",
    [
        ("get", "/registry/holders/grom\x00yko/", None, "the address"),
        ("get", "/reading-room/", {"q": "ambas\x00sador"}, "the query"),
    ],
)
def test_a_nul_in_a_lookup_is_a_400_saying_where(admin, method, path, data, where):
    before = AuditEvent.objects.count()
    response = getattr(Client(), method)(path, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert f"{where} holds a NUL character" in body
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_a_nul_in_a_form_lookup_is_refused_by_the_form(admin):
    before = AuditEvent.objects.count()
    login = Client().post("/login/", {"username": "admin\x00", "password": "x"})
    assert login.status_code == 400 and b"Wrong username or password" in login.content
    activation = Client().post(
        "/activate/",
        {"username": "admin\x00", "code": "x", "password": "a long pass phrase", "password2": "a long pass phrase"},
    )
    assert activation.status_code == 422 and b"wrong, used or expired" in activation.content
    assert AuditEvent.objects.count() == before
