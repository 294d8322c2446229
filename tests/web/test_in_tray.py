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
