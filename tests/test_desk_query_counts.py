"""Desks whose cost is the page, not the archive (issue 13): every desk page asks the database the same number of
queries with a few rows as with several times more. Nothing is read per row: what a template touches is fetched
with its rows (select_related, prefetch), every list is a page at a time, and the principal's roles are read once.

The rows are added through the services, as the people at the desks would: papers registered, distributed and
issued (the in-tray, the register, an entry's copies, the overdue list, a holder's page, the audit log), put on a
case file (the case list and the case), and requests for access (the access desk). Counts, not timings: the
timings are bench/desks.py's."""

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from secretariat.accounts import services as accounts
from secretariat.cases import services as cases
from secretariat.imports import services as imports
from secretariat.kernel import clock, lists
from secretariat.kernel.classification import Classification
from secretariat.kernel.principals import principal_by_username
from secretariat.registry import services as registry
from secretariat.registry.models import Copy

MOSCOW = dt.timezone(dt.timedelta(hours=3))
GROWN_AT = dt.datetime(1977, 3, 1, 10, 0, tzinfo=MOSCOW)
HOLDERS = ["andropov", "gromyko", "registrar"]  # the registrar files a copy for the registry unit too

PAGES = [  # (who, page): every desk page, as its holder opens it
    ("andropov", "/in-tray/"),  # a member's
    ("registrar", "/in-tray/"),
    ("registrar", "/registry/"),
    ("registrar", "/registry/P46/X/"),
    ("registrar", "/registry/GROWN-1/"),  # an entry that gains copies
    ("registrar", "/registry/overdue/"),
    ("registrar", "/registry/holders/andropov/"),
    ("gromyko", "/cable-desk/"),
    ("secretary", "/cable-desk/controls/"),
    ("gromyko", "/cable-desk/TEL-1/"),
    ("secretary", "/secretary/"),
    ("secretary", "/secretary/P/46/"),
    ("tass", "/channels/press/"),
    ("archivist", "/archive/"),
    # the audit log names the objects of a page's events with one query per kind of object on it (a kind, not a
    # row): one kind of event, so that few and many rows put the same kinds on the page
    ("auditor", "/audit/?action=copy.issued"),
    ("admin", "/access/"),
    ("registrar", "/cases/"),
    ("registrar", "/cases/CASE-GROWN/"),
    ("registrar", "/imports/"),  # the batches queued, one more for each grown paper
]


def grow(start: int, count: int) -> None:
    """`count` more papers (GROWN-start…), each sent to HOLDERS with a copy issued to each, put on the case file
    CASE-GROWN (opened with the first); and `count` more requests for access waiting for the security officer."""
    registrar, admin = principal_by_username("registrar"), principal_by_username("admin")
    holders = [principal_by_username(name) for name in HOLDERS if name != "registrar"]
    with clock.frozen(GROWN_AT):
        numbers = []
        for i in range(start, start + count):
            number = f"GROWN-{i}"
            registry.register_document(
                registrar,
                number=number,
                title=f"Grown paper {i}",
                classification=Classification.parse("SECRET"),
                text="A paper to make the lists longer.",
                dated=GROWN_AT.date(),
                return_days=7,
                distribution=holders,
            )
            registry.issue_copies(registrar, number)
            numbers.append(number)
            accounts.request_principal(admin, f"grown{i}", clearance="CONFIDENTIAL")
            entries = f"number,title\nQUEUED-{i},Queued paper {i}\n".encode()
            imports.queue_import(registrar, "register", [imports.Sent(f"grown-{i}.csv", ContentFile(entries))])
        if start == 1:
            cases.open_case(registrar, "Grown papers", numbers, number="CASE-GROWN")
        else:
            cases.add_to_case(registrar, "CASE-GROWN", numbers)


def queries(clients, who: str, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = clients[who].get(url)
    assert response.status_code == 200, (who, url, response.status_code)
    return len(captured.captured_queries), [q["sql"] for q in captured.captured_queries]


@pytest.mark.demo(archive=False)
def test_every_desk_page_asks_as_many_queries_for_many_rows_as_for_few(demo, login, settings):
    # The log signs its head every N events: a page whose audited read happens to be the Nth asks for a signing's
    # queries too, whatever its rows. Not here, where the count is what is measured.
    settings.SECRETARIAT_AUDIT_CHECKPOINT_EVERY = 10**9
    grow(1, 2)
    clients = {who: login(who) for who in {who for who, _ in PAGES}}
    for who, url in PAGES:  # once, so that what a first visit does once (a session write) is done
        queries(clients, who, url)
    few = {page: queries(clients, *page) for page in PAGES}

    grow(3, 8)  # five times the grown rows: more than the demo's own on each list
    many = {page: queries(clients, *page) for page in PAGES}

    differing = {
        f"{who} {url}": (few[(who, url)][0], many[(who, url)][0])
        for who, url in PAGES
        if few[(who, url)][0] != many[(who, url)][0]
    }
    assert not differing, differing


@pytest.mark.demo(archive=False)
def test_the_in_tray_pages_each_list_on_its_own(demo, login, monkeypatch):
    grow(1, 3)
    monkeypatch.setattr(lists, "PAGE_SIZE", 2)
    client = login("andropov")
    first = client.get("/in-tray/").content.decode()
    held = Copy.objects.filter(holder__username="andropov").outstanding().count()
    assert held > 2 and first.count('<td><a href="/documents/') <= 2 + 1  # two copies, and at most a control
    assert f"Page 1 of {(held + 1) // 2}" in first and 'href="?copies=2" rel="next"' in first
    second = client.get("/in-tray/?copies=2&controls=1").content.decode()
    assert 'href="?controls=1&amp;copies=1" rel="prev"' in second  # the other list keeps its page

    def numbers(text):  # the papers of the copies listed
        return re.findall(r'<a href="/documents/([^"]+)/">', text.split('id="controls"')[0])

    assert numbers(first) and numbers(second) and not set(numbers(first)) & set(numbers(second))
