"""The reading room and the archive desk through the web: transfer, review with a redaction,
publication, then the public pages, search, facets and exports show the text with a marked
blank and never the withheld words; unpublished items are the same 404 as missing ones."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from secretariat.archive import services
from secretariat.kernel import clock
from secretariat.kernel.principals import principal_by_username
from tests.archive.steps import EXTRACT, event_review

pytestmark = pytest.mark.demo(archive=False)  # CASE-1 closed, not yet transferred

WITHHELD = "Kosygin"
UNPUBLISHED = "informed him, as instructed"  # the report, item 46: transferred, not published


def signed_in(username: str) -> Client:
    client = Client()
    principal = principal_by_username(username)
    client.force_login(principal)
    device = TOTPDevice.objects.create(user=principal, name="test", confirmed=True)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/login/second-factor/", {"token": code}).status_code == 302
    return client


def text(response, status=200) -> str:
    assert response.status_code == status, response.content.decode()[:1500]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode()


@pytest.fixture
def desk(archivist):
    services.add_repository(archivist, "TsKhSD", "Central Archive of Contemporary Documents")
    return signed_in("archivist")


def test_the_archivist_transfers_reviews_redacts_and_publishes_from_the_desk(desk, archivist):
    page = text(desk.get("/archive/"))
    assert "CASE-1" in page and "Transfer CASE-1" in page and "CASE-2" not in page  # CASE-2 is still open
    with clock.frozen("1992-06-01T10:00:00+03:00"):
        response = desk.post("/archive/transfer/", {"case": "CASE-1", "unit": "TsKhSD/89/25", "first": 44})
    assert response.status_code == 302, text(response, response.status_code)
    assert "Transfer CASE-1" not in text(desk.get("/archive/"))
    event_review(archivist)
    page = text(desk.get(f"/archive/items/{EXTRACT}/"))
    assert "Decide the review" in page and WITHHELD in page and 'class="banner TOP-SECRET"' in page

    public = Client()
    assert "Not found" in text(public.get("/reading-room/tskhsd-89-25-44/"), 404)
    assert "Not found" in text(public.get("/reading-room/tskhsd-89-25-404/"), 404)

    bad = {"outcome": "redact", "redactions": "Brezhnev, Podgorny, Kosygin = GOSSIP"}
    with clock.frozen("1994-03-31T10:00:00+03:00"):
        assert "unknown redaction reason" in text(desk.post(f"/archive/items/{EXTRACT}/review/", bad), 422)
        good = {"outcome": "redact", "redactions": f"{WITHHELD} = PRIVACY", "note": "a living person"}
        assert desk.post(f"/archive/items/{EXTRACT}/review/", good).status_code == 302
        assert desk.post(f"/archive/items/{EXTRACT}/publish/").status_code == 302

    item = text(public.get("/reading-room/tskhsd-89-25-44/"))
    assert "[REDACTED: PRIVACY]" in item and WITHHELD not in item
    assert "TsKhSD, f. 89, op. 25, d. 44, 7 sheets" in item and "Must be returned within 7 days" in item  # margin note
    assert "Originally marked TOP SECRET" in item
    room = text(public.get("/reading-room/"))
    assert "About the instructions to the Soviet Ambassador" in room and "1977" in room and "f. 89" in room
    assert "1 paper" in text(public.get("/reading-room/?q=Vance"))
    assert "0 papers" in text(public.get(f"/reading-room/?q={WITHHELD}"))  # a withheld word finds nothing
    # Nor does an unpublished item's text (as a phrase: its words one by one stand in the extract too).
    assert "0 papers" in text(public.get("/reading-room/", {"q": f'"{UNPUBLISHED}"'}))
    assert "1 paper" in text(public.get("/reading-room/?marked=TOP+SECRET&year=1977&fond=89"))
    assert "0 papers" in text(public.get("/reading-room/?marked=SECRET"))
    for path in (
        "/reading-room/ead3/TsKhSD/89.xml",
        "/reading-room/ead2002/TsKhSD/89.xml",
        "/reading-room/dc/TsKhSD/89.xml",
        "/reading-room/tskhsd-89-25-44/dc.xml",
        "/oai?verb=ListRecords&metadataPrefix=oai_dc",
        "/oai?verb=ListRecords&metadataPrefix=ead",
        "/oai?verb=GetRecord&metadataPrefix=ead&identifier=oai:testserver:tskhsd-89-25-44",
    ):
        body = text(public.get(path))
        assert "REDACTED" in body and WITHHELD not in body and UNPUBLISHED not in body, path


def test_the_archive_desk_is_for_archivists_only(demo):
    for username in ("registrar", "gromyko", "auditor"):
        assert "Not found" in text(signed_in(username).get("/archive/"), 404)
    assert text(Client().get("/archive/"), 302) == ""
