"""Accounts in Russian: its pages and refusals follow the browser's language, and the command line's follow LANG."""

import subprocess

import pytest

from secretariat.accounts.models import Unit
from tests.cli import SECRETARIAT, env_for, migrated

RU = {"HTTP_ACCEPT_LANGUAGE": "ru"}


def test_the_login_page_and_a_wrong_password_read_in_russian(client, admin):
    page = client.get("/login/", **RU).content.decode()
    assert "<h1>Войти</h1>" in page and "Логин" in page and "Log in" not in page
    refused = client.post("/login/", {"username": "admin", "password": "wrong", "next": "/in-tray/"}, **RU)
    assert refused.status_code == 400
    assert "Неверный логин или пароль" in refused.content.decode()
    english = client.post("/login/", {"username": "admin", "password": "wrong", "next": "/in-tray/"})
    assert "Wrong username or password" in english.content.decode()


def test_the_units_desk_says_in_russian_what_it_did_and_why_not(admin, login):
    officer = login("admin")
    page = officer.get("/access/units/", **RU).content.decode()
    assert "<h1>Подразделения и загранпредставительства</h1>" in page and "Добавить подразделение" in page
    unit = {"code": "gd-2", "name": "Второй европейский отдел", "kind": "unit"}
    added = officer.post("/access/units/", unit, follow=True, **RU).content.decode()
    assert "Подразделение Второй европейский отдел (gd-2) добавлено." in added
    again = officer.post("/access/units/", unit, **RU)  # the service refuses: the code is taken
    assert again.status_code == 409
    assert "Не выполнено: подразделение &#x27;gd-2&#x27; уже существует" in again.content.decode()
    malformed = officer.post("/access/units/", {**unit, "code": "GD 2"}, **RU)  # the form refuses
    assert malformed.status_code == 422
    assert "Введите код из строчных латинских букв, цифр и дефисов" in malformed.content.decode()
    assert Unit.objects.filter(code="gd-2").count() == 1
    listed = officer.get("/access/units/", **RU).content.decode()
    assert "<td>Второй европейский отдел</td><td>подразделение</td>" in listed  # the kind in words, the code kept
    people = officer.get("/access/principals/", **RU).content.decode()
    assert "администратор" in people and "офицер безопасности" in people and "<td>действует</td>" in people


@pytest.mark.slow
@pytest.mark.embedded
def test_the_command_line_refuses_in_the_language_of_lang(tmp_path):
    migrated(tmp_path)
    base = {k: v for k, v in env_for(tmp_path).items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}

    def token_list(lang: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [SECRETARIAT, "token", "list", "--as", "nobody"],
            env={**base, "LANG": lang},
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
        )

    russian = token_list("ru_RU.UTF-8")
    assert russian.returncode == 2 and "invalid: неизвестный сотрудник 'nobody'" in russian.stderr
    english = token_list("C.UTF-8")
    assert english.returncode == 2 and "invalid: unknown principal 'nobody'" in english.stderr
