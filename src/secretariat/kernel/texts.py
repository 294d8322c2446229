"""What text a field may hold: one rule for every text of every model, whatever the way in.

A title, a name or a number typed into a desk, sent to the API, given on the command line or
read by the importer ends up in a field of a model, and every model of the project is saved
through `save()`. So the rule is kept in one place: a `pre_save` receiver, installed by the
kernel's AppConfig, checks (and first normalises) every text field of every model of the
project's apps before the row reaches the database. A refusal is an InvalidInput naming the
field, raised inside the service's transaction: nothing is written, and each face shows it as
it shows any malformed input (422 on the desks and in the API, exit 2 on the command line).

The rule, by kind of field:

* A line (a CharField: titles, names, numbers, reasons) is one line: no line break of any kind
  (those `str.splitlines()` breaks at), no tab, no other control character, at most the
  field's `max_length` characters.
* A body (a TextField: texts, decisions, tasks, notes) keeps line breaks and tabs. Carriage
  returns and form feeds are normalised first, as OCR output and Windows files carry them and
  browsers send them from every textarea: CR LF, a lone CR and a form feed each become LF. Then
  no other control character, at most the field's `max_length` characters (every body declares
  one; see docs/texts.md for the limits and why).
* Data (a JSONField) is checked, never changed (its strings are structured data, not prose):
  no control character other than tab, LF, CR and form feed, in its keys or its values.

Everywhere: no NUL (PostgreSQL refuses it in text; SQLite would keep it and every reader would
trip on it), no other C0 or C1 control character, no lone surrogate (not a character at all:
neither engine's driver encodes it). Lengths are counted in characters (code points), as
PostgreSQL's varchar(n) counts them, after normalising.

A model whose rows are hashed before they are saved (the audit log: the event is hashed and
signed, then saved) says `texts_as_given = True`: its texts are checked, never normalised, so
the row stored is the row that was hashed.

`bulk_create()` and `QuerySet.update()` send no `pre_save`: the project does not use them to
write text (tests/test_architecture.py checks it).
"""

import functools
import re
from collections.abc import Iterable

from django.db import models
from django.db.models.signals import pre_save
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from secretariat.kernel.errors import InvalidInput, grouped

# A body with no max_length of its own (tests/kernel/test_texts.py requires every body of the
# project to declare one; this is what a body of another app would get).
DEFAULT_BODY_LIMIT = 1_000_000

LINE = "line"
BODY = "body"
DATA = "data"

# What a line may not hold: every C0 and C1 control character (tab and the line breaks among
# them), the Unicode line and paragraph separators, lone surrogates.
_NOT_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# What a body may not hold once normalised: the same, less tab and LF (and the separators,
# which are text).
_NOT_IN_BODY = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# What data may not hold: the body's rule less CR and form feed, which data keeps as given.
_NOT_IN_DATA = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_FORBIDDEN = {LINE: _NOT_IN_LINE, BODY: _NOT_IN_BODY, DATA: _NOT_IN_DATA}

_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_NAMES = {
    "\x00": gettext_lazy("a NUL character"),
    "\t": gettext_lazy("a tab"),
    "\n": gettext_lazy("a line break"),
    "\r": gettext_lazy("a carriage return"),
    "\f": gettext_lazy("a form feed"),
    "\v": gettext_lazy("a vertical tab"),
    "\x1c": gettext_lazy("a file separator"),
    "\x1d": gettext_lazy("a group separator"),
    "\x1e": gettext_lazy("a record separator"),
    "\x85": gettext_lazy("a next-line character"),
    "\u2028": gettext_lazy("a line separator"),
    "\u2029": gettext_lazy("a paragraph separator"),
}


def normalised(value: str) -> str:
    """A body's line breaks as LF: CR LF, a lone CR and a form feed each become one LF."""
    if "\r" not in value and "\f" not in value:
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")


def _where(value: str, index: int, kind: str) -> str:
    if kind == LINE:
        return _("at character %(index)s") % {"index": grouped(index + 1)}
    line = value.count("\n", 0, index) + 1
    column = index - (value.rfind("\n", 0, index) + 1) + 1
    return _("on line %(line)s, column %(column)s") % {"line": grouped(line), "column": grouped(column)}


def _refusal(name: str, value: str, index: int, kind: str) -> InvalidInput:
    char = value[index]
    shown = repr(char)[1:-1]
    where = _where(value, index, kind)
    if "\ud800" <= char <= "\udfff":
        return InvalidInput(
            _("%(name)s holds a lone surrogate (%(shown)s) %(where)s, which is not a character")
            % {"name": name, "shown": shown, "where": where}
        )
    if kind == LINE and (char == "\t" or char in _LINE_BREAKS):
        return InvalidInput(
            _("%(name)s holds %(what)s (%(shown)s) %(where)s; it must be one line, without tabs")
            % {"name": name, "what": _NAMES[char], "shown": shown, "where": where}
        )
    what = _NAMES[char] if char in _NAMES else _("a control character")
    return InvalidInput(
        _("%(name)s holds %(what)s (%(shown)s) %(where)s, which no text may hold")
        % {"name": name, "what": what, "shown": shown, "where": where}
    )


def check(value: str, name: str, *, kind: str = LINE, max_length: int | None = None) -> None:
    """InvalidInput, naming `name`, if `value` is too long or holds a character its kind of
    field may not hold; `value` as given (normalise a body first: `body`)."""
    if max_length is not None and len(value) > max_length:
        raise InvalidInput(
            _("%(what)s is %(length)s characters long; at most %(limit)s are allowed")
            % {"what": name, "length": grouped(len(value)), "limit": grouped(max_length)}
        )
    found = _FORBIDDEN[kind].search(value)
    if found is not None:
        raise _refusal(name, value, found.start(), kind)


def line(value: str, name: str, max_length: int | None = None) -> str:
    """`value` if it is one line of at most `max_length` characters; else InvalidInput."""
    check(value, name, kind=LINE, max_length=max_length)
    return value


def body(value: str, name: str, max_length: int | None = None) -> str:
    """`value` with its line breaks normalised, if it then fits a body; else InvalidInput."""
    value = normalised(value)
    check(value, name, kind=BODY, max_length=max_length)
    return value


def check_data(value, name: str) -> None:
    """Every string in a JSON value (keys too) checked as data; InvalidInput names the path."""
    if isinstance(value, str):
        check(value, name, kind=DATA)
    elif isinstance(value, dict):
        for key, item in value.items():
            path = f"{name}.{key}"
            if isinstance(key, str):
                check(key, _("a key of %(name)s") % {"name": name}, kind=DATA)
            check_data(item, path)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            check_data(item, f"{name}[{i}]")


def kind_of(field: models.Field) -> str | None:
    """LINE, BODY or DATA for a field that holds text; None for any other."""
    if isinstance(field, models.TextField):
        return BODY
    if isinstance(field, models.CharField):
        return LINE
    if isinstance(field, models.JSONField):
        return DATA
    return None


def limit_of(field: models.Field) -> int | None:
    """How many characters a text field may hold (DATA: no limit of its own)."""
    kind = kind_of(field)
    if kind == DATA:
        return None
    if field.max_length is None and kind == BODY:
        return DEFAULT_BODY_LIMIT
    return field.max_length


@functools.cache
def _text_fields(model: type[models.Model]) -> tuple[tuple[models.Field, str, int | None], ...]:
    return tuple(
        (field, kind, limit_of(field)) for field in model._meta.concrete_fields if (kind := kind_of(field)) is not None
    )


def is_checked(model: type[models.Model]) -> bool:
    """Models of the project's own apps (not Django's, not a migration's historical models)."""
    return getattr(model._meta, "app_config", None) is not None and model.__module__.startswith("secretariat.")


def clean(instance: models.Model, fields: Iterable[str] | None = None) -> None:
    """Normalise and check the text fields of `instance` (only `fields`, when named), as saving
    it does; InvalidInput for the first that does not fit. Normalised values are set on it."""
    model = type(instance)
    normalise = not getattr(model, "texts_as_given", False)
    wanted = None if fields is None else set(fields)
    for field, kind, limit in _text_fields(model):
        if wanted is not None and field.name not in wanted and field.attname not in wanted:
            continue
        value = getattr(instance, field.attname)
        name = str(field.verbose_name)
        if kind == DATA:
            check_data(value, name)
            continue
        if not isinstance(value, str):
            continue
        if kind == BODY and normalise:
            fixed = normalised(value)
            if fixed != value:
                setattr(instance, field.attname, fixed)
                value = fixed
        check(value, name, kind=kind, max_length=limit)


def _on_save(sender, instance, update_fields=None, **kwargs) -> None:
    if is_checked(sender):
        clean(instance, update_fields)


def install() -> None:
    """Check every save of every model of the project (the kernel's AppConfig.ready calls this)."""
    pre_save.connect(_on_save, dispatch_uid="secretariat.kernel.texts")
