"""Pick, don't type: a marking from the configured levels and compartments, people, units and posts suggested by
name as the person types (htmx fills a datalist; a value typed in full still works)."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import translation

from secretariat.accounts.models import Compartment
from secretariat.decisions.models import Meeting
from secretariat.kernel.classification import Classification
from secretariat.kernel.widgets import DayInput
from secretariat.registry.models import Document


def _options(response) -> list[tuple[str, str]]:
    assert response.status_code == 200
    return re.findall(r'<option value="([^"]*)">([^<]*)</option>', response.content.decode())


def test_people_units_and_posts_are_suggested_by_name_as_typed(demo, login):
    registrar = login("registrar")
    suggest = "/access/suggest/?field=distribution&kind="
    assert ("gromyko", "A. A. Gromyko (gromyko)") in _options(registrar.get(f"{suggest}people&distribution=grom"))
    assert ("gromyko", "A. A. Gromyko (gromyko)") in _options(registrar.get(f"{suggest}people&distribution=Gromyko"))
    posts = _options(registrar.get(f"{suggest}posts&distribution=wash"))
    assert posts and all(value == "washington" for value, _ in posts[:1])
    listed = _options(registrar.get(f"{suggest}addressees&multiple=1&distribution=andropov,+wash"))
    assert listed and listed[0][0] == "andropov, unit:washington"  # the list so far kept, the last item completed
    assert _options(registrar.get(f"{suggest}addressees&distribution=")) == []  # nothing typed, nothing offered
    assert _options(registrar.get(f"{suggest}people&distribution=zzzz")) == []
    assert registrar.get(f"{suggest}passwords&distribution=a").status_code == 404
    assert Client().get(f"{suggest}people&distribution=grom").status_code == 302  # log in first


def test_the_register_form_picks_a_marking_and_suggests_addressees(demo, login):
    registrar = login("registrar")
    desk = registrar.get("/registry/").content.decode()
    assert '<select name="classification_level" id="classification" required>' in desk
    for compartment in Compartment.objects.all():
        assert f'name="classification_compartments" value="{compartment.code}"' in desk
    assert 'hx-get="/access/suggest/?kind=addressees"' in desk and 'list="distribution-options"' in desk

    form = {"series": "GD", "title": "Note", "kind": "note", "dated": "1977-03-01", "text": "x", "distribution": ""}
    picked = {**form, "classification_level": "TOP SECRET", "classification_compartments": ["SPECIAL FILE"]}
    above = registrar.post("/registry/register/", picked)  # the boxes ticked make the marking the rule checks
    assert above.status_code == 409 and "cannot mark a paper TOP SECRET//SPECIAL FILE" in above.content.decode()
    assert registrar.post("/registry/register/", {**form, "classification_level": "SECRET"}).status_code == 302
    assert Document.objects.get(number="GD-1").classification == Classification.parse("SECRET")

    refused = registrar.post("/registry/register/", {**form, "dated": "someday", "classification_level": "SECRET"})
    assert refused.status_code == 422 and not Document.objects.filter(number="GD-2").exists()
    kept = refused.content.decode()
    assert '<option value="SECRET" selected>SECRET</option>' in kept  # the form keeps what was picked


def test_the_cable_and_point_forms_suggest_posts_and_people(demo, login):
    drafter = login("gromyko").get("/cable-desk/").content.decode()
    assert 'hx-get="/access/suggest/?kind=posts"' in drafter and 'name="classification_level"' in drafter
    assert 'hx-get="/secretary/points/suggest/"' in drafter and 'list="id_point-options"' in drafter


def test_points_are_suggested_from_signed_protocols_whose_decision_the_person_knows(demo, login):
    suggest = "/secretary/points/suggest/?field=point&point="
    gromyko = login("gromyko")
    latest = _options(gromyko.get(suggest))  # on focus, nothing typed: the latest points
    assert [value for value, _ in latest] == ["P/47/5", "P/46/X"]
    assert latest[1] == ("P/46/X", "P/46/X: CC CPSU Politburo, protocol No 46 of 18 Feb 1977")
    for typed in ("46", "P/46", "P/46/X", "politburo 46 x"):
        assert [value for value, _ in _options(gromyko.get(suggest + typed))] == ["P/46/X"], typed
    assert _options(gromyko.get(suggest + "P/48")) == []
    # Ponomarev has the extract of point X alone; the registrar keeps the register, not the decisions.
    assert [value for value, _ in _options(login("ponomarev").get(suggest))] == ["P/46/X"]
    assert _options(login("registrar").get(suggest + "P")) == []
    Meeting.objects.filter(number=47).update(signed_at=None)
    assert [value for value, _ in _options(gromyko.get(suggest))] == ["P/46/X"]  # a protocol not signed yet
    assert Client().get(suggest + "46").status_code == 302  # log in first


@pytest.mark.parametrize("language", ["en-gb", "ru"])
def test_a_day_is_given_to_the_browsers_calendar_as_iso_in_any_language(language):
    with translation.override(language):
        shown = DayInput().render("review_on", dt.date(2007, 2, 18))
    assert 'type="date"' in shown and 'value="2007-02-18"' in shown
