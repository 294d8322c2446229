"""A refusal changes nothing: every row of every project table, and the audit head, are as before."""

import pytest
from django.apps import apps


def snapshot() -> dict:
    """Every row of every project table, and the audit head: a refusal must leave all equal."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in {"accounts", "audit", "decisions", "registry", "cables", "releases"}:
            rows[model._meta.label] = sorted(map(repr, model.objects.values()))
    return rows


def refused_without_change(error, call):
    before = snapshot()
    with pytest.raises(error) as excinfo:
        call()
    assert snapshot() == before
    return str(excinfo.value)
