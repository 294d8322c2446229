"""A body's papers: registered with the body's return period and registry unit, known to its
secretary, linked from decisions (the registry knows nothing of bodies)."""

import json

import pytest

from secretariat.audit.models import AuditEvent
from secretariat.decisions import services as decisions
from secretariat.decisions.models import BodyPaper
from secretariat.decisions.selectors import body_of
from secretariat.kernel import clock
from secretariat.kernel.errors import NotFound, Refused
from secretariat.registry import selectors as registry_selectors
from secretariat.registry import services as registry
from tests import workflow as wf
from tests.cli import granted, install, migrated, run


@pytest.fixture
def w(db):
    return wf.build_world()


def _register(w, by, number, **fields):
    with clock.frozen(wf.MEETING_AT):
        return decisions.register_body_paper(
            by,
            w.body,
            number=number,
            title="A memorandum to the Politburo",
            classification=wf.SECRET,
            text="On the visit.",
            dated=wf.MEETING_DAY,
            distribution=[w.members[0]],
            **fields,
        )


def test_a_body_paper_takes_the_bodys_return_period_and_unit_and_its_secretary_reads_it(w):
    paper = _register(w, w.registrar, "P99/1")
    assert (paper.return_days, paper.return_to.code) == (7, "cc-gd-1")
    assert paper.return_instruction() == "Must be returned within 7 days to CC CPSU (General Department, 1st sector)"
    assert body_of(paper) == w.body and BodyPaper.objects.get(document=paper).body == w.body
    assert AuditEvent.objects.filter(action="document.registered").last().data["body"] == "P"
    # The secretary is on no distribution and holds no copy: the body's papers are her duty.
    assert registry_selectors.read_document(w.secretary, "P99/1").document == paper
    # A plain registered paper is nobody's but its readers'.
    with clock.frozen(wf.MEETING_AT):
        registry.register_document(
            w.registrar, number="R-9", title="A note", classification=wf.SECRET, text="t", dated=wf.MEETING_DAY
        )
    with pytest.raises(NotFound):
        registry_selectors.read_document(w.secretary, "R-9")


def test_a_body_paper_keeps_a_period_of_its_own_and_only_a_registrar_registers_one(w):
    assert _register(w, w.registrar, "P99/2", return_days=3).return_days == 3
    before = (BodyPaper.objects.count(), AuditEvent.objects.count())
    with pytest.raises(Refused, match="only a registrar may keep the register"):
        _register(w, w.secretary, "P99/3")
    assert (BodyPaper.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.embedded
def test_body_register_on_the_command_line(tmp_path):
    (tmp_path / "memo.txt").write_text("On the visit.\n")
    migrated(tmp_path)
    install(tmp_path)
    granted(tmp_path, "add", "--as", "admin", "registrar", "--clearance", "SECRET", "--roles", "registrar")
    steps = [
        ("unit", "add", "--as", "admin", "gd-1", "General Department, 1st sector"),
        ("body", "add", "--as", "admin", "Politburo", "--prefix", "P", "--return-days", "5", "--registry-unit", "gd-1"),
    ]
    for args in steps:
        result = run(tmp_path, *args)
        assert result.returncode == 0, (args, result.stderr)
    result = run(
        tmp_path,
        *("body", "register", "--as", "registrar", "P", "--json", "--number", "P1/1", "--title", "A memo"),
        *("--classification", "SECRET", "--text-file", "memo.txt", "--dated", "1977-02-18"),
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert (shown["number"], shown["return_instruction"]) == (
        "P1/1",
        "Must be returned within 5 days to General Department, 1st sector",
    )
