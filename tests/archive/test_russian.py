"""The archive desk and the reading room speak Russian to a browser that asks for it; the papers stay as they are
and the search finds them either way."""

import pytest
from django.utils import translation
from django.utils.html import escape

from secretariat.archive import selectors
from secretariat.archive.models import Item
from secretariat.audit.models import AuditEvent


def _published() -> Item:
    return Item.objects.filter(published_at__isnull=False).order_by("id").first()


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """A request in Russian leaves Russian active in this thread; the next tests expect the default."""
    yield
    translation.deactivate()


def test_the_reading_room_in_russian_searches_and_says_not_found(demo, client):
    item = _published()
    assert item is not None, "the demo's archive publishes an item"
    word = next(w for w in item.title.split() if w.isalpha() and len(w) > 5)
    room = client.get("/reading-room/", {"q": word}, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "<h1>Читальный зал</h1>" in room and "Поиск по опубликованным документам" in room
    assert f"/reading-room/{selectors.public_identifier(item)}/" in room  # the search still finds it
    assert escape(item.title) in room  # the paper's own words as they are
    missing = client.get("/reading-room/tskhsd-89-25-404/", HTTP_ACCEPT_LANGUAGE="ru")
    assert missing.status_code == 404
    assert "<h1>Не найдено</h1>" in missing.content.decode() and "Нет единицы хранения" in missing.content.decode()


def test_the_archive_desk_in_russian_and_its_refusal(demo, login):
    archivist = login("archivist")
    desk = archivist.get("/archive/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "<h1>Архив</h1>" in desk and "Импортировать транскрипцию" in desk
    reference = selectors.reference(_published())
    size = AuditEvent.objects.count()
    refused = archivist.post(f"/archive/items/{reference}/publish/", HTTP_ACCEPT_LANGUAGE="ru")
    assert refused.status_code == 409
    assert f"{reference} уже опубликована" in refused.content.decode()
    assert AuditEvent.objects.count() == size
