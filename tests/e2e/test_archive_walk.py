"""The archive in the browser: the reading room as a researcher finds the reference case, and an
archivist taking the cable through an exemption, the review queue, a redaction and publication.

The served demo runs on today's clock, so the items transferred with a 30-year review date
(2007) are long due; the walk gives the cable an exemption reviewed today instead, so that a
reviewer, not the clock, decides it."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.embedded]  # a served copy of a demo data dir

LAPTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}
CABLE = "TsKhSD/89/25/45"


def test_a_researcher_finds_the_extract_with_its_blank_and_its_citation(tab_factory):
    researcher = tab_factory(**PHONE)
    researcher.visit("/reading-room/")
    researcher.page.get_by_label("Search the published papers").fill("Vance")
    researcher.page.get_by_role("button", name="Search").click()
    expect(researcher.page.get_by_role("heading", name="1 paper")).to_be_visible()
    researcher.snap()
    researcher.page.get_by_role("link", name=re.compile("^About the instructions to the Soviet Ambassador")).click()
    main = researcher.page.locator("main")
    expect(main).to_contain_text("Originally marked TOP SECRET")
    expect(main).to_contain_text("[REDACTED: PRIVACY]")
    expect(main).not_to_contain_text("Pressel")
    expect(researcher.page.locator("blockquote.citation")).to_have_text("TsKhSD, f. 89, op. 25, d. 44, 7 sheets")
    assert researcher.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    researcher.snap()
    researcher.visit("/reading-room/tskhsd-89-25-45/", expect_status=404)  # transferred, not published


def test_the_archivist_reviews_the_cable_redacts_a_name_and_publishes_it(tab_factory):
    archivist = tab_factory(**LAPTOP)
    archivist.log_in("archivist")
    archivist.visit("/archive/")
    expect(archivist.page.get_by_role("region", name="Items")).to_contain_text(CABLE)
    archivist.visit(f"/archive/items/{CABLE}/")
    expect(archivist.page.locator("main")).to_contain_text("Sakharov")  # the archive holds the whole cable

    archivist.page.get_by_text("Change the instruction").click()
    instruction = archivist.page.get_by_role("form", name="Declassification instruction")
    instruction.get_by_label("Instruction").select_option("exemption")
    instruction.get_by_label("Review on").fill(dt.date.today().isoformat())
    instruction.get_by_label("Exemption").fill("relations with a foreign state")
    archivist.snap()
    instruction.get_by_role("button", name="Set the instruction").click()
    expect(archivist.page.get_by_role("region", name="Declassification")).to_contain_text(
        "relations with a foreign state"
    )

    archivist.visit("/archive/")
    archivist.page.get_by_role("button", name="Open the reviews due today").click()
    queue = archivist.page.get_by_role("region", name="Reviews due")
    expect(queue).to_contain_text(CABLE)
    archivist.snap()
    queue.get_by_role("link", name=CABLE).click()

    decide = archivist.page.get_by_role("form", name="Decide the review")
    decide.get_by_label("Outcome").select_option("redact")
    decide.get_by_label("Redactions").fill("Sakharov = SOURCES\nPressel = PRIVACY")  # as the extract withheld him
    decide.get_by_label("Note").fill("a source still protected")
    archivist.snap()
    decide.get_by_role("button", name="Decide").click()
    declassification = archivist.page.get_by_role("region", name="Declassification")
    expect(declassification).to_contain_text("declassified with redactions")
    expect(declassification).to_contain_text("SOURCES: “Sakharov”")
    expect(declassification).to_contain_text("PRIVACY: “Pressel”")
    archivist.page.get_by_role("button", name="Publish in the reading room").click()
    expect(declassification).to_contain_text("Published")
    archivist.snap()

    researcher = tab_factory(**LAPTOP)
    researcher.visit("/reading-room/tskhsd-89-25-45/")
    main = researcher.page.locator("main")
    expect(main).to_contain_text("[REDACTED: SOURCES]")
    expect(main).to_contain_text("[REDACTED: PRIVACY]")
    expect(main).not_to_contain_text("Sakharov")
    expect(main).not_to_contain_text("Pressel")
    researcher.visit("/reading-room/?q=Sakharov")  # found in the extract's draft, published whole in 1994
    expect(researcher.page.get_by_role("heading", name="1 paper")).to_be_visible()  # not in the cable: withheld there
    expect(researcher.page.locator("a[href='/reading-room/tskhsd-89-25-45/']")).to_have_count(0)
    researcher.visit("/reading-room/")
    expect(researcher.page.locator("a[href='/reading-room/tskhsd-89-25-45/']")).to_have_count(1)
