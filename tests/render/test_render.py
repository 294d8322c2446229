"""Rendering documents as a reader may see them: the reference case, access, HTML, copies, the CLI."""

import io
import json
import re
from collections import Counter

import pytest
from django.core.management import call_command

from secretariat.accounts import services as accounts
from secretariat.audit.models import AuditEvent
from secretariat.cables import services as cables
from secretariat.cables.models import Cable
from secretariat.cables.selectors import cables as cables_for
from secretariat.cables.selectors import read_cable
from secretariat.cables.services import Part
from secretariat.demo.reference import source_text
from secretariat.kernel.classification import Classification
from secretariat.kernel.errors import NotFound
from secretariat.kernel.principals import principal_by_username
from secretariat.registry import services as registry
from secretariat.registry.selectors import read_document
from secretariat.releases.models import Release
from secretariat.render.html import render_html
from secretariat.render.selectors import read_for_rendering
from secretariat.render.text import render_text
from tests import grants
from tests.cli import run

SOURCE = source_text()


def between(start: str, end: str) -> str:
    """The reference file from `start` up to and including `end`."""
    i = SOURCE.index(start)
    return SOURCE[i : SOURCE.index(end, i) + len(end)]


def words(text: str) -> Counter:
    return Counter(re.findall(r"[a-z0-9]+", text.lower()))


def coverage(passage: str, rendered: str) -> float:
    """The share of the passage's words (as a multiset) found in the rendering."""
    wanted = words(passage)
    return sum((wanted & words(rendered)).values()) / sum(wanted.values())


def as_text(username: str, number: str, copy: int | None = None) -> str:
    rendering = read_for_rendering(principal_by_username(username), number, copy)
    return render_text(rendering.reading, rendering.copy)


def as_html(username: str, number: str) -> str:
    return render_html(read_for_rendering(principal_by_username(username), number).reading)


def the_cable() -> Cable:
    """The demo's cable on point X: the first instruction Gromyko drafted."""
    gromyko = principal_by_username("gromyko")
    return cables_for(gromyko).filter(point__identifier="X", in_reply_to__isnull=True).order_by("drafted_at").first()


def refusal(username: str, number: str, copy: int | None = None) -> tuple[type, str]:
    with pytest.raises(NotFound) as caught:
        read_for_rendering(principal_by_username(username), number, copy)
    return type(caught.value), caught.value.message.replace(number, "N")


# 1. The acceptance test of the issue.


def test_the_extract_renders_every_header_line_of_the_reference_in_order(demo):
    text = as_text("gromyko", "P46/X")
    header = [line.strip() for line in SOURCE[: SOURCE.index("SECRETARY OF THE CC") + 19].splitlines()]
    header = [line for line in header if line]
    assert header[0] == "Proletariats of the World unite!" and header[-1] == "SECRETARY OF THE CC"
    assert len(header) == 9
    rendered = text.splitlines()
    position = -1
    for line in header:
        assert line in rendered[position + 1 :], f"{line!r} missing or out of order"
        position = rendered.index(line, position + 1)
    instruction = "Must be returned within 7 days to CC CPSU (General Department, 1st sector)"
    assert rendered.index(instruction) > position
    assert rendered.index("Secret") > rendered.index(instruction), "the attachment follows the margin instruction"


def test_the_decision_cable_guidance_and_tass_text_match_the_reference(demo):
    extract = as_text("gromyko", "P46/X")
    cable = as_text("dobrynin", the_cable().document.number)
    decision = between("The draft of the instructions", "(The draft is attached.)")
    first = SOURCE[SOURCE.index("FIRST.") : SOURCE.index("(For the Soviet Ambassador")] + between(
        "And when, for the violation", "social democracy and legality."
    )
    guidance = between("(For the Soviet Ambassador", "Pressel (sic))")
    second = SOURCE[SOURCE.index("SECOND.") : SOURCE.index("Wire when you have done it.")]
    tass = between('"On February', 'basic Soviet-American documents"')
    assert len(words(first)) > 300 and len(words(second)) > 150
    assert coverage(decision, extract) >= 0.95
    for passage in (first, second, guidance, tass):
        assert coverage(passage, cable) >= 0.95
    assert "Wire when you have done it." in cable.splitlines()
    assert "(For the Soviet Ambassador: If the interlocutor asks" in cable


def test_the_tass_release_renders_the_announcement_with_the_day_filled_in_for_anyone(demo):
    release = Release.objects.get()
    day = release.values["day"]
    announcement = between('"On February', 'basic Soviet-American documents"').replace(
        'On February " "', f"On February {day}"
    )
    text = as_text("visitor", release.document.number)
    assert coverage(announcement, text) >= 0.95
    assert f"On February {day} the USSR Ambassador" in text
    lines = text.splitlines()
    assert lines[0] == "TASS" and lines[2] == "February 22, 1977"
    assert "Secret" not in lines and "SECRET" not in text, "a public release carries no marking"


# 2. Access: forbidden and missing alike, guidance for the recipients only, reads audited.


def test_forbidden_and_missing_give_the_same_answer(demo):
    answers = {
        refusal("registrar", "P46/X"),
        refusal("registrar", "P99/X"),
        refusal("visitor", "P46/X"),
        refusal("visitor", "P99/X"),
        refusal("dobrynin", "P46/X"),
    }
    assert answers == {(NotFound, "no document No N")}
    assert (
        refusal("registrar", "P46/X", copy=5) == refusal("registrar", "P99/X", copy=5) == (NotFound, "no document No N")
    )


def test_refused_renderings_leave_no_read_in_the_log(demo):
    before = AuditEvent.objects.count()
    refusal("registrar", "P46/X")
    refusal("gromyko", "P46/X", copy=1)
    assert AuditEvent.objects.count() == before


@pytest.fixture
def info_cable(demo, at):
    """A second cable on point X, to Washington for action and to London for information."""
    admin = principal_by_username("admin")
    gromyko, secretary = principal_by_username("gromyko"), principal_by_username("secretary")
    with at("1977-03-01T10:00:00+03:00"):
        london = accounts.add_unit(admin, "london", "LONDON", post=True)
        accounts.add_unit(admin, "paris", "PARIS", post=True)
        grants.add_principal(admin, "london-officer", clearance="SECRET", roles=["post_officer"], unit="london")
        grants.add_principal(admin, "paris-officer", clearance="SECRET", roles=["post_officer"], unit="paris")
        point = demo.document.extract.point
        document = cables.draft_cable(
            gromyko,
            subject="Follow-up on the conversation with Vance",
            classification=Classification.of("SECRET"),
            action_post=the_cable().action_post,
            info_posts=[london],
            parts=[
                Part("FIRST", "Repeat the points of our instructions of 18 February."),
                Part("", "For the Soviet Ambassador: do not name Pressel again.", guidance=True),
            ],
            point=point,
        )
        cables.approve_cable(secretary, document.number, point)
        cables.send_cable(gromyko, document.number)
    return document.number


def test_info_posts_do_not_see_guidance_and_other_posts_see_nothing(info_cable):
    for_action = as_text("dobrynin", info_cable)
    for_information = as_text("london-officer", info_cable)
    assert "(For the Soviet Ambassador: do not name Pressel again.)" in for_action
    assert "Info: LONDON" in for_action.splitlines()
    assert "FIRST. Repeat the points of our instructions of 18 February." in for_information
    assert "Pressel" not in for_information
    assert "Pressel" not in render_html(read_for_rendering(principal_by_username("london-officer"), info_cable).reading)
    assert refusal("paris-officer", info_cable) == refusal("paris-officer", "TEL-99") == (NotFound, "no document No N")
    assert refusal("london-officer", the_cable().document.number)[1] == "no document No N"


def test_a_cable_is_rendered_only_from_read_cable_which_keeps_guidance_back(info_cable):
    """A cable is laid out from its parts, which restrict() filters; the register's text is not its layout."""
    officer = principal_by_username("london-officer")
    with pytest.raises(TypeError, match="read_cable"):
        render_text(read_document(officer, info_cable))
    assert "Pressel" not in render_text(read_cable(officer, info_cable))


def test_a_rendering_is_an_audited_read_by_the_reader(demo):
    gromyko = principal_by_username("gromyko")
    reads = AuditEvent.objects.filter(
        action="document.read", actor=gromyko, object_type="registry.document", object_id=str(demo.document.pk)
    )
    before = reads.count()
    as_html("gromyko", "P46/X")
    assert reads.count() == before + 1
    assert reads.order_by("-seq").first().data["attachments"] == [1]
    cable = the_cable().document
    as_text("dobrynin", cable.number)
    assert AuditEvent.objects.filter(
        action="document.read", actor__username="dobrynin", object_id=str(cable.pk)
    ).exists()


# 3. HTML.


def test_html_is_a_standalone_page_with_top_secret_banners_top_and_bottom(demo):
    html = as_html("gromyko", "P46/X")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    banner = '<div class="banner top-secret">TOP SECRET</div>'
    assert html.count(banner) == 2
    assert html.index(banner) < html.index("<main>") < html.index("</main>") < html.rindex(banner)
    assert "--top-secret: #ff8c00" in html and ".banner.top-secret { background: var(--top-secret)" in html
    assert '<p class="marking top-secret">Top secret</p>' in html
    assert '<p class="marking secret">Secret</p>' in html, "the attachment carries its own marking"
    assert '<p class="margin">Must be returned within 7 days' in html
    assert "@media print" in html and "<link" not in html and "<script" not in html


def test_html_banner_colours_follow_the_level(demo):
    release = Release.objects.get().document.number
    assert html_banner(as_html("visitor", release)) == ("unclassified", "UNCLASSIFIED")
    assert html_banner(as_html("dobrynin", the_cable().document.number)) == ("secret", "SECRET")


def html_banner(html: str) -> tuple[str, str]:
    return re.search(r'<header><div class="banner ([a-z-]+)">([A-Z /]+)</div></header>', html).groups()


def test_user_text_is_escaped_in_html(demo, at):
    with at("1977-03-01T10:00:00+03:00"):
        registry.register_document(
            demo.registrar,
            number="R-77",
            title='<script>alert("title")</script>',
            classification=Classification.of("CONFIDENTIAL"),
            text="<b>bold</b> & <img src=x onerror=alert(1)>",
            dated=demo.document.dated,
            signatory="<i>Secretary</i>",
            distribution=[principal_by_username("gromyko")],
        )
    html = as_html("gromyko", "R-77")
    assert "<script>" not in html and "<b>" not in html and "<img" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;img src=x onerror=alert(1)&gt;" in html
    assert html.count('<div class="banner confidential">CONFIDENTIAL</div>') == 2
    text = as_text("gromyko", "R-77")
    assert text.splitlines()[0] == "Confidential" and '<script>alert("title")</script>' in text


# 4. Copies: only the holder renders their copy.


def test_the_holder_renders_their_copy_with_its_trace_mark(demo):
    lines = as_text("gromyko", "P46/X", copy=5).splitlines()
    (mark,) = [line for line in lines if line.startswith("Copy No.")]
    assert mark.startswith("Copy No. 5 of 9, held by A. A. Gromyko, due back February 25, 1977")
    assert mark.endswith("; returned February 23, 1977")
    assert lines.index("Top secret") < lines.index(mark) < lines.index("No P46/X")
    assert "Copy No. 1 of 9, held by L. I. Brezhnev" in as_text("brezhnev", "P46/X", copy=1)
    rendering = read_for_rendering(principal_by_username("gromyko"), "P46/X", 5)
    html = render_html(rendering.reading, rendering.copy)
    assert '<p class="trace">Copy No. 5 of 9, held by A. A. Gromyko' in html


def test_someone_elses_copy_looks_like_a_missing_one(demo):
    theirs = refusal("gromyko", "P46/X", copy=1)
    missing = refusal("gromyko", "P46/X", copy=99)
    assert theirs[0] is NotFound and theirs[1].replace(" 1 ", " K ") == missing[1].replace(" 99 ", " K ")
    assert theirs[1] == "no copy 1 of No N held by you"


# 5. The command: in-process for its options, then once for real.


def test_the_command_writes_a_file_or_json(demo, tmp_path):
    out = tmp_path / "p46x.html"
    stdout = io.StringIO()
    call_command("render", "P46/X", "--as", "gromyko", "--format", "html", "--output", str(out), stdout=stdout)
    assert out.read_text(encoding="utf-8") == as_html("gromyko", "P46/X")
    assert stdout.getvalue().strip() == f"No P46/X written to {out}"
    stdout = io.StringIO()
    call_command("render", "P46/X", "--as", "gromyko", "--copy", "5", "--json", stdout=stdout)
    data = json.loads(stdout.getvalue())
    assert data["copy"] == 5 and data["content"] == as_text("gromyko", "P46/X", copy=5)


def test_a_file_that_cannot_be_written_leaves_no_read_in_the_log(demo, tmp_path, capsys):
    before = AuditEvent.objects.count()
    with pytest.raises(SystemExit) as exit_:
        call_command("render", "P46/X", "--as", "gromyko", "--output", str(tmp_path / "missing" / "x.txt"))
    assert exit_.value.code == 2
    assert capsys.readouterr().err.startswith(f"invalid: cannot write {tmp_path / 'missing' / 'x.txt'}")
    assert AuditEvent.objects.count() == before


def test_the_command_refuses_a_copy_that_is_not_the_readers(demo, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("render", "P46/X", "--as", "gromyko", "--copy", "1")
    assert exit_.value.code == 2
    assert capsys.readouterr().err.strip() == "not found: no copy 1 of No P46/X held by you"


@pytest.mark.slow
@pytest.mark.embedded
def test_the_render_command_on_a_demo_data_dir(tmp_path, demo_data_dir):  # tmp_path: a demo data dir
    text = run(tmp_path, "render", "P46/X", "--as", "gromyko")
    assert text.returncode == 0, text.stderr
    assert "No P46/X" in text.stdout.splitlines()
    html = run(tmp_path, "render", "P46/X", "--as", "gromyko", "--format", "html", "--copy", "5")
    assert html.returncode == 0, html.stderr
    assert html.stdout.startswith("<!DOCTYPE html>") and "Copy No. 5 of 9" in html.stdout
    refused = run(tmp_path, "render", "P46/X", "--as", "registrar", "--format", "html")
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.strip() == "not found: no document No P46/X"
