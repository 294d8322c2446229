"""`Model.objects.restrict(principal, action)`: every ruled model's manager, and the one rule behind it.

The access rule itself is `secretariat.access` (rules 1-2 of docs/architecture.md), which sits above every model it
rules. Models cannot import it, so the rule is installed here when the project starts
(`secretariat.apps`), and a queryset asks it for the rows a principal may see. Until it is
installed, and for a model it has no rule for, a restriction fails closed: it raises rather than
hand out rows.
"""

import enum
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q


class Action(enum.StrEnum):
    VIEW = "view"  # content: the text, the parts, the task
    REGISTER = "register"  # register metadata: number, classification, holders, dates


Rule = Callable[[type[models.Model], object, Action], Q]
_rule: Rule | None = None


def install(rule: Rule) -> None:
    """Make `rule(model, principal, action) -> Q` the one every restriction asks (once, at start-up)."""
    global _rule
    _rule = rule


def allowed(model: type[models.Model], principal, action: Action) -> Q:
    """The condition on rows of `model` that `principal` may see for `action`: for a filter, or
    for an annotation that says of each row whether the principal may read more of it."""
    if _rule is None:
        raise ImproperlyConfigured("the access rule is not installed: is 'secretariat' in INSTALLED_APPS?")
    return _rule(model, principal, Action(action))


class RestrictedQuerySet(models.QuerySet):
    """A queryset that narrows itself to what a principal may see (as NetBox's RestrictedQuerySet)."""

    def restrict(self, principal, action: Action) -> "RestrictedQuerySet":
        return self.filter(allowed(self.model, principal, action))
