"""GET /api/search and `secretariat document search`: staff search's other two faces, the same selector as /search/."""

import json

from django.core.management import call_command

from secretariat.audit.models import AuditEvent
from tests.api.checks import PROBLEM


def test_the_api_finds_what_one_may_read_with_passages_pages_and_refusals(demo, clients_of):
    client = clients_of("gromyko", "tass")
    found = client("gromyko").get("/search", q="ambassadors")
    assert found.status_code == 200
    rows = found.json()
    numbers = [r["number"] for r in rows]
    assert "P46/X" in numbers and all("passage" in r for r in rows)
    assert any(part["match"] and part["text"].lower().startswith("ambassador") for r in rows for part in r["passage"])
    first = client("gromyko").get("/search", q="ambassadors", limit=1).json()
    rest = client("gromyko").get("/search", q="ambassadors", limit=50, offset=1).json()
    assert [r["number"] for r in first + rest] == numbers  # pages follow the one ranking
    cables = client("gromyko").get("/search", q="ambassadors", kind="cable").json()
    assert cables and all(r["kind"] == "cable" for r in cables)
    assert [r["number"] for r in client("tass").get("/search", q="ambassador").json()] == ["TASS-1"]
    bad = client("gromyko").get("/search", q="ambassador", level="VERY SECRET")
    assert bad.status_code == 422 and bad["content-type"].startswith(PROBLEM)


def test_the_command_line_marks_the_words_and_audits_the_passages_it_shows(demo, capsys):
    before = AuditEvent.objects.filter(action="document.read").count()
    call_command("document", "search", "--as", "gromyko", "ambassadors", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert "P46/X" in [r["number"] for r in rows]
    assert AuditEvent.objects.filter(action="document.read").count() > before
    call_command("document", "search", "--as", "gromyko", "Vance", "--kind", "extract")
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("No P46/X") for line in lines) and all("*Vance*" in line for line in lines)
