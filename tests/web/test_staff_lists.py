"""Staff lists that scale: the register, the overdue list, controls and cables each search, filter and page in the
URL, count what matches, and give every matching row (not one page) as CSV."""

import csv
import io
import re

import pytest

from secretariat.cables.models import Cable, Control
from secretariat.kernel import lists
from secretariat.registry.models import Copy, Document


def _csv(response) -> list[dict]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def _numbers(page) -> list[str]:
    """The registration numbers a register page lists, in order."""
    table = page.content.decode().split('id="register-heading"')[1].split("</section>")[0]
    return re.findall(r'<a href="/registry/([^"?]+)/(?:\?[^"]*)?">No ', table)


def test_the_register_searches_filters_and_pages_with_the_filters_in_the_url(demo, login, monkeypatch):
    registrar = login("registrar")
    everything = _numbers(registrar.get("/registry/"))
    assert len(everything) == Document.objects.count() > 3
    assert everything == sorted(everything)

    assert set(_numbers(registrar.get("/registry/?q=P46"))) == {
        n for n in Document.objects.values_list("number", flat=True) if "P46" in n
    }
    extracts = _numbers(registrar.get("/registry/?kind=extract"))
    assert len(extracts) > 1 and set(extracts) == set(
        Document.objects.filter(kind="extract").values_list("number", flat=True)
    )
    assert _numbers(registrar.get("/registry/?state=overdue")) == ["P47/5"]
    top = set(Document.objects.filter(level=3).values_list("number", flat=True))
    assert set(_numbers(registrar.get("/registry/?level=TOP+SECRET"))) == top

    monkeypatch.setattr(lists, "PAGE_SIZE", 1)
    first = registrar.get("/registry/?kind=extract")
    text = first.content.decode()
    assert _numbers(first) == sorted(extracts)[:1]
    assert f"Showing 1–1 of {len(extracts)}" in text
    assert 'href="?kind=extract&amp;page=2" rel="next"' in text  # the filter rides along to the next page
    assert _numbers(registrar.get("/registry/?kind=extract&page=2")) == sorted(extracts)[1:2]

    rows = _csv(registrar.get("/registry/register.csv?kind=extract"))  # all of them, not the page of 2
    assert [row["number"] for row in rows] == sorted(extracts)
    p46 = next(row for row in rows if row["number"] == "P46/X")
    assert (p46["issued"], p46["returned"], p46["outstanding"], p46["balanced"]) == ("9", "9", "0", "True")


@pytest.mark.parametrize(
    "query", ["level=SEKRET", "kind=memo", "state=lost", "as_of=18.02.1977"], ids=["level", "kind", "state", "as_of"]
)
def test_a_filter_no_list_offers_is_refused_with_a_clear_error(demo, login, query):
    registrar = login("registrar")
    page = registrar.get(f"/registry/?{query}")
    assert page.status_code == 422
    assert 'role="alert"' in page.content.decode()
    assert registrar.get(f"/registry/register.csv?{query}").status_code == 422


def test_the_overdue_list_is_searched_by_holder_and_downloaded_whole(demo, login, monkeypatch):
    registrar = login("registrar")
    page = registrar.get("/registry/overdue/").content.decode()
    assert "No P47/5, copy 2" in page and "Andropov" in page
    assert registrar.get("/registry/").content.decode().count('href="/registry/overdue/"') == 1

    assert "No P47/5, copy 2" in registrar.get("/registry/overdue/?q=andropov").content.decode()
    nobody = registrar.get("/registry/overdue/?q=gromyko").content.decode()
    assert "No P47/5" not in nobody and "No overdue copy matches" in nobody

    rows = _csv(registrar.get("/registry/overdue.csv?q=andropov"))
    overdue = Copy.objects.filter(document__number="P47/5", number=2).get()
    assert [(r["number"], r["copy"], r["holder"]) for r in rows] == [("P47/5", "2", overdue.holder.username)]
    assert int(rows[0]["days_overdue"]) >= 1
    assert _csv(registrar.get("/registry/overdue.csv?q=gromyko")) == []

    for who in ("gromyko", "auditor"):  # the lists are the registrar's, as the desk is
        assert login(who).get("/registry/overdue/").status_code == 404
        assert login(who).get("/registry/overdue.csv").status_code == 404


def test_the_controls_list_searches_by_who_must_answer_and_state(demo, login):
    secretary = login("secretary")
    control = Control.objects.get(document__number="P47/5")
    row = f'id="control-{control.pk}"'
    assert row in secretary.get("/cable-desk/controls/?state=overdue").content.decode()
    assert row in secretary.get("/cable-desk/controls/?q=gromyko&state=open").content.decode()
    assert row not in secretary.get("/cable-desk/controls/?state=done").content.decode()
    assert row not in secretary.get("/cable-desk/controls/?q=washington").content.decode()
    assert secretary.get("/cable-desk/controls/?state=late").status_code == 422

    (line,) = _csv(secretary.get("/cable-desk/controls.csv?state=overdue"))
    assert (line["control"], line["number"], line["on"], line["status"]) == (
        str(control.pk),
        "P47/5",
        str(control.assignee),
        "open",
    )
    assert "task" not in line and control.task not in line.values()  # metadata only: no read of the task
    assert login("gromyko").get("/cable-desk/controls.csv").status_code == 404


def test_the_cable_list_searches_by_number_post_and_state(demo, login):
    cable = Cable.objects.get(document__number="TEL-1")
    drafter = login(cable.drafted_by.username)
    assert 'href="/cable-desk/TEL-1/"' in drafter.get("/cable-desk/?q=washington&state=reported").content.decode()
    assert 'href="/cable-desk/TEL-1/"' not in drafter.get("/cable-desk/?state=drafted").content.decode()
    assert drafter.get("/cable-desk/?state=lost").status_code == 422
    rows = _csv(drafter.get("/cable-desk/cables.csv?q=TEL"))
    assert [(r["number"], r["state"], r["to"]) for r in rows] == [("TEL-1", "reported", cable.action_post.code)]
