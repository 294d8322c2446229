"""The document page: an audited read between two banners, the reader's copy, receipt, history and PDF."""

import re

from secretariat.audit.models import AuditEvent
from secretariat.audit.selectors import tree_size
from secretariat.registry.models import Copy
from tests.web.pages import HTMX, P46_TEXT, P46_TITLE, no_traceback


def without_csrf(content: bytes) -> bytes:
    """A page with its CSRF token (masked afresh for every response) taken out."""
    return re.sub(rb'"X-CSRFToken": "[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


def test_an_addressee_reads_the_paper_between_banners_with_their_copy(demo, login):
    gromyko = login("gromyko")
    size = tree_size()
    page = gromyko.get("/documents/P46/X/")
    html = page.content.decode()
    assert page.status_code == 200 and no_traceback(page)
    assert html.count('aria-label="Classification">TOP SECRET</div>') == 2
    assert P46_TITLE in html and P46_TEXT in html
    assert "portion marked</span> Secret" in html  # the attached draft cable's own marking
    assert "Copy No. 5 of 9" in html and re.search(r"returned 2\d Feb 1977", html)
    assert "Confirm receipt" not in html  # returned: nothing to sign for
    history = html.split('id="history-heading"')[1]
    assert "copy.returned" in history and "document.read" in history
    assert tree_size() == size + 1
    event = AuditEvent.objects.get(seq=size + 1)
    assert (event.action, event.actor_name, event.object_id) == ("document.read", "gromyko", str(demo.document.pk))
    assert page["Cache-Control"].startswith("max-age=0")


def test_missing_and_forbidden_are_the_same_404(demo, login):
    for who in ("visitor", "dobrynin", "registrar"):
        client = login(who)
        size = tree_size()
        forbidden, missing = client.get("/documents/P46/X/"), client.get("/documents/P99/X/")
        assert forbidden.status_code == missing.status_code == 404, who
        assert without_csrf(forbidden.content) == without_csrf(missing.content) and no_traceback(forbidden), who
        assert P46_TITLE.encode() not in forbidden.content
        assert tree_size() == size  # nothing was read
        assert client.get("/documents/P46/X/copy/5.pdf").status_code == 404


def test_the_holder_confirms_receipt_in_place(demo, login):
    andropov, gromyko = login("andropov"), login("gromyko")  # logging in is an event of its own
    page = andropov.get("/documents/P47/5/").content.decode()
    assert "Copy No. 2 of 2" in page and "Confirm receipt" in page and "overdue" in page
    size = tree_size()
    confirmed = andropov.post("/documents/P47/5/copy/2/receipt/", **HTMX)
    fragment = confirmed.content.decode()
    assert confirmed.status_code == 200 and fragment.lstrip().startswith('<section class="card" id="my-copy"')
    assert "Receipt confirmed" in fragment and "Confirm receipt" not in fragment and "<html" not in fragment
    assert tree_size() == size + 1
    assert Copy.objects.get(document__number="P47/5", number=2).receipt_confirmed_at is not None
    again = andropov.post("/documents/P47/5/copy/2/receipt/", **HTMX)
    assert again.status_code == 409 and "confirmed already" in again.content.decode()
    assert tree_size() == size + 1
    not_holder = gromyko.post("/documents/P47/5/copy/2/receipt/")
    assert not_holder.status_code == 409 and "Nothing was changed" in not_holder.content.decode()
    assert tree_size() == size + 1


def test_the_holder_downloads_the_pdf_of_their_copy(demo, login):
    gromyko, andropov = login("gromyko"), login("andropov")  # logging in is an event of its own
    size = tree_size()
    response = gromyko.get("/documents/P46/X/copy/5.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.get(seq=size + 1).action == "document.read"
    assert andropov.get("/documents/P46/X/copy/5.pdf").status_code == 404  # not theirs
    assert tree_size() == size + 1


def test_the_post_reads_the_cable_with_its_guidance(demo, login):
    page = login("dobrynin").get("/documents/TEL-1/").content.decode()
    assert page.count('aria-label="Classification">SECRET</div>') == 2
    assert "If the interlocutor asks who exactly we are talking about" in page  # the guidance, for the post
