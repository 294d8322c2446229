"""The public side of releases: channel pages, release pages and the Atom feed, for anyone.

Built on the whole demo, plus an announcement prepared in a new cable but never released:
what is public shows, and nothing unreleased or classified ever does.
"""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from secretariat.accounts.models import Principal, Unit
from secretariat.cables import services as cables
from secretariat.cables.services import Part
from secretariat.demo import reference as ref
from secretariat.kernel import clock
from secretariat.kernel.classification import Classification, Level
from secretariat.releases import selectors
from secretariat.releases import services as releases

ATOM = "{http://www.w3.org/2005/Atom}"
RELEASED = "On February 21 the USSR Ambassador"
UNRELEASED = "On March {{day}} the USSR Ambassador handed over a note about the Belgrade meeting"
UNRELEASED_TITLE = "Soviet Ambassador handed a note to the State Department"
CLASSIFIED = ["Pressel", "Sakharov", "The draft of the instructions", "For the Soviet Ambassador", "Wire when you"]
PUBLIC_URLS = ["/channels/", "/channels/tass/", "/channels/tass/TASS-1/", "/channels/tass/feed.atom"]
NOT_FOUND_URLS = [
    "/channels/nosuch/",
    "/channels/nosuch/feed.atom",
    "/channels/nosuch/TASS-1/",
    "/channels/tass/TASS-2/",
    "/channels/tass/P46/X/",
    "/channels/tass/TEL-1/",
    "/channels/tass/TEL-2/",
]


@pytest.fixture
def public(demo):
    """The demo, with a second announcement prepared in a new cable and left unreleased."""
    gromyko = Principal.objects.get(username="gromyko")
    with clock.frozen(dt.datetime(1977, 3, 1, 12, 0, tzinfo=ref.MOSCOW)):
        cable = cables.draft_cable(
            gromyko,
            subject="Instructions on the note about the Belgrade meeting",
            classification=Classification(Level.SECRET),
            action_post=Unit.objects.get(code=ref.POST[0]),
            parts=[Part("FIRST", "Hand over the note. Wire when you have done it.")],
            report_requirement="Wire when you have done it.",
            report_days=3,
        )
        template = releases.prepare_release(
            gromyko, cable.number, channel=selectors.channel("tass"), title=UNRELEASED_TITLE, text=UNRELEASED
        )
    return template


def get(path: str):
    return Client().get(path)


def test_the_channel_page_shows_the_released_text_to_anyone(public):
    response = get("/channels/tass/")
    assert response.status_code == 200
    page = response.content.decode()
    assert RELEASED in page
    assert "basic Soviet-American documents" in page  # the full text, to its last words
    assert ref.tass_title() in page and "TASS-1" in page
    assert 'href="/channels/tass/TASS-1/"' in page
    assert 'type="application/atom+xml"' in page and 'href="/channels/tass/feed.atom"' in page


def test_the_release_page_shows_one_release_with_its_number_and_date(public):
    response = get("/channels/tass/TASS-1/")
    assert response.status_code == 200
    page = response.content.decode()
    assert RELEASED in page and ref.tass_title() in page
    assert "No TASS-1" in page and "22 Feb 1977, 07:00 UTC" in page
    assert "UNCLASSIFIED" in page


def test_the_channel_list_names_each_channel_and_its_latest_release(public):
    page = get("/channels/").content.decode()
    assert 'href="/channels/tass/"' in page and "TASS" in page
    assert 'href="/channels/tass/TASS-1/"' in page and ref.tass_title() in page


def test_the_feed_is_atom_with_the_one_release(public):
    response = get("/channels/tass/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "TASS"
    assert feed.findtext(f"{ATOM}id") == "http://testserver/channels/tass/"
    assert dt.datetime.fromisoformat(feed.findtext(f"{ATOM}updated")) == ref.RELEASED_AT
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}id") == "http://testserver/channels/tass/TASS-1/"
    assert entry.findtext(f"{ATOM}title") == ref.tass_title()
    assert dt.datetime.fromisoformat(entry.findtext(f"{ATOM}published")) == ref.RELEASED_AT
    assert dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == ref.RELEASED_AT
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver/channels/tass/TASS-1/"
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "text"
    assert content.text == ref.tass_template().replace("{{day}}", "21")


def test_an_unreleased_announcement_appears_nowhere(public):
    assert selectors.templates(Principal.objects.get(username="tass"), pending=True).get() == public
    for path in PUBLIC_URLS:
        body = get(path).content.decode()
        assert "Belgrade" not in body and UNRELEASED_TITLE not in body, path
    feed = ET.fromstring(get("/channels/tass/feed.atom").content)
    assert len(feed.findall(f"{ATOM}entry")) == 1


def test_unknown_channels_and_numbers_are_a_plain_404(public):
    """Other papers' numbers (the extract, the cables) are as unknown here as numbers never given."""
    for path in NOT_FOUND_URLS:
        response = get(path)
        assert response.status_code == 404, path
        body = response.content.decode()
        assert "Not found" in body and "<!DOCTYPE html>" in body, path
        assert "Traceback" not in body and "NotFound" not in body and "File " not in body, path
        assert "Belgrade" not in body and "human rights" not in body, path


def test_a_release_is_found_only_under_its_own_channel(public, admin_principal):
    releases.add_channel(admin_principal, "izvestia", "Izvestia", series="IZV")
    assert get("/channels/izvestia/TASS-1/").status_code == 404
    assert get("/channels/izvestia/").status_code == 200
    assert RELEASED not in get("/channels/izvestia/").content.decode()
    assert len(ET.fromstring(get("/channels/izvestia/feed.atom").content).findall(f"{ATOM}entry")) == 0


def test_no_login_is_needed_and_only_reading_is_allowed(public):
    for path in PUBLIC_URLS:
        response = get(path)
        assert response.status_code == 200, path
        assert not response.has_header("Location")
    assert Client().post("/channels/tass/").status_code == 405
    assert Client().head("/channels/tass/TASS-1/").status_code == 200


def test_no_classified_text_of_the_demo_shows(public):
    for path in PUBLIC_URLS + NOT_FOUND_URLS:
        body = get(path).content.decode()
        for words in CLASSIFIED:
            assert words not in body, (path, words)


@pytest.fixture
def admin_principal(public):
    return Principal.objects.get(username="admin")
