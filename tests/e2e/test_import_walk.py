"""An import in the browser: the archivist sends transcriptions from the import desk, and the worker that
`secretariat serve` started beside the web server imports them while the page follows the count (htmx)."""

import re

import pytest
from playwright.sync_api import expect

from tests.archive.corpus import FILES

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.embedded]  # a served copy of a demo data dir
SERVE_WITH_WORKER = True  # the server as `secretariat serve` runs it, with its task worker beside it

LAPTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}


@pytest.mark.parametrize(("screen", "files"), [(LAPTOP, FILES[:3]), (PHONE, FILES[3:6])], ids=["1280", "390"])
def test_the_archivist_sends_transcriptions_and_watches_the_worker_import_them(tab_factory, screen, files):
    archivist = tab_factory(**screen)
    archivist.log_in("archivist")
    archivist.visit("/imports/")
    expect(archivist.page.get_by_role("heading", name="Your imports")).to_be_visible()
    archivist.snap()
    form = archivist.page.get_by_role("region", name="Import transcriptions into the archive")
    form.get_by_label("Transcriptions").set_input_files([str(p) for p in files])
    form.get_by_label("Into").select_option("TsKhSD/89/25")
    form.get_by_label("Classification").select_option("SECRET")
    form.get_by_role("button", name="Queue the import").click()
    expect(archivist.page.locator(".messages")).to_contain_text(re.compile(r"Import \d+ queued: 3 files, 3 papers"))
    progress = archivist.page.get_by_role("region", name=re.compile("Queued|Running|Finished"))
    expect(progress).to_contain_text("3 imported, 0 there already, 0 refused.", timeout=60_000)  # no reload
    expect(archivist.page.locator("progress")).to_have_attribute("value", "3")
    assert archivist.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    archivist.snap()
    archivist.page.get_by_role("link", name="← Imports").click()
    expect(archivist.page.locator("main table")).to_contain_text("3 of 3 imported")
    archivist.snap()
