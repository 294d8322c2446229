"""The audit desk: filtered, paged events in words (metadata only), their CSV, the tree head, the checkpoint, Verify now."""

import csv
import io
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from secretariat.audit.models import AuditCheckpoint, AuditEvent
from secretariat.audit.selectors import names_of, tree_size
from secretariat.audit.verification import Problem, Report
from tests.web.pages import HTMX, P46_TEXT, P46_TITLE, no_traceback


def rows(html: str) -> list[str]:
    return re.split(r"<tr[ >]", html.split("<tbody>")[-1].split("</tbody>")[0])[1:]


def test_the_desk_is_the_auditors(demo, login):
    auditor = login("auditor")
    page = auditor.get("/audit/")
    html = page.content.decode()
    assert page.status_code == 200 and no_traceback(page)
    checkpoint = AuditCheckpoint.objects.order_by("tree_size").last()  # the auditor's, after the sweep's
    assert f"{tree_size()} events" in html and checkpoint.root_hash in html
    assert f"{checkpoint.tree_size} events, root" in html and "31 Mar 1994" in html  # after the archive's steps
    pages = -(-tree_size() // 50)
    assert len(rows(html)) == 50 and f"page 1 of {pages}" in html and 'rel="next"' in html
    oldest = auditor.get(f"/audit/?page={pages}").content.decode()
    assert len(rows(oldest)) == tree_size() - 50 * (pages - 1)
    for text in (html, oldest):
        assert P46_TITLE not in text and P46_TEXT not in text  # metadata only
    for who in ("visitor", "registrar", "gromyko"):
        assert login(who).get("/audit/").status_code == 404, who
        assert login(who).post("/audit/verify/", **HTMX).status_code == 404, who


def test_filters_narrow_the_events(demo, login):
    auditor = login("auditor")
    returned = rows(auditor.get("/audit/?action=copy.returned").content.decode())
    assert len(returned) == 10 and all("<code>copy.returned</code>" in r and " took back copy " in r for r in returned)
    by_dobrynin = rows(auditor.get("/audit/?actor=dobrynin&object_type=registry.document").content.decode())
    assert by_dobrynin and all("<dd>dobrynin</dd>" in r and "registry.document:" in r for r in by_dobrynin)
    one_day = rows(auditor.get("/audit/?from=1977-02-25&to=1977-02-25").content.decode())
    assert one_day and all("25 Feb 1977" in r for r in one_day)
    kept = auditor.get("/audit/?action=copy.returned&page=1").content.decode()
    assert 'value="copy.returned"' in kept
    bad = auditor.get("/audit/?from=last+week")
    assert bad.status_code == 422 and "from must be a day written YYYY-MM-DD" in bad.content.decode()


def test_each_event_reads_as_a_sentence_with_the_raw_event_one_click_away(demo, login):
    auditor = login("auditor")
    assert login("gromyko").get("/in-tray/").status_code == 200  # reads the task of the control on him
    control_read = rows(auditor.get("/audit/?action=control.read&actor=gromyko").content.decode())
    assert control_read and all("A. A. Gromyko read the task of control " in r for r in control_read)
    read = rows(auditor.get("/audit/?action=document.read").content.decode())
    assert read and all(re.search(r"read No [A-Z]", r) and "<summary>Event as logged</summary>" in r for r in read)
    issued = rows(auditor.get("/audit/?action=copy.issued").content.decode())
    assert any(re.search(r"issued copy \d+ of No P46/X to \w+", r) for r in issued)
    assert (
        "document.read"
        not in rows(auditor.get("/audit/?action=document.read").content.decode())[0].split("<details>")[0]
    )


def test_the_csv_holds_every_matching_event_not_one_page(demo, login):
    auditor = login("auditor")
    response = auditor.get("/audit/events.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert table[0] == ["seq", "at", "actor", "action", "object_type", "object_id", "in_words", "data"]
    assert [int(r[0]) for r in table[1:]] == list(range(1, tree_size() + 1))  # all of them, oldest first
    returned = list(
        csv.reader(
            io.StringIO(b"".join(auditor.get("/audit/events.csv?action=copy.returned").streaming_content).decode())
        )
    )
    assert len(returned) == 11 and all(r[3] == "copy.returned" and " took back copy " in r[6] for r in returned[1:])
    assert auditor.get("/audit/events.csv?from=soon").status_code == 422
    for who in ("visitor", "registrar", "gromyko"):
        assert login(who).get("/audit/events.csv").status_code == 404, who


def test_verify_now_answers_in_place_and_appends_nothing(demo, login):
    auditor = login("auditor")
    size = tree_size()
    response = auditor.post("/audit/verify/", **HTMX)
    fragment = response.content.decode()
    assert response.status_code == 200 and fragment.lstrip().startswith('<div id="verification"')
    assert "<strong>OK</strong>" in fragment and f"{size} events" in fragment and "<html" not in fragment
    assert tree_size() == size
    assert "<strong>OK</strong>" in auditor.post("/audit/verify/").content.decode()  # without htmx: a whole page
    assert auditor.get("/audit/verify/").status_code == 405


def test_verify_now_names_the_first_bad_event(demo, login, monkeypatch):
    bad = Report(size=9, problems=[Problem(7, "event #7 (copy.returned) differs from its recorded hash: edited")])
    monkeypatch.setattr("secretariat.audit.views.verify_log", lambda: bad)
    fragment = login("auditor").post("/audit/verify/", **HTMX).content.decode()
    assert "NOT OK: the first bad event is #7" in fragment and 'role="alert"' in fragment


def test_the_objects_of_a_page_are_named_in_one_query_per_kind_whatever_their_number(demo):
    about_copies = list(AuditEvent.objects.filter(object_type="registry.copy"))
    assert len({e.object_id for e in about_copies}) >= 10
    with CaptureQueriesContext(connection) as queries:
        names = names_of(about_copies)
    assert len(queries) == 1  # the copies with their documents joined, not a query for each copy's document
    assert "copy 2 of No P47/5" in names.values()


def test_the_desk_reads_in_russian_the_events_kinds_staying_as_logged(demo, login):
    auditor = login("auditor")
    ru = {"HTTP_ACCEPT_LANGUAGE": "ru"}
    page = auditor.get("/audit/?action=copy.returned", **ru).content.decode()
    assert "<h1>Журнал аудита</h1>" in page and "<summary>Событие в журнале</summary>" in page
    returned = rows(page)
    assert len(returned) == 10
    assert all(" — возврат: " in r and "<code>copy.returned</code>" in r for r in returned)  # the kind untranslated
    one_day = rows(auditor.get("/audit/?from=1977-02-25&to=1977-02-25", **ru).content.decode())
    assert one_day and all("25 февраля 1977" in r for r in one_day)
    bad = auditor.get("/audit/?from=last+week", **ru)
    assert bad.status_code == 422 and "«с»: нужна дата в виде ГГГГ-ММ-ДД" in bad.content.decode()


def test_verify_now_answers_in_russian(demo, login, settings):
    auditor = login("auditor")
    ru = {"HTTP_ACCEPT_LANGUAGE": "ru", **HTMX}
    fine = auditor.post("/audit/verify/", **ru).content.decode()
    assert f"<strong>ВЕРНО</strong>: событий — {tree_size()}, корень" in fine
    settings.SECRETARIAT_AUDIT_KEY_FINGERPRINT = "SHA256:not-the-key"  # the log's key is not the pinned one
    bad = auditor.post("/audit/verify/", **ru).content.decode()
    assert "НЕВЕРНО" in bad and ", а не закреплённым SHA256:not-the-key: подменённым в каталоге данных" in bad
    assert "not by the pinned SHA256:not-the-key" in auditor.post("/audit/verify/", **HTMX).content.decode()
