"""A new matter walked through the served demo's desks in the browser, role by role (issue 4, point 6).

Each role keeps a tab (its own cookies) for the whole walk, so each logs in once: no second code in one
window to wait for. Every desk page shown is screenshotted by `Tab`; each step asserts what the page shows.
The cable's drafter prepares the announcement in the draft; TASS releases it once the report is in.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.embedded]  # a served copy of a demo data dir

LAPTOP = {"viewport": {"width": 1280, "height": 800}}
REPORT_DUE = "Wire when you have done it."
ANNOUNCEMENT = "On {{date}} the USSR Ambassador saw the Secretary of State."
ROLES = ["secretary", "registrar", "brezhnev", "gromyko", "dobrynin", "tass", "auditor"]


def test_a_new_decision_goes_from_the_secretary_through_registry_members_and_cables_to_the_audit(tab_factory, demo):
    secretary, registrar, brezhnev, gromyko, dobrynin, tass, auditor = tabs = [tab_factory(**LAPTOP) for _ in range(7)]
    for order, (tab, role) in enumerate(zip(tabs, ROLES, strict=True), start=1):
        tab.folder = tab.folder / f"{order}-{role}"  # each tab numbers its own shots: a folder per role
        tab.folder.mkdir()

    # The secretary records meeting 48 of P and its point, signs it and makes the extract.
    secretary.log_in("secretary")
    secretary.visit("/secretary/")
    secretary.page.get_by_label("Protocol No").fill("48")
    secretary.page.get_by_role("button", name="Record meeting").click()
    expect(secretary.page).to_have_url(f"{demo.url}/secretary/P/48/")
    expect(secretary.page.get_by_role("heading", level=1)).to_contain_text("Protocol No 48")
    secretary.snap()
    record = secretary.page.get_by_role("region", name="Record a point")
    record.get_by_label("Point").fill("1")
    record.get_by_label("Title").fill("On the Ambassador's talk with the Secretary of State")
    record.get_by_label("Decision").fill("Instruct the Ambassador in Washington to see the Secretary of State.")
    record.get_by_label("Classification").select_option("TOP SECRET")
    record.get_by_label("Addressees").fill("brezhnev, gromyko")
    record.get_by_role("button", name="Record point").click()
    point = secretary.page.get_by_role("region", name=re.compile(r"^Point 1\."))
    expect(point).to_contain_text("To: L. I. Brezhnev, A. A. Gromyko")
    expect(point.locator(".banner").first).to_contain_text("TOP SECRET")
    secretary.snap()
    secretary.page.get_by_role("button", name="Sign protocol No 48").click()
    expect(secretary.page.locator("main")).to_contain_text("signed")
    expect(secretary.page.get_by_role("button", name="Sign protocol No 48")).to_have_count(0)
    secretary.snap()
    secretary.page.get_by_role("button", name="Make the extract of point 1").click()
    extract_link = point.get_by_role("link", name=re.compile(r"^No P48\/"))
    expect(extract_link).to_be_visible()
    extract = extract_link.inner_text().removeprefix("No ")
    secretary.snap()

    # The registrar issues the extract's copies to its distribution.
    registrar.log_in("registrar")
    registrar.visit(f"/registry/{extract}/")
    expect(registrar.page.get_by_role("heading", level=1)).to_have_text(f"No {extract}")
    expect(registrar.page.get_by_role("region", name="Copies")).to_contain_text("No copies issued.")
    registrar.page.get_by_role("button", name="Issue copies to the distribution").click()
    copies = registrar.page.get_by_role("region", name="Copies")
    brezhnev_row = copies.locator("tr", has=registrar.page.locator('a[href="/registry/holders/brezhnev/"]'))
    gromyko_row = copies.locator("tr", has=registrar.page.locator('a[href="/registry/holders/gromyko/"]'))
    expect(brezhnev_row).to_contain_text("issued, receipt not confirmed")
    expect(gromyko_row).to_contain_text("issued, receipt not confirmed")
    expect(registrar.page.get_by_role("region", name="Register entry")).to_contain_text("outstanding 2")
    registrar.snap()

    # Brezhnev reads the extract and signs for his copy.
    brezhnev.log_in("brezhnev")
    brezhnev.visit(f"/documents/{extract}/")
    expect(brezhnev.page.get_by_role("article", name=f"No {extract}")).to_contain_text("Secretary of State")
    my_copy = brezhnev.page.get_by_role("region", name="Your copy")
    expect(my_copy).to_contain_text("issued, receipt not confirmed")
    my_copy.get_by_role("button", name="Confirm receipt").click()
    my_copy = brezhnev.page.get_by_role("region", name="Your copy")
    expect(my_copy).to_contain_text("held, receipt confirmed")
    expect(my_copy).to_contain_text("Receipt confirmed")
    expect(my_copy.get_by_role("button", name="Confirm receipt")).to_have_count(0)
    brezhnev.snap()

    # The registrar sees the receipt and records the return of Brezhnev's copy.
    registrar.visit(f"/registry/{extract}/")
    expect(brezhnev_row).to_contain_text("held, receipt confirmed")
    brezhnev_row.get_by_role("button", name="Record return").click()
    expect(brezhnev_row).to_contain_text(re.compile(r"returned \d+ \w{3} \d{4}"))
    expect(brezhnev_row).to_contain_text("nothing to do")
    registrar.visit(f"/registry/{extract}/")
    entry = registrar.page.get_by_role("region", name="Register entry")
    expect(entry).to_contain_text("issued 2 = returned 1 + destroyed 0 + lost 0 + outstanding 1")

    # Gromyko drafts a cable to Washington carrying out the point, with a report asked for.
    gromyko.log_in("gromyko")
    gromyko.visit("/cable-desk/")
    draft = gromyko.page.get_by_role("region", name="Draft a cable")
    draft.get_by_label("Subject").fill("Instructions for the talk with the Secretary of State")
    draft.get_by_label("Classification").select_option("SECRET")
    draft.get_by_label("Action post").fill("washington")
    draft.get_by_label("Addressee line").fill("TO THE SOVIET AMBASSADOR")
    draft.get_by_label("Precedence").select_option("immediate")
    draft.get_by_label("FIRST").fill("See the Secretary of State and hand him our answer.")
    draft.get_by_label("Carries out point").fill("P/48/1")
    draft.get_by_label("Report requirement").fill(REPORT_DUE)
    draft.get_by_label("Days to report").fill("5")
    # No snap here: a full-page screenshot with the number field focused made the next click send nothing.
    draft.get_by_role("button", name="Draft").click()
    expect(gromyko.page).to_have_url(re.compile(re.escape(f"{demo.url}/cable-desk/") + r"[A-Z]+-\d+/$"))
    cable = gromyko.page.url.removeprefix(f"{demo.url}/cable-desk/").removesuffix("/")
    register = gromyko.page.get_by_role("region", name="Register")
    expect(register.get_by_role("row", name=re.compile("^State "))).to_contain_text("drafted")
    expect(register.get_by_role("row", name=re.compile("^Carries out "))).to_contain_text("point 1 of protocol No 48")
    gromyko.snap()

    # In the draft, so that the approval covers it, he prepares the announcement TASS will carry.
    announcements = gromyko.page.get_by_role("region", name="Announcements")
    announcements.get_by_label("Channel").select_option("tass")
    announcements.get_by_label("Title").fill("On the Ambassador's visit")
    announcements.get_by_label("Text").fill(ANNOUNCEMENT)
    announcements.get_by_role("button", name="Prepare the announcement").click()
    expect(gromyko.page).to_have_url(f"{demo.url}/cable-desk/{cable}/")
    expect(announcements).to_contain_text(ANNOUNCEMENT)
    expect(announcements).to_contain_text("after the control is done")
    gromyko.snap()

    # The secretary approves it from the protocol's page.
    secretary.visit("/secretary/P/48/")
    awaiting = secretary.page.get_by_role("region", name="Cables on these decisions awaiting your approval")
    expect(awaiting).to_contain_text("drafted by A. A. Gromyko")
    awaiting.get_by_role("button", name=f"Approve No {cable}").click()
    expect(secretary.page).to_have_url(f"{demo.url}/secretary/P/48/")
    expect(secretary.page.get_by_role("button", name=f"Approve No {cable}")).to_have_count(0)
    secretary.snap()

    # Gromyko sends it.
    gromyko.visit("/cable-desk/")
    mine = gromyko.page.get_by_role("region", name="Cables I drafted or must approve")
    expect(mine.get_by_role("row", name=re.compile(f"No {cable} ")).first).to_contain_text("approved")
    mine.get_by_role("button", name=f"Send No {cable}").click()
    expect(gromyko.page).to_have_url(f"{demo.url}/cable-desk/{cable}/")
    expect(register.get_by_role("row", name=re.compile("^State "))).to_contain_text("sent")
    expect(register.get_by_role("row", name=re.compile("^Sent "))).to_contain_text("by A. A. Gromyko")
    gromyko.snap()

    # Dobrynin, at the post, acknowledges the cable and files the report.
    dobrynin.log_in("dobrynin")
    dobrynin.visit("/cable-desk/")
    expect(dobrynin.page.get_by_role("region", name="Controls on me")).to_contain_text(REPORT_DUE)
    for_post = dobrynin.page.get_by_role("region", name=re.compile("^Cables for "))
    row = for_post.locator("tr", has=dobrynin.page.get_by_role("link", name=f"No {cable}", exact=True))
    row.get_by_role("button", name=f"Acknowledge No {cable}").click()
    expect(row).to_contain_text("acknowledged")
    expect(row.get_by_role("button")).to_have_count(0)
    dobrynin.snap()
    row.get_by_role("link", name=f"No {cable}", exact=True).click()
    expect(dobrynin.page).to_have_url(f"{demo.url}/cable-desk/{cable}/")
    dobrynin.snap()
    report = dobrynin.page.get_by_role("region", name="File the report")
    report.get_by_label(re.compile("^Report")).fill("Saw the Secretary of State on the day; he took our answer.")
    report.get_by_role("button", name="File the report").click()
    expect(dobrynin.page).to_have_url(f"{demo.url}/cable-desk/{cable}/")
    register = dobrynin.page.get_by_role("region", name="Register")
    expect(register.get_by_role("row", name=re.compile("^State "))).to_contain_text("reported")
    expect(dobrynin.page.get_by_role("region", name="Control")).to_contain_text("done · report No")
    expect(dobrynin.page.get_by_role("region", name="File the report")).to_have_count(0)
    dobrynin.snap()

    # TASS fills the date and releases the announcement; it is public at once.
    tass.log_in("tass")
    tass.visit("/channels/press/")
    card = tass.page.get_by_role("region", name="On the Ambassador's visit")
    expect(card).to_contain_text(f"prepared in cable No {cable} by A. A. Gromyko")
    card.get_by_label("date").fill("March 4")
    tass.snap()
    card.get_by_role("button", name="Release").click()
    released = tass.page.get_by_role("link", name=re.compile(r"^The public page of No TASS-\d+$"))
    expect(released).to_be_visible()
    released.click()
    expect(tass.page.locator("main")).to_contain_text(ANNOUNCEMENT.replace("{{date}}", "March 4"))
    expect(tass.page.locator("main")).not_to_contain_text("{{")
    tass.snap()
    tass.visit("/channels/tass/")
    expect(tass.page.locator("main")).to_contain_text("On the Ambassador's visit")

    # The auditor verifies the log that recorded all of it.
    auditor.log_in("auditor")
    auditor.visit("/audit/?actor=dobrynin")
    expect(auditor.page.get_by_role("region", name="Events")).to_contain_text("cable.received")
    auditor.page.get_by_role("button", name="Verify now").click()
    verification = auditor.page.locator("#verification")
    expect(verification).to_contain_text(re.compile(r"OK: \d+ events, root [0-9a-f]{64}"))
    auditor.snap()
