"""The shape of the code (docs/architecture.md), checked as the code changes.

- Every import arrow points down: between apps and inside each app (import-linter's contracts in
  pyproject.toml, run with `lint-imports`).
- Views, API handlers and management commands never query a model the access rule rules
  (`Model.objects…`): only selectors and services do, through `restrict()`. A view that needs
  rows asks a selector, so the rule cannot be forgotten on the way.
- Every ruled model's manager is the kernel's RestrictedQuerySet, and a model without a rule is
  refused: the rule fails closed.
- ruff finds nothing and the code is formatted.
"""

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models import Model

from secretariat import access
from secretariat.kernel import texts
from secretariat.kernel.restriction import Action, RestrictedQuerySet

SRC = Path(__file__).resolve().parents[1] / "src" / "secretariat"
ROOT = SRC.parents[1]
BIN = Path(sys.executable).parent


def _front_doors() -> list[Path]:
    """Every module of views, API handlers and management commands."""
    views = [p for p in SRC.rglob("*.py") if p.name in ("views.py", "feeds.py") or p.name.endswith("_views.py")]
    commands = [p for p in SRC.glob("*/management/commands/*.py") if p.name != "__init__.py"]
    operations = [p for p in (SRC / "api" / "operations").glob("*.py") if p.name != "__init__.py"]
    return sorted({*views, *commands, SRC / "api" / "api.py", *operations})


def _imported(tree: ast.Module) -> dict:
    """Local name -> the object it was imported as (`from m import X as Y`, `import m as n`)."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                try:
                    names[alias.asname or alias.name] = getattr(importlib.import_module(node.module), alias.name)
                except (ImportError, AttributeError):
                    pass
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = importlib.import_module(alias.name)
    return names


def _ruled_queries(path: Path) -> list[str]:
    """`X.objects`, `X._default_manager` or `X._base_manager` where X is a model the access rule rules,
    however it was imported or named."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names = _imported(tree)
    ruled = set(access.RULES)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager", "_base_manager")):
            continue
        target = node.value
        if isinstance(target, ast.Name):
            model = names.get(target.id)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            model = getattr(names.get(target.value.id), target.attr, None)  # models.Document.objects
        else:
            continue
        if model in ruled:
            found.append(f"{path}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_the_layers_hold():
    result = subprocess.run([BIN / "lint-imports"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_view_api_handler_or_command_queries_a_ruled_model():
    doors = _front_doors()
    assert len(doors) > 25 and SRC / "registry" / "views.py" in doors and SRC / "api" / "api.py" in doors
    assert SRC / "api" / "operations" / "registry.py" in doors
    offences = [offence for path in doors for offence in _ruled_queries(path)]
    assert offences == [], "query these through a selector (restrict() applied):\n" + "\n".join(offences)


def test_the_check_sees_a_view_that_queries_a_ruled_model(tmp_path):
    """The check above would catch `Document.objects.filter(...)` in a view, whatever its import."""
    view = tmp_path / "views.py"
    view.write_text(
        "from secretariat.registry.models import Document\n"
        "from secretariat.registry import models as registry_models\n"
        "from secretariat.cables.models import Control as C\n\n"
        "def page(request, number):\n"
        "    a = Document.objects.filter(number=number)\n"
        "    b = registry_models.Copy.objects.all()\n"
        "    c = C._default_manager.count()\n"
        "    d = registry_models.NumberSeries.objects.all()  # not ruled: allowed\n"
    )
    found = _ruled_queries(view)
    assert [line.split(": ", 1)[1] for line in found] == [
        "Document.objects",
        "registry_models.Copy.objects",
        "C._default_manager",
    ]


MANAGERS = ("objects", "_default_manager", "_base_manager")
# Bulk writes whose rows their service checks one by one with texts.clean before writing them (named here, so
# that each new one is seen): the audit log's batched append (audit.services._Batch.keep).
CHECKED_BY_HAND = {("audit/services.py", "bulk_create", "AuditEvent")}


def _writes_past_the_text_check(path: Path) -> list[str]:
    """`X.objects….bulk_create(…)` or `….bulk_update(…)` of a model that holds text, and `X.objects….update(f=…)`
    of a text field f: these send no pre_save, so they would skip the kernel's check of texts (kernel/texts.py).
    (X named as an imported model, as services name them.)"""
    tree = ast.parse(path.read_text(), filename=str(path))
    names = _imported(tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in ("bulk_create", "bulk_update", "update"):
            continue
        target, through_manager = node.func.value, False
        while isinstance(target, ast.Call | ast.Attribute):
            if isinstance(target, ast.Attribute) and target.attr in MANAGERS:
                through_manager = True
            target = target.func if isinstance(target, ast.Call) else target.value
        model = names.get(target.id) if isinstance(target, ast.Name) else None
        if not (through_manager and isinstance(model, type) and issubclass(model, Model) and texts.is_checked(model)):
            continue
        if any(
            path.as_posix().endswith(f"/{where}") and (call, name) == (node.func.attr, model.__name__)
            for where, call, name in CHECKED_BY_HAND
        ):
            continue
        text_fields = {f.name for f in model._meta.concrete_fields if texts.kind_of(f)}
        if node.func.attr == "update":
            written = {k.arg for k in node.keywords} & text_fields
        else:
            written = text_fields
        if written:
            found.append(
                f"{path}:{node.lineno}: {node.func.attr} of {model.__name__} writes {', '.join(sorted(written))}"
            )
    return found


def test_no_text_is_written_past_the_kernels_check():
    modules = [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]
    offences = [offence for path in modules for offence in _writes_past_the_text_check(path)]
    assert offences == [], "save these one by one (the kernel checks texts on save):\n" + "\n".join(offences)


def test_the_check_sees_a_bulk_write_of_text(tmp_path):
    service = tmp_path / "services.py"
    service.write_text(
        "from secretariat.registry.models import Document, DocumentVersion\n"
        "from secretariat.cases.models import CaseEntry\n\n"
        "def act(rows):\n"
        "    DocumentVersion.objects.bulk_create(rows)\n"
        "    Document.objects.filter(pk=1).update(title='x', is_public=True)\n"
        "    Document.objects.filter(pk=1).update(is_public=True)  # no text: allowed\n"
        "    CaseEntry.objects.bulk_create(rows)  # no text: allowed\n"
        "    {}.update(title='x')  # not a model: allowed\n"
    )
    found = [line.split(": ", 1)[1] for line in _writes_past_the_text_check(service)]
    assert found == ["bulk_create of DocumentVersion writes note, text", "update of Document writes title"]


def test_every_ruled_model_restricts_through_its_manager():
    for model in access.RULES:
        assert isinstance(model.objects.all(), RestrictedQuerySet), model._meta.label
        assert hasattr(model.objects, "restrict"), model._meta.label


def test_a_model_without_a_rule_is_refused(db):
    unruled = [m for m in apps.get_models() if m not in access.RULES and m._meta.app_label != "contenttypes"]
    assert unruled, "some models (principals, units, bodies) have no rule"
    with pytest.raises(TypeError, match="no access rule"):
        access.allowed_q(unruled[0], None, Action.VIEW)


def test_ruff_finds_nothing():
    for args in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [BIN / "ruff", *args, "src", "tests", "bench"], cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
