"""Every declared use case has its faces: a view, an API operation and a management command call it,
or it says why one is missing (kernel/usecases.py). Read from the source with `ast`, so a face that
is removed, or a use case added without one, fails here."""

import ast
import importlib
from collections import defaultdict
from pathlib import Path

import pytest

import secretariat
from secretariat.kernel.usecases import DECLARED, FACES, use_case

SOURCE = Path(secretariat.__file__).parent
SERVICES = sorted(p for p in SOURCE.glob("*/services.py"))


def face_of(path: Path) -> str | None:
    """Which face a module is: views (any *views.py), the API package, or a management command."""
    relative = path.relative_to(SOURCE)
    if relative.parts[0] == "api":
        return "api"
    if "management" in relative.parts and "commands" in relative.parts:
        return "cli"
    if path.stem.endswith("views"):
        return "web"
    return None


def services_called(tree: ast.AST) -> set[str]:
    """The service functions a module refers to, as "app.function": through `from secretariat.app import
    services as alias` then `alias.function`, or `from secretariat.app.services import function`."""
    modules: dict[str, str] = {}
    functions: dict[str, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        parts = node.module.split(".")
        if parts[0] != "secretariat":
            continue
        for alias in node.names:
            if len(parts) == 2 and alias.name == "services":
                modules[alias.asname or alias.name] = parts[1]
            elif len(parts) == 3 and parts[2] == "services":
                functions[alias.asname or alias.name] = f"{parts[1]}.{alias.name}"
    called = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
            called.add(f"{modules[node.value.id]}.{node.attr}")
        elif isinstance(node, ast.Name) and node.id in functions:
            called.add(functions[node.id])
    return called


def faces_found() -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for path in SOURCE.rglob("*.py"):
        face = face_of(path)
        if face is None:
            continue
        for label in services_called(ast.parse(path.read_text(encoding="utf-8"))):
            found[label].add(face)
    return found


@pytest.fixture(scope="module")
def declared():
    for path in SERVICES:
        importlib.import_module(f"secretariat.{path.parent.name}.services")
    return dict(DECLARED)


def test_every_use_case_has_the_faces_it_declares(declared):
    found = faces_found()
    missing = [
        f"{label}: no {face} face"
        for label, case in sorted(declared.items())
        for face in case.faces
        if face not in found[label]
    ]
    assert not missing, "\n".join(missing)


def test_a_face_a_use_case_does_without_is_really_absent_and_the_reason_is_given(declared):
    """A use case that says it lacks a face must lack it: once someone builds the face, the declaration says so."""
    found = faces_found()
    stale = [
        f"{label}: declares no {face} face, but {face} calls it"
        for label, case in sorted(declared.items())
        for face in set(FACES) - set(case.faces)
        if face in found[label]
    ]
    assert not stale, "\n".join(stale)
    assert all(case.because for case in declared.values() if set(case.faces) != set(FACES))


def test_each_app_with_services_declares_its_use_cases(declared):
    apps = {case.module.split(".")[1] for case in declared.values()}
    assert apps == {p.parent.name for p in SERVICES}
    assert len(declared) >= 70


def test_the_finder_sees_both_ways_of_calling_a_service_and_misses_a_removed_call():
    with_calls = ast.parse(
        "from secretariat.registry import services as registry\n"
        "from secretariat.cables.services import send_cable as send\n"
        "def view(request):\n    registry.issue_copies(request.user, 'P46/X')\n    send(request.user, 'TEL-1')\n"
    )
    assert services_called(with_calls) == {"registry.issue_copies", "cables.send_cable"}
    without = ast.parse("from secretariat.registry import services as registry\ndef view(request):\n    pass\n")
    assert services_called(without) == set()


def test_a_use_case_without_every_face_must_say_why():
    with pytest.raises(ValueError, match="says why"):
        use_case(faces=("cli",))
    with pytest.raises(ValueError, match="unknown faces"):
        use_case(faces=("fax",), because="no")
