"""The control desk: who sees a control, and who may read its task (content, not metadata)."""

import pytest

from secretariat.accounts.selectors import principal_by_username
from secretariat.cables import presenters, selectors
from secretariat.demo.build import build
from secretariat.demo.reference import SECOND_CASE


@pytest.fixture
def demo(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build()


def _desk(username):
    return {c.document.number: presenters.task(c) for c in selectors.controls(principal_by_username(username))}


def test_registry_staff_see_that_a_control_is_open_but_not_what_it_asks(demo):
    assert _desk("registrar") == {"TEL-1": None, "P47/5": None}


def test_the_assignee_and_the_readers_of_its_paper_read_the_task(demo):
    assert _desk("gromyko") == {"TEL-1": "Wire when you have done it.", "P47/5": SECOND_CASE["task"]}
    assert _desk("dobrynin") == {"TEL-1": "Wire when you have done it."}
    assert _desk("andropov") == {"P47/5": SECOND_CASE["task"]}


def test_those_without_a_duty_see_no_control_at_all(demo):
    assert _desk("visitor") == {}
    assert _desk("tass") == {}
