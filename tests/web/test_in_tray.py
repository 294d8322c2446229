"""The in-tray leads somewhere: each paper it names is a link that opens for the person it is shown to."""

import re

from secretariat.registry.models import Copy


def _links(client) -> list[str]:
    return re.findall(r'href="(/documents/[^"]+)"', client.get("/in-tray/").content.decode())


def test_the_paper_of_a_control_on_me_is_a_link_that_opens(demo, login):
    client = login("gromyko")
    assert _links(client) == ["/documents/P47/5/"]  # the control on him: the instruction he must report on
    assert client.get("/documents/P47/5/").status_code == 200


def test_the_paper_of_a_copy_i_hold_is_a_link_that_opens(demo, login):
    copy = Copy.objects.get(document__number="P47/5", number=2, status=Copy.Status.ISSUED)
    client = login(copy.holder.username)
    assert "/documents/P47/5/" in _links(client)
    assert client.get("/documents/P47/5/").status_code == 200


RUSSIAN_DATE = r"\d{1,2} (января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря) \d{4}"


def test_the_in_tray_and_the_not_found_page_read_in_russian(demo, login):
    copy = Copy.objects.get(document__number="P47/5", number=2, status=Copy.Status.ISSUED)
    client = login(copy.holder.username)
    page = client.get("/in-tray/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "<h1>Входящие</h1>" in page and "Экземпляры у меня" in page and ">№ P47/5</a>" in page
    assert re.search(rf"<td>{RUSSIAN_DATE}</td>", page)  # the month in the genitive, as Russian writes a date
    assert "Copies I hold" not in page and "Фев " not in page
    english = client.get("/in-tray/").content.decode()
    assert "Copies I hold" in english and re.search(r"<td>\d{1,2} [A-Z][a-z]{2} \d{4}</td>", english)
    missing = client.get("/documents/NO-SUCH/", HTTP_ACCEPT_LANGUAGE="ru")
    assert missing.status_code == 404 and "<h1>Не найдено</h1>" in missing.content.decode()
