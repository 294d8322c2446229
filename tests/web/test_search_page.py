"""/search/: staff search in the browser's terms — words in, papers one may read out, passages marked, filters by
kind and level, refusals said; and the reading room's results with their passage."""

from django.test import Client

from secretariat.audit.models import AuditEvent


def test_a_member_finds_the_papers_he_may_read_with_the_words_marked(demo, login):
    gromyko = login("gromyko")
    before = AuditEvent.objects.filter(action="document.read").count()
    page = gromyko.get("/search/", {"q": "ambassadors"}).content.decode()  # the plural finds "Ambassador"
    assert 'href="/documents/P46/X/"' in page and "<mark>Ambassador</mark>" in page
    assert AuditEvent.objects.filter(action="document.read").count() > before  # the passages shown were read
    kinds = gromyko.get("/search/", {"q": "ambassadors", "kind": "cable"}).content.decode()
    assert 'href="/documents/P46/X/"' not in kinds and 'href="/documents/TEL-1/"' in kinds
    refused = gromyko.get("/search/", {"q": "ambassadors", "kind": "memo"})
    assert refused.status_code == 422 and "memo" in refused.content.decode()
    assert "Search papers" in gromyko.get("/search/").content.decode()


def test_what_one_may_not_read_is_neither_found_nor_counted(demo, login):
    tass = login("tass").get("/search/", {"q": "ambassador"}).content.decode()  # TASS reads its announcement alone
    assert 'href="/documents/TASS-1/"' in tass and 'href="/documents/P46/X/"' not in tass
    assert "Showing 1–1 of 1" in tass and "kind=extract" not in tass  # no count or kind of what it may not read
    assert Client().get("/search/", {"q": "ambassador"}).status_code == 302  # log in first


def test_the_reading_room_shows_where_the_words_stand_and_finds_a_plural(demo, client):
    room = client.get("/reading-room/", {"q": "ambassadors Vance"}).content.decode()
    assert "1 paper" in room and "<mark>Vance</mark>" in room
