"""The one rule for text (kernel/texts.py): what a line, a body and data may hold; that every save of every
model of the project keeps it, before the database; that every limit is declared and documented; and, as a
property, that a paper is registered if and only if its texts fit."""

import re
import unicodedata
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.migrations.state import ProjectState
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from secretariat.audit.models import AuditCheckpoint, AuditEvent
from secretariat.kernel import clock, texts
from secretariat.kernel.classification import Classification
from secretariat.kernel.errors import InvalidInput
from secretariat.registry import services as registry
from secretariat.registry.models import Document, DocumentVersion
from tests.conftest import ISSUE_DAY
from tests.refusals import refused_without_change

DOCS = Path(__file__).resolve().parents[2] / "docs" / "texts.md"
CONTROLS = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cc"]  # C0, DEL and C1: 65


def refusal(call) -> str:
    with pytest.raises(InvalidInput) as excinfo:
        call()
    return excinfo.value.message


def project_models():
    return [m for m in apps.get_models() if texts.is_checked(m)]


def text_fields(model):
    return [f for f in model._meta.concrete_fields if texts.kind_of(f)]


# --- the rule -------------------------------------------------------------------------------------------------


def test_a_body_keeps_tabs_and_has_its_line_breaks_made_lf():
    assert texts.body("one\r\ntwo\rthree\ffour\tcolumn\n", "text") == "one\ntwo\nthree\nfour\tcolumn\n"
    assert texts.body("page one\f\npage two", "text") == "page one\n\npage two"  # a form feed is a line break


def test_the_messages_name_the_field_and_the_place():
    assert refusal(lambda: texts.line("x" * 1_000_000, "title", 500)) == (
        "title is 1,000,000 characters long; at most 500 are allowed"
    )
    assert refusal(lambda: texts.line("Note\x00", "title", 500)) == (
        r"title holds a NUL character (\x00) at character 5, which no text may hold"
    )
    assert refusal(lambda: texts.body("First line\nsec\x00ond", "text")) == (
        r"text holds a NUL character (\x00) on line 2, column 4, which no text may hold"
    )
    assert refusal(lambda: texts.body("bell\x07", "text")) == (
        r"text holds a control character (\x07) on line 1, column 5, which no text may hold"
    )
    assert refusal(lambda: texts.line("Two\nlines", "title")) == (
        r"title holds a line break (\n) at character 4; it must be one line, without tabs"
    )
    assert (
        refusal(lambda: texts.line("a\tb", "title"))
        == r"title holds a tab (\t) at character 2; it must be one line, without tabs"
    )
    assert refusal(lambda: texts.body("\ud800", "text")) == (
        r"text holds a lone surrogate (\ud800) on line 1, column 1, which is not a character"
    )
    # the length is counted after normalising: CR LF is one character
    assert texts.body("ab\r\n", "text", 3) == "ab\n"


@pytest.mark.parametrize("char", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_every_control_character(char):
    """A line holds none; a body keeps tab and LF (CR and form feed become LF); data keeps tab, LF, CR, form feed."""
    value = f"a{char}b"
    with pytest.raises(InvalidInput):
        texts.line(value, "title")
    if char in "\t\n":
        assert texts.body(value, "text") == value
    elif char in "\r\f":
        assert texts.body(value, "text") == "a\nb"
    else:
        with pytest.raises(InvalidInput):
            texts.body(value, "text")
    if char in "\t\n\r\f":
        texts.check_data({"value": value}, "data")
    else:
        with pytest.raises(InvalidInput):
            texts.check_data({"value": value}, "data")


def test_what_is_text_passes_as_it_is():
    for value in ("Протокол № 46", "Pункт X — «о поездке»", "\u00a0no-break", "soft\u00adhyphen", "😀", "עברית"):
        assert texts.line(value, "title") == value
        assert texts.body(value, "text") == value
    for separator in "\u2028\u2029":  # line breaks of Unicode: text in a body, not in a line
        assert texts.body(f"a{separator}b", "text") == f"a{separator}b"
        with pytest.raises(InvalidInput, match="one line"):
            texts.line(f"a{separator}b", "title")


def test_data_is_checked_at_every_depth_and_named_by_its_path():
    texts.check_data({"reason": "Lost\r\nin transit\f", "values": [1, None, {"day": "21"}]}, "data")
    assert refusal(lambda: texts.check_data({"reason": "a\x00"}, "data")).startswith(
        r"data.reason holds a NUL character (\x00)"
    )
    assert refusal(lambda: texts.check_data({"lines": ["ok", "b\x1b"]}, "transcription")).startswith(
        r"transcription.lines[1] holds a control character (\x1b)"
    )
    assert refusal(lambda: texts.check_data({"k\x00": 1}, "values")).startswith(r"a key of values holds a NUL")


# --- every save of every model --------------------------------------------------------------------------------


def test_the_check_covers_every_model_of_the_project_and_nothing_else():
    checked = project_models()
    labels = {m._meta.label for m in checked}
    assert {"registry.Document", "accounts.Principal", "audit.AuditEvent", "archive.Item"} <= labels
    assert not any(m._meta.app_label in ("auth", "sessions", "contenttypes", "otp_totp", "axes") for m in checked)
    migrations_model = ProjectState.from_apps(apps).apps.get_model("registry", "Document")
    assert not texts.is_checked(migrations_model)  # a migration's historical model: data migrations write as they must


@pytest.mark.parametrize("model", project_models(), ids=lambda m: m._meta.label)
def test_saving_any_text_field_with_a_nul_is_refused_before_the_database(model):
    """No `db` mark: had the check not refused before the database, the save would fail on access to it."""
    for field in text_fields(model):
        instance = model()
        if texts.kind_of(field) == texts.DATA:
            setattr(instance, field.attname, {"note": "a\x00b"})
            expected = f"{field.verbose_name}.note holds a NUL character"
        else:
            setattr(instance, field.attname, "\x00")
            expected = f"{field.verbose_name} holds a NUL character"
        with pytest.raises(InvalidInput, match=re.escape(expected)):
            instance.save()


def test_a_body_is_normalised_on_the_instance_and_only_the_fields_saved_are_checked():
    version = DocumentVersion(text="one\r\ntwo\fthree")
    texts.clean(version)
    assert version.text == "one\ntwo\nthree"
    document = Document(title="bad\x00", number="R-1")
    texts.clean(document, ["number"])  # save(update_fields=["number"]) writes the number only
    with pytest.raises(InvalidInput, match="title holds a NUL"):
        texts.clean(document)


def test_the_audit_log_is_checked_and_never_changed():
    """An event is hashed and signed before it is saved: what is stored must be what was hashed."""
    event = AuditEvent(action="principal.deactivated", data={"reason": "Retired\r\nat his request"})
    texts.clean(event)
    assert event.data == {"reason": "Retired\r\nat his request"}
    with pytest.raises(InvalidInput, match=r"data.reason holds a NUL"):
        texts.clean(AuditEvent(action="x", data={"reason": "a\x00"}))
    checkpoint = AuditCheckpoint(note="origin\r\n")
    with pytest.raises(InvalidInput, match="note holds a carriage return"):  # checked as given, not normalised
        texts.clean(checkpoint)
    assert checkpoint.note == "origin\r\n"


# --- declared and documented ----------------------------------------------------------------------------------


def test_every_text_field_declares_its_limit():
    undeclared = [
        f"{model._meta.label}.{field.name}"
        for model in project_models()
        for field in text_fields(model)
        if texts.kind_of(field) != texts.DATA and field.max_length is None
    ]
    assert undeclared == []


def documented() -> tuple[dict[str, int], dict[str, int], set[str]]:
    """The three tables of docs/texts.md: bodies, lines (per model) and data."""
    bodies, lines, data = {}, {}, set()
    section = None
    for row in DOCS.read_text().splitlines():
        if row.startswith("## "):
            section = row[3:].split()[0].lower()
        match = re.match(r"\| `([\w.]+)` \| (.*?) \|", row)
        if not match:
            continue
        name, cell = match.groups()
        if section == "bodies":
            bodies[name] = int(cell.replace(",", ""))
        elif section == "lines":
            for entry in cell.split(", "):
                field, limit = entry.rsplit(" ", 1)
                lines[f"{name}.{field}"] = int(limit.replace(",", ""))
        elif section == "data":
            data.add(name)
    return bodies, lines, data


def test_the_limits_are_documented_as_they_are():
    bodies, lines, data = documented()
    actual = {texts.BODY: {}, texts.LINE: {}, texts.DATA: set()}
    for model in project_models():
        for field in text_fields(model):
            name = f"{model._meta.label}.{field.name}"
            kind = texts.kind_of(field)
            if kind == texts.DATA:
                actual[kind].add(name)
            else:
                actual[kind][name] = field.max_length
    assert bodies == actual[texts.BODY]
    assert lines == actual[texts.LINE]
    assert data == actual[texts.DATA]


def test_the_migrations_hold_the_limits(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


# --- a paper is registered iff its texts fit ------------------------------------------------------------------

TEXT = ["a", "Ж", "№", " ", "😀", "\u00a0"]  # text anywhere
BREAKS = ["\t", "\n", "\r\n", "\r", "\f", "\u2028"]  # text in a body, not in a line
NEVER = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f", "\ud800"]  # in no text


def around(limit: int, pieces: list[str], odd: list[str]):
    """Texts of `pieces`, short or just under, at and over `limit`, a third of them with one `odd` piece put in."""

    def put(text: str, piece: str | None, where: int) -> str:
        return text if piece is None else text[: where % (len(text) + 1)] + piece + text[where % (len(text) + 1) :]

    short = st.lists(st.sampled_from(pieces), max_size=8).map("".join)
    long = st.tuples(st.integers(limit - 2, limit + 1), short).map(lambda t: "x" * t[0] + t[1])
    extra = st.one_of(st.none(), st.none(), st.sampled_from(odd))
    return st.builds(put, st.one_of(short, long), extra, st.integers(0, 2**20))


def fits_a_line(value: str, limit: int) -> bool:
    return 0 < len(value) <= limit and not any(
        unicodedata.category(c) in ("Cc", "Cs") or c in "\u2028\u2029" for c in value
    )


def as_a_body(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")


def fits_a_body(value: str, limit: int) -> bool:
    value = as_a_body(value)
    return len(value) <= limit and not any(
        (unicodedata.category(c) == "Cc" and c not in "\t\n") or unicodedata.category(c) == "Cs" for c in value
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(title=around(500, TEXT, BREAKS + NEVER), text=around(1_000_000, TEXT + BREAKS, NEVER))
def test_a_paper_is_registered_if_and_only_if_its_texts_fit(registrar, title, text):
    """On either engine: a text that does not fit never reaches the database (PostgreSQL would refuse a NUL)."""

    def register():
        with clock.frozen(ISSUE_DAY):
            return registry.register_document(
                registrar,
                title=title,
                classification=Classification.parse("SECRET"),
                text=text,
                dated=ISSUE_DAY.date(),
            )

    fits = fits_a_line(title.strip(), 500) and fits_a_body(text, 1_000_000)
    event("registered" if fits else "refused")
    if fits:
        document = register()
        document.refresh_from_db()
        assert document.title == title.strip()
        assert document.versions.get().text == as_a_body(text)
    else:
        refused_without_change(InvalidInput, register)
