"""The demo in a real browser: login with the second factor, the in-tray, the 404 page, the public channel,
keyboard use and a phone's width. Desk walks (registry, member, ambassador, TASS) add tests here as the desks
land, with `tab.log_in(username)` and `tab.visit(path)` (each page visited is screenshotted)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.embedded]  # a served copy of a demo data dir

RELEASED = "On February 21 the USSR Ambassador"


def test_gromyko_logs_in_with_his_password_and_his_authenticators_code(tab, demo):
    """His authenticator was enrolled when he activated his account (the demo did it, and printed
    its key): no login shows a key, only the code is asked for."""
    tab.visit("/login/")
    tab.submit_password("gromyko")
    expect(tab.page.locator("main code")).to_have_count(0)
    tab.pass_second_factor("gromyko")

    expect(tab.page).to_have_url(f"{demo.url}/in-tray/")
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("In-tray")
    expect(tab.page.get_by_role("heading", name="Copies I hold")).to_be_visible()
    expect(tab.page.get_by_role("heading", name="Controls on me")).to_be_visible()
    expect(tab.page.get_by_role("region", name="Controls on me")).to_contain_text("No P47/5")

    tab.page.get_by_role("button", name="Log out").click()
    expect(tab.page).to_have_url(f"{demo.url}/login/")
    tab.snap()
    tab.visit("/in-tray/")
    expect(tab.page).to_have_url(f"{demo.url}/login/?next=/in-tray/")

    tab.submit_password("gromyko")
    expect(tab.page.locator("main code")).to_have_count(0)  # no key shown, ever
    tab.pass_second_factor("gromyko")
    expect(tab.page).to_have_url(f"{demo.url}/in-tray/")


def test_a_wrong_password_stays_on_the_login_page_and_desks_redirect_to_it(tab, demo):
    tab.visit("/login/")
    tab.submit_password("registrar", "not the password at all")
    expect(tab.page).to_have_url(f"{demo.url}/login/")
    expect(tab.page.get_by_role("alert")).to_have_text(
        "Wrong username or password, or too many attempts: wait and try again."
    )
    expect(tab.page.get_by_label("Password")).to_have_value("")

    tab.visit("/in-tray/")
    expect(tab.page).to_have_url(f"{demo.url}/login/?next=/in-tray/")
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Log in")


def test_an_uncleared_visitor_gets_the_same_404_for_an_existing_and_a_missing_document(tab):
    tab.log_in("visitor")
    pages = {}
    for number in ("P46/X", "P99/X"):
        tab.visit(f"/documents/{number}/", expect_status=404)
        expect(tab.page.get_by_role("heading", level=1)).to_have_text("Not found")
        pages[number] = tab.page.locator("body").inner_text().replace(number, "NUMBER")
    assert pages["P46/X"] == pages["P99/X"]
    assert "Traceback" not in pages["P46/X"] and "P46" not in pages["P46/X"]


def test_the_tass_channel_and_its_release_need_no_login(tab, demo):
    tab.visit("/channels/tass/")
    expect(tab.page.locator("main")).to_contain_text(RELEASED)
    tab.page.locator("main article a").first.click()
    expect(tab.page).to_have_url(re.compile(re.escape(f"{demo.url}/channels/tass/") + r"TASS-\d+/$"))
    tab.snap()
    expect(tab.page.locator("main")).to_contain_text(RELEASED)
    expect(tab.page.get_by_role("button", name="Log out")).to_have_count(0)


def test_the_login_form_works_from_the_keyboard(tab, demo):
    tab.visit("/login/")
    page = tab.page
    page.get_by_role("heading", name="Log in").click()  # focus leaves the form; Tab goes on from the heading
    order = []
    for _ in range(3):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
    assert order == ["username", "password", "Log in"]
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("visitor")
    page.keyboard.press("Tab")
    page.keyboard.type(demo.logins["visitor"])
    tab.snap()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{demo.url}/in-tray/")
    tab.snap()


def test_the_in_tray_fits_a_phone_without_sideways_scrolling(tab_factory):
    tab = tab_factory(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    tab.log_in("andropov")  # holds an overdue copy of P47/5: a table with rows
    expect(tab.page.get_by_role("region", name="Copies I hold").get_by_role("cell", name="No P47/5")).to_be_visible()
    tab.snap()
    scroll_width, inner_width = tab.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width == 390
