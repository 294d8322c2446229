"""Each role's day in the browser, in English and Russian, at 1280 and 390 pixels, with axe-core on every page
(issue 12, "Done means").

Cheap by design: one server and one browser for the module (tests/e2e/conftest.py), one browser context per role
logged in once; the language is switched by the context's Accept-Language header (`en-GB`, `ru-RU`), not by a new
login. Every page the walk shows is screenshotted at 1280 and again at 390 px (the viewport resized), and axe-core
(axe-playwright-python, which bundles it) runs once per distinct page and language, at 1280: no serious or critical
violation is allowed.

The walk never reads the words on a page (the Russian catalog is being filled in): elements are found by id,
name, href or a form's action, each step's outcome is asserted by state (a row, a count, a URL, a data attribute),
and every page's `<html lang>` is the language asked.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.embedded]  # a served copy of a demo data dir

LANGUAGES = {"en": "en-GB", "ru": "ru-RU"}
WIDTHS = (1280, 390)
SERIOUS = {"serious", "critical"}
AXE = Axe()


class Walker:
    """One role's tab: logged in once, its language switched per pass; screenshots at both widths, axe once per
    distinct page and language."""

    def __init__(self, context: BrowserContext, demo, folder: Path, audited: dict):
        self.context, self.demo, self.folder, self.audited = context, demo, folder, audited
        self.page: Page = context.new_page()
        self.shots = 0
        self.speak("en")

    def speak(self, language: str) -> None:
        self.language = language
        self.context.set_extra_http_headers({"Accept-Language": LANGUAGES[language]})

    def visit(self, path: str) -> None:
        response = self.page.goto(self.demo.url + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        self.check()

    def check(self) -> None:
        """The page shown: in the language asked, screenshotted at both widths, axe-clean (once per page)."""
        self.page.wait_for_load_state()
        lang = self.page.locator("html").get_attribute("lang") or ""
        assert lang.split("-")[0] == self.language, (self.page.url, self.language, lang)
        name = re.sub(r"[^A-Za-z0-9]+", "-", self.page.url.removeprefix(self.demo.url)).strip("-") or "root"
        self.shots += 1
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 844 if width < 1000 else 800})
            self.page.screenshot(
                path=self.folder / f"{self.language}-{self.shots:02d}-{name}-{width}.png", full_page=True
            )
        self.page.set_viewport_size({"width": 1280, "height": 800})
        # One audit per page and language: pages of one kind (an entry, a case) count once, by their path's shape.
        shape = re.sub(r"\d+", "N", self.page.url.removeprefix(self.demo.url).split("?")[0])
        if (shape, self.language) not in self.audited:
            results = AXE.run(self.page)
            bad = [v for v in results.response["violations"] if v["impact"] in SERIOUS]
            self.audited[(shape, self.language)] = [v["id"] for v in bad]
            assert not bad, (
                self.page.url,
                self.language,
                [(v["id"], v["help"], [n["html"][:120] for n in v["nodes"]]) for v in bad],
            )

    def submit(self, action: str) -> None:
        """Send the form posting to `action` (its first submit button) and wait for what follows."""
        with self.page.expect_navigation():
            self.page.locator(f'form[action="{action}"] [type=submit]').first.click()
        self.check()

    def log_in(self, username: str) -> None:
        self.page.goto(self.demo.url + "/login/")
        self.page.locator("#username").fill(username)
        self.page.locator("#password").fill(self.demo.logins[username])
        with self.page.expect_navigation():
            self.page.locator('form[action="/login/"] [type=submit]').click()
        if "/login/second-factor/" in self.page.url:
            self.page.locator("#token").fill(self.demo.authenticator.code(username))
            with self.page.expect_navigation():
                self.page.locator('form[action="/login/second-factor/"] [type=submit]').click()
            self.demo.authenticator.spent(username)
        expect(self.page).to_have_url(f"{self.demo.url}/in-tray/")
        self.check()


@pytest.fixture(scope="module")
def audited():
    return {}


@pytest.fixture(scope="module")
def walkers(demo, chromium, screenshots_root, audited):
    """A logged-in tab per role, made on first use and kept for the module."""
    made: dict[str, Walker] = {}

    def walker(username: str, log_in: bool = True) -> Walker:
        if username not in made:
            context = chromium.new_context(viewport={"width": 1280, "height": 800})
            context.set_default_timeout(10_000)
            folder = screenshots_root / "role_walks" / username
            folder.mkdir(parents=True, exist_ok=True)
            made[username] = Walker(context, demo, folder, audited)
            if log_in:
                made[username].log_in(username)
        return made[username]

    yield walker
    for w in made.values():
        w.context.close()


@pytest.fixture(params=list(LANGUAGES))
def language(request):
    return request.param


def test_the_registrar_and_a_member_issue_receive_return_balance_and_close_a_case(walkers, language):
    registrar, member = walkers("registrar"), walkers("brezhnev")
    registrar.speak(language), member.speak(language)

    # The registrar chases: the register and its overdue list.
    registrar.visit("/registry/")
    expect(registrar.page.locator("#overdue-heading")).to_have_count(1)
    expect(registrar.page.locator('a[href^="/registry/holders/"]').first).to_be_visible()  # overdue copies, by holder

    # Registers a paper for a member and issues its copy.
    registrar.page.locator("#title").fill(f"Walk paper ({language})")
    registrar.page.locator('select[name="classification_level"]').select_option(value="SECRET")
    registrar.page.locator("#dated").fill("1977-02-18")
    registrar.page.locator("#text").fill("A paper the walk issues, receives and returns.")
    registrar.page.locator("#distribution").fill("brezhnev")
    registrar.submit("/registry/register/")
    expect(registrar.page).to_have_url(re.compile(r"/registry/[^/]+/$"))
    number = registrar.page.url.removeprefix(f"{registrar.demo.url}/registry/").removesuffix("/")
    registrar.submit(f"/registry/{number}/issue/")
    expect(registrar.page.locator('tr[id^="copy-"]')).to_have_count(1)
    expect(registrar.page.locator("#balance")).to_have_attribute("data-outstanding", "1")

    # The member receives it: confirms receipt on the paper's page.
    member.visit(f"/documents/{number}/")
    receipt = member.page.locator('form[action$="/receipt/"]')
    expect(receipt).to_have_count(1)
    receipt.locator("[type=submit]").click()
    expect(receipt).to_have_count(0)
    member.check()

    # The member hands it back; the registrar records the return, and the entry balances with nothing out.
    registrar.visit(f"/registry/{number}/")
    registrar.page.locator('form[action$="/return/"] [type=submit]').click()
    expect(registrar.page.locator('form[action$="/return/"]')).to_have_count(0)
    registrar.visit(f"/registry/{number}/")
    balance = registrar.page.locator("#balance")
    expect(balance).to_have_attribute("data-returned", "1")
    expect(balance).to_have_attribute("data-outstanding", "0")
    expect(balance).to_have_attribute("data-balanced", "yes")

    # Opens a case file on the paper and closes it, through the confirmation page.
    registrar.visit("/cases/")
    registrar.page.locator("#open-title").fill(f"Walk matter ({language})")
    registrar.page.locator("#open-documents").fill(number[:-1])  # the picker offers it as the number is typed
    expect(registrar.page.locator(f'#open-documents-options option[value="{number}"]')).to_have_count(1)
    registrar.page.locator("#open-documents").fill(number)
    registrar.submit("/cases/open/")
    expect(registrar.page).to_have_url(re.compile(r"/cases/[^/]+/$"))
    case = registrar.page.url.removeprefix(f"{registrar.demo.url}/cases/").removesuffix("/")
    registrar.visit(f"/cases/{case}/close/")
    registrar.page.locator('form[action$="/close/"] input[type=checkbox]').check()
    registrar.submit(f"/cases/{case}/close/")
    expect(registrar.page).to_have_url(f"{registrar.demo.url}/cases/{case}/")
    expect(registrar.page.locator(f'form[action="/cases/{case}/papers/"]')).to_have_count(0)  # closed: no adding


def test_the_secretary_records_a_meeting_signs_it_and_makes_an_extract(walkers, language):
    secretary = walkers("secretary")
    secretary.speak(language)
    meeting = {"en": 60, "ru": 61}[language]
    secretary.visit("/secretary/")
    secretary.page.locator("#meeting-P-number").fill(str(meeting))
    secretary.submit("/secretary/P/meetings/")
    expect(secretary.page).to_have_url(f"{secretary.demo.url}/secretary/P/{meeting}/")

    point = secretary.page.locator(f'form[action="/secretary/P/{meeting}/points/"]')
    point.locator('[name="identifier"]').fill("1")
    point.locator('[name="title"]').fill("On the walk")
    point.locator('[name="decision"]').fill("Take note of the walk.")
    point.locator('select[name="classification_level"]').select_option(value="SECRET")
    point.locator('[name="addressees"]').fill("brezhnev")
    secretary.submit(f"/secretary/P/{meeting}/points/")
    expect(point).to_have_count(1)  # still open for points
    secretary.submit(f"/secretary/P/{meeting}/sign/")
    expect(secretary.page.locator(f'form[action="/secretary/P/{meeting}/sign/"]')).to_have_count(0)
    expect(point).to_have_count(0)  # signed: no more points
    secretary.submit(f"/secretary/P/{meeting}/extracts/")
    extract = secretary.page.locator(f'main a[href^="/registry/P{meeting}/"], main a[href^="/documents/P{meeting}/"]')
    expect(extract.first).to_be_visible()


def test_the_drafter_drafts_a_cable_the_secretary_approves_it_and_the_drafter_sends_it(walkers, language):
    """Gromyko drafts a cable carrying out point X of protocol No 46; the point names no approver, so the body's
    secretary approves it, from the protocol's page; Gromyko sends it. Its state is read from the cable's page."""
    drafter, secretary = walkers("gromyko"), walkers("secretary")
    drafter.speak(language), secretary.speak(language)

    drafter.visit("/cable-desk/")
    form = drafter.page.locator('form[action="/cable-desk/draft/"]')
    form.locator('[name="subject"]').fill(f"Walk instructions ({language})")
    form.locator('select[name="classification_level"]').select_option(value="SECRET")
    form.locator('[name="action_post"]').fill("washington")  # the post's code typed in full; the datalist only helps
    form.locator('select[name="precedence"]').select_option(value="immediate")
    form.locator('[name="first"]').fill("Meet the Secretary of State.")
    form.locator('[name="guidance"]').fill("For the Ambassador alone: be brief.")
    form.locator('[name="point"]').fill("46")  # the picker offers the points of signed protocols Gromyko knows
    expect(drafter.page.locator('#id_point-options option[value="P/46/X"]')).to_have_count(1)
    form.locator('[name="point"]').fill("P/46/X")
    form.locator('[name="report_requirement"]').fill("Wire when you have done it.")
    form.locator('[name="report_days"]').fill("5")
    drafter.submit("/cable-desk/draft/")
    expect(drafter.page).to_have_url(re.compile(r"/cable-desk/[^/]+/$"))
    number = drafter.page.url.removeprefix(f"{drafter.demo.url}/cable-desk/").removesuffix("/")
    state = drafter.page.locator("#cable-state")
    expect(state).to_have_attribute("data-state", "drafted")
    expect(drafter.page.locator(f'form[action="/cable-desk/{number}/send/"]')).to_have_count(0)  # not approved yet

    # The secretary finds it waiting on the protocol's page and approves it under the point it carries out.
    secretary.visit("/secretary/P/46/")
    approval = secretary.page.locator(
        'form[action="/cable-desk/approvals/P/46/"]',
        has=secretary.page.locator(f'input[name="cable"][value="{number}"]'),
    )
    expect(approval).to_have_count(1)
    with secretary.page.expect_navigation():
        approval.locator("[type=submit]").click()
    secretary.check()
    expect(secretary.page).to_have_url(f"{secretary.demo.url}/secretary/P/46/")
    expect(approval).to_have_count(0)

    # The drafter sends it: the date-time group is set and the state is sent.
    drafter.visit(f"/cable-desk/{number}/")
    expect(state).to_have_attribute("data-state", "approved")
    drafter.submit(f"/cable-desk/{number}/send/")
    drafter.visit(f"/cable-desk/{number}/")
    expect(state).to_have_attribute("data-state", "sent")
    expect(drafter.page.locator(f'form[action="/cable-desk/{number}/send/"]')).to_have_count(0)


def test_the_admin_asks_for_a_principal_a_security_officer_approves_and_the_person_activates_and_logs_in(
    walkers, language
):
    """The two-person grant: the administrator asks on the access desk, the security officer approves (the
    activation code is shown once, on the page the approval answers with), the new person redeems it at
    /activate/, sets a password and enrols an authenticator (SECRET calls for one), logs out and logs in again."""
    admin, officer = walkers("admin"), walkers("security")
    admin.speak(language), officer.speak(language)
    username, password = f"ustinov-{language}", f"the marshal's own pass phrase ({language})"

    admin.visit("/access/")
    ask = admin.page.locator('form[action="/access/request/"]')
    ask.locator('[name="username"]').fill(username)
    ask.locator('[name="last_name"]').fill("Ustinov")
    ask.locator('select[name="clearance"]').select_option(value="SECRET")
    ask.locator('input[name="roles"][value="member"]').check()
    admin.submit("/access/request/")
    expect(admin.page).to_have_url(f"{admin.demo.url}/access/")
    row = admin.page.locator("#pending ~ table tr", has=admin.page.locator("td", has_text=re.compile(rf"^{username}$")))
    expect(row).to_have_count(1)
    expect(row.locator('form[action$="/approve/"]')).to_have_count(0)  # nobody approves their own request
    request = row.locator("td").first.inner_text().strip()

    officer.visit("/access/")
    approve = officer.page.locator(f'form[action="/access/{request}/approve/"]')
    expect(approve).to_have_count(1)
    officer.submit(f"/access/{request}/approve/")
    code = officer.page.locator("main p.code code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{5}(?:-[A-Z2-9]{5}){3}", code), code
    officer.visit("/access/")
    expect(approve).to_have_count(0)

    person = walkers(username, log_in=False)
    person.speak(language)
    person.visit(f"/activate/?username={username}")
    person.page.locator("#code").fill(code)
    person.page.locator("#password").fill(password)
    person.page.locator("#password2").fill(password)
    person.submit("/activate/")
    expect(person.page).to_have_url(re.compile(r"/login/second-factor/"))  # SECRET: the authenticator comes next
    authenticator = person.demo.authenticator
    authenticator.enrol(username, person.page.locator("main p code").inner_text().strip())
    person.page.locator("#token").fill(authenticator.code(username))
    person.submit("/login/second-factor/")
    authenticator.spent(username)
    expect(person.page).to_have_url(f"{person.demo.url}/in-tray/")

    person.demo.logins[username] = password
    person.submit("/logout/")
    expect(person.page).to_have_url(re.compile(r"/login/"))
    person.log_in(username)  # password and second factor: lands on the in-tray


# Two items the demo left classified, due for review by date alone (2007): No TEL-1 and No WASHINGTON-1, received
# as items 45 and 46. The archivist reviews 45 in English and 46 in Russian. Neither can be walked twice (published
# is final), and the first sweep declassifies, on its date and unreviewed, any item with no exemption: so both get
# their exemption before either language sweeps.
ARCHIVED = {
    "en": ("TsKhSD/89/25/45", "Sakharov = SOURCES\nPressel = PRIVACY"),  # as the extract withheld them
    "ru": ("TsKhSD/89/25/46", "TASS channel = SOURCES"),
}


def test_the_archivist_reviews_redacts_and_publishes_in_english_and_in_russian(walkers):
    archivist = walkers("archivist")
    for language, (item, _redactions) in ARCHIVED.items():
        archivist.speak(language)
        archivist.visit("/archive/")
        expect(archivist.page.locator(f'a[href="/archive/items/{item}/"]').first).to_be_visible()
        archivist.visit(f"/archive/items/{item}/")
        instruction = archivist.page.locator(f'form[action="/archive/items/{item}/instruction/"]')
        archivist.page.locator("details", has=instruction).locator("summary").click()  # folded away until asked for
        instruction.locator('[name="kind"]').select_option("exemption")
        instruction.locator('[name="review_on"]').fill(dt.date.today().isoformat())
        instruction.locator('[name="exemption"]').fill("relations with a foreign state")
        archivist.submit(f"/archive/items/{item}/instruction/")

    for language, (item, redactions) in ARCHIVED.items():
        archivist.speak(language)
        public = f"/reading-room/{item.lower().replace('/', '-')}/"
        assert archivist.page.request.get(archivist.demo.url + public).status == 404  # not published yet
        archivist.visit("/archive/")
        archivist.submit("/archive/sweep/")  # the first opens both reviews; the second finds nothing more to open
        expect(archivist.page.locator(f'main a[href="/archive/items/{item}/"]').first).to_be_visible()
        archivist.visit(f"/archive/items/{item}/")
        review = archivist.page.locator(f'form[action="/archive/items/{item}/review/"]')
        review.locator('[name="outcome"]').select_option("redact")
        review.locator('[name="redactions"]').fill(redactions)
        review.locator('[name="note"]').fill("a source still protected")
        archivist.submit(f"/archive/items/{item}/review/")
        expect(review).to_have_count(0)
        archivist.submit(f"/archive/items/{item}/publish/")
        expect(archivist.page.locator(f'form[action="/archive/items/{item}/publish/"]')).to_have_count(0)
        archivist.visit(public)  # public now: 200, not 404


def test_the_researcher_searches_the_reading_room(walkers, language):
    researcher = walkers("researcher", log_in=False)
    researcher.speak(language)
    researcher.visit("/reading-room/")
    researcher.page.locator('input[name="q"]').fill("Vance")
    with researcher.page.expect_navigation():
        researcher.page.locator('input[name="q"]').press("Enter")
    researcher.check()
    found = researcher.page.locator('main a[href="/reading-room/tskhsd-89-25-44/"]')  # the extract
    expect(found).to_have_count(1)
    found.click()
    researcher.page.wait_for_load_state()
    researcher.check()
    expect(researcher.page.locator("blockquote.citation")).to_have_count(1)


def test_a_member_searches_the_papers_he_may_read(walkers, language):
    member = walkers("gromyko")
    member.speak(language)
    member.visit("/search/")
    member.page.locator("#q").fill("ambassadors")
    with member.page.expect_navigation():
        member.page.locator("#q").press("Enter")
    member.check()
    found = member.page.locator('main article.found a[href="/documents/P46/X/"]')
    expect(found).to_have_count(1)
    expect(member.page.locator("main article.found mark").first).to_be_visible()
    found.click()
    member.page.wait_for_load_state()
    member.check()


def test_every_page_audited_was_clean(audited):
    """What axe saw, in both languages (the walks above fail on the first page that is not)."""
    assert audited and not any(audited.values())
    assert {language for _shape, language in audited} == set(LANGUAGES)
