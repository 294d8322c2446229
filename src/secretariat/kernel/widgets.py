"""Form widgets every desk shares: a text input that suggests as the person types (and the answer its htmx call
gets), a day picked in the browser's calendar, several files in one field (chosen, or dropped on it)."""

from collections.abc import Callable

from django import forms
from django.http import HttpResponse
from django.shortcuts import render


class SuggestInput(forms.TextInput):
    """A text input whose list of suggestions htmx fills from `source` as the person types (a <datalist>, so typing
    a value in full still works). With `multiple`, the input holds a comma-separated list and the last item is the
    one completed."""

    template_name = "kernel/widgets/suggest.html"

    def __init__(self, source: str, *, multiple: bool = False, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.source = source
        self.multiple = multiple

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(source=self.source, multiple=self.multiple)
        return context


def suggested(request, find: Callable[[str], list[tuple[str, str]]]) -> HttpResponse:
    """A SuggestInput's htmx call answered: the <option>s of its datalist for what was typed into the field named
    by `field`, `find(text)` giving (value, label) pairs. For a list ('gromyko, unit:wash', `multiple`) the last
    item is completed and those before it kept."""
    typed = request.GET.get(request.GET.get("field", ""), "")
    kept, last = "", typed
    if request.GET.get("multiple"):
        before, _comma, last = typed.rpartition(",")
        kept = ", ".join(item.strip() for item in before.split(",") if item.strip())
    options = [(f"{kept}, {value}" if kept else value, label) for value, label in find(last.strip())]
    return render(request, "kernel/_suggestions.html", {"options": options})


class DayInput(forms.DateInput):
    """A date picked in the browser's own calendar, in the person's locale. Its value is always ISO (YYYY-MM-DD),
    as <input type="date"> requires whatever the page's language: a day in the locale's order would show empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class FilesInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one field (a browser's multiple file input, or files dropped on it)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", FilesInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(d, initial) for d in data]
        return [single(data or None, initial)]
