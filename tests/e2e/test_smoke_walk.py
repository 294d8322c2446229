"""A short walk on this pass's engine: on PostgreSQL, the demo built into a database of the configured server and
served from it (the full role walks, tests/e2e/test_role_walks.py, run once, on embedded SQLite).

It goes where the engines differ: a write under the audit log's triggers and the registry's number locks, a
second-factor login and its session, the staff lists' quick search (`icontains`, on an integer too), a CSV
streamed from a server-side cursor, a picker's suggestions, the reading room's search.
"""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo(demo_on_the_configured_engine):
    """tests/e2e/conftest.py's tabs serve this module's demo: the one on the configured engine."""
    return demo_on_the_configured_engine


def test_a_paper_is_registered_issued_received_and_returned_and_the_lists_find_it(tab_factory):
    registrar, member = tab_factory(), tab_factory()
    registrar.log_in("registrar")
    member.log_in("brezhnev")

    registrar.visit("/registry/")
    registrar.page.locator("#title").fill("Smoke walk paper")
    registrar.page.locator('select[name="classification_level"]').select_option(value="SECRET")
    registrar.page.locator("#dated").fill("1977-02-18")
    registrar.page.locator("#text").fill("A paper issued, received and returned on this engine.")
    registrar.page.locator("#distribution").fill("brezhnev")
    with registrar.page.expect_navigation():
        registrar.page.locator('form[action="/registry/register/"] [type=submit]').click()
    number = registrar.page.url.removeprefix(f"{registrar.demo.url}/registry/").removesuffix("/")
    assert re.fullmatch(r"[^/]+(/[^/]+)?", number), registrar.page.url
    with registrar.page.expect_navigation():
        registrar.page.locator(f'form[action="/registry/{number}/issue/"] [type=submit]').click()
    expect(registrar.page.locator("#balance")).to_have_attribute("data-outstanding", "1")

    member.visit(f"/documents/{number}/")
    receipt = member.page.locator('form[action$="/receipt/"]')
    receipt.locator("[type=submit]").click()
    expect(receipt).to_have_count(0)

    registrar.visit(f"/registry/{number}/")
    registrar.page.locator('form[action$="/return/"] [type=submit]').click()
    expect(registrar.page.locator('form[action$="/return/"]')).to_have_count(0)
    registrar.visit(f"/registry/{number}/")
    expect(registrar.page.locator("#balance")).to_have_attribute("data-balanced", "yes")

    # The register's quick search finds it by its number, with a filter too; the CSV holds it.
    registrar.visit(f"/registry/?q={number.lower()}")
    expect(registrar.page.locator(f'main a[href="/registry/{number}/"]')).to_have_count(1)
    registrar.visit(f"/registry/?kind=note&state=&q={number}")
    expect(registrar.page.locator(f'main a[href="/registry/{number}/"]')).to_have_count(1)
    registrar.visit(f"/registry/?kind=extract&q={number}")
    expect(registrar.page.locator(f'main a[href="/registry/{number}/"]')).to_have_count(0)
    exported = registrar.page.request.get(registrar.demo.url + "/registry/register.csv")
    assert exported.status == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text())))
    assert [row for row in rows[1:] if row[0] == number], rows[:3]
    assert any(row[0] == "P46/X" for row in rows[1:])
    registrar.visit("/registry/overdue/")


def test_a_drafter_picks_the_point_and_the_auditor_reads_the_log_in_words(tab_factory):
    drafter = tab_factory()
    drafter.log_in("gromyko")
    drafter.visit("/cable-desk/")
    point = drafter.page.locator('form[action="/cable-desk/draft/"] [name="point"]')
    point.fill("46")
    expect(drafter.page.locator('#id_point-options option[value="P/46/X"]')).to_have_count(1)
    drafter.snap()
    exported = drafter.page.request.get(drafter.demo.url + "/cable-desk/cables.csv")
    assert exported.status == 200 and len(list(csv.reader(io.StringIO(exported.text())))) >= 2

    auditor = tab_factory()
    auditor.log_in("auditor")
    auditor.visit("/audit/?q=P46")
    expect(auditor.page.locator("main table tbody tr").first).to_be_visible()


def test_a_researcher_finds_the_extract_in_the_reading_room(tab_factory):
    researcher = tab_factory()
    researcher.visit("/reading-room/?q=Vance")
    found = researcher.page.locator('main a[href="/reading-room/tskhsd-89-25-44/"]')
    expect(found).to_have_count(1)
    researcher.visit("/reading-room/tskhsd-89-25-44/")
    expect(researcher.page.locator("blockquote.citation")).to_have_count(1)
