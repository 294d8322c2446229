"""The registry desk: the register, overdue copies, a document's copies and the registrar's actions."""

import re

from django.test import Client

from secretariat.audit.selectors import tree_size
from secretariat.kernel.principals import principal_by_username
from secretariat.registry.models import Copy, Document
from tests import grants
from tests.web.pages import HTMX, P46_TEXT, P46_TITLE, no_traceback


def test_the_desk_pages_are_the_registrars_and_show_metadata_only(demo, login):
    registrar = login("registrar")
    for url in ("/registry/", "/registry/P46/X/", "/registry/P47/5/", "/registry/holders/andropov/"):
        page = registrar.get(url)
        assert page.status_code == 200 and no_traceback(page), url
        assert P46_TITLE.encode() not in page.content and P46_TEXT.encode() not in page.content, url
    desk = registrar.get("/registry/").content.decode()
    assert "No P46/X" in desk and "TOP SECRET" in desk and "extract" in desk
    assert "issued 9 = returned 9 + destroyed 0 + lost 0 + out 0" in desk
    overdue = desk.split('id="overdue-heading"')[1].split("</section>")[0]
    assert "No P47/5, copy 2" in overdue and "Andropov" in overdue
    entry = registrar.get("/registry/P46/X/").content.decode()
    assert entry.count('id="copy-') == 9 and "Must be returned within 7 days" in entry
    assert "Gromyko" in entry and re.search(r"returned 2[0-9] Feb 1977", entry)
    assert "No P47/5" in registrar.get("/registry/holders/andropov/").content.decode()

    for who in ("visitor", "gromyko", "dobrynin", "auditor"):
        client = login(who)
        for url in ("/registry/", "/registry/P46/X/", "/registry/holders/andropov/"):
            assert client.get(url).status_code == 404, (who, url)
    assert Client().get("/registry/")["Location"] == "/login/?next=/registry/"
    assert registrar.get("/registry/P99/X/").status_code == 404


def test_the_balance_of_any_day(demo, login):
    registrar = login("registrar")
    before_returns = registrar.get("/registry/P46/X/?as_of=1977-02-20").content.decode()
    assert "issued 9 = returned 0 + destroyed 0 + lost 0 + outstanding 9" in before_returns
    assert "issued, receipt not confirmed" not in before_returns  # receipts were signed on the 19th
    desk = registrar.get("/registry/?as_of=1977-02-20").content.decode()
    assert "No P47/5" not in desk  # not registered yet that day
    bad = registrar.get("/registry/?as_of=yesterday")
    assert bad.status_code == 422 and "as_of must be a day written YYYY-MM-DD" in bad.content.decode()


def test_an_htmx_return_answers_with_the_row_and_appends_one_event(demo, login):
    registrar = login("registrar")
    size = tree_size()
    response = registrar.post("/registry/P47/5/copies/2/return/", **HTMX)
    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith('<tr id="copy-2">') and "<html" not in row and "returned" in row
    assert tree_size() == size + 1
    assert Copy.objects.get(document__number="P47/5", number=2).status == Copy.Status.RETURNED

    again = registrar.post("/registry/P47/5/copies/2/return/", **HTMX)
    assert (
        again.status_code == 409
        and 'role="alert"' in again.content.decode()
        and "returned already" in again.content.decode()
    )
    assert tree_size() == size + 1  # a refusal changes nothing
    assert registrar.post("/registry/P47/5/copies/9/return/", **HTMX).status_code == 404
    assert login("gromyko").post("/registry/P47/5/copies/2/return/").status_code == 404


def test_destruction_takes_two_registrars(demo, login):
    grants.add_principal(principal_by_username("admin"), "clerk", clearance="TOP SECRET", roles=("registrar",))
    first, second = login("registrar"), login("clerk")
    response = first.post("/registry/P47/5/copies/2/destroy/", {"certificate": "act 12/77"})
    assert response.status_code == 302 and response["Location"] == "/registry/P47/5/#copy-2"
    size = tree_size()
    refused = first.post("/registry/P47/5/copies/2/witness/", **HTMX)
    assert refused.status_code == 409 and "a second person must witness it" in refused.content.decode()
    assert tree_size() == size
    witnessed = second.post("/registry/P47/5/copies/2/witness/", **HTMX)
    assert witnessed.status_code == 200 and "destroyed" in witnessed.content.decode()
    assert Copy.objects.get(document__number="P47/5", number=2).status == Copy.Status.DESTROYED


def test_a_loss_needs_its_circumstances(demo, login):
    registrar = login("registrar")
    size = tree_size()
    refused = registrar.post("/registry/P47/5/copies/2/loss/", {"circumstances": "  "})
    assert refused.status_code == 422 and "needs the circumstances" in refused.content.decode()
    assert tree_size() == size and no_traceback(refused)
    lost = registrar.post("/registry/P47/5/copies/2/loss/", {"circumstances": "left on a train"}, **HTMX)
    assert lost.status_code == 200 and "lost" in lost.content.decode()
    assert tree_size() == size + 1


def test_register_distribute_and_issue_from_the_desk(demo, login):
    registrar = login("registrar")
    size = tree_size()
    form = {
        "number": "",
        "series": "GD",
        "title": "Note on the visit",
        "classification": "NOT A LEVEL",
        "kind": "note",
        "dated": "1977-03-01",
        "text": "The text.",
        "distribution": "gromyko",
    }
    refused = registrar.post("/registry/register/", form)
    assert refused.status_code == 422 and 'role="alert"' in refused.content.decode()
    assert "Note on the visit" in refused.content.decode()  # the form keeps what was typed
    assert tree_size() == size and not Document.objects.filter(number__startswith="GD-").exists()

    response = registrar.post("/registry/register/", {**form, "classification": "SECRET"})
    assert response.status_code == 302 and response["Location"] == "/registry/GD-1/"
    assert registrar.post("/registry/GD-1/distribution/", {"addressees": "andropov"}).status_code == 302
    unknown = registrar.post("/registry/GD-1/distribution/", {"addressees": "nobody"})
    assert unknown.status_code == 422 and "unknown principal" in unknown.content.decode()
    assert registrar.post("/registry/GD-1/issue/").status_code == 302
    entry = registrar.get("/registry/GD-1/").content.decode()
    assert entry.count('id="copy-') == 2 and "Note on the visit" not in entry and "The text." not in entry
    again = registrar.post("/registry/GD-1/issue/")
    assert again.status_code == 409 and "holds a copy already" in again.content.decode()


def test_the_registry_desk_and_its_refusals_read_in_russian(demo, login):
    registrar = login("registrar")
    desk = registrar.get("/registry/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "<h1>Регистратура</h1>" in desk and "Просроченные экземпляры" in desk
    assert "выдано 9 = возвращено 9 + уничтожено 0 + утрачено 0 + на руках 0" in desk
    assert '<option value="note" selected>записка</option>' in desk  # a new paper is a note unless said otherwise
    assert ">выписка</td>" in desk and ">extract</td>" not in desk
    entry = registrar.get("/registry/P46/X/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "возвращён " in entry and ">returned " not in entry
    assert "Вернуть в течение 7 дней: CC CPSU (General Department, 1st sector)" in entry
    size = tree_size()
    refused = registrar.post("/registry/P47/5/copies/2/loss/", {"circumstances": "  "}, HTTP_ACCEPT_LANGUAGE="ru")
    assert refused.status_code == 422 and "в сообщении об утрате нужны обстоятельства" in refused.content.decode()
    assert "<h1>№ P47/5</h1>" in refused.content.decode() and tree_size() == size
