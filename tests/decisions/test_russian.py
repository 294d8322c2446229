"""The secretary's desk speaks Russian to a browser that asks for it; its refusals too."""

import pytest
from django.utils import translation

from secretariat.decisions.models import Meeting
from tests.web.pages import events, page, sign_in


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """A request in Russian leaves Russian active in this thread; the next tests expect the default."""
    yield
    translation.deactivate()


def test_the_secretary_desk_and_its_refusal_in_russian(client, demo):
    sign_in(client, "secretary")
    text = page(client.get("/secretary/", HTTP_ACCEPT_LANGUAGE="ru"))
    assert "Рабочее место секретаря" in text and "Записать заседание" in text
    assert "Secretary's desk" not in text

    head = events()
    refused = client.post("/secretary/P/meetings/", {"number": 46, "held_on": "1977-03-01"}, HTTP_ACCEPT_LANGUAGE="ru")
    text = page(refused, 409)
    assert "протокол № 46 органа" in text and "уже существует" in text
    assert events() == head and Meeting.objects.filter(number=46).count() == 1


def test_a_protocol_page_in_russian(client, demo):
    text = page(sign_in(client, "secretary").get("/secretary/P/46/", HTTP_ACCEPT_LANGUAGE="ru"))
    assert "Протокол № 46 органа" in text and "Пункт X." in text
    english = page(client.get("/secretary/P/46/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Protocol No 46 of" in english and "Point X." in english
