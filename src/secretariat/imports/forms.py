"""The import desk's forms: transcriptions (many .txt files, or a ZIP of them), a CSV of register entries, an EAD
2002 finding aid."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from secretariat.accounts.forms import ClassificationField
from secretariat.archive import selectors as archive
from secretariat.kernel.widgets import FilesField, FilesInput


class TranscriptionsForm(forms.Form):
    files = FilesField(
        label=gettext_lazy("Transcriptions"),
        help_text=gettext_lazy("UTF-8 text files (.txt), one paper each; or one ZIP of them. Choose several at once."),
        widget=FilesInput(attrs={"accept": ".txt,.zip,text/plain,application/zip"}),
    )
    into = forms.ChoiceField(label=gettext_lazy("Into"), required=False)
    classification = ClassificationField(
        label=gettext_lazy("Classification"),
        required=False,
        help_text=gettext_lazy("only where a file's marking cannot be read (UNCLASSIFIED if it never was)"),
    )

    def __init__(self, principal, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = sorted(archive.unit_reference(u) for u in archive.units(principal))
        self.fields["into"].choices = [("", _("where each one's archival reference says")), *((u, u) for u in units)]


class EntriesForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Register entries"),
        help_text=gettext_lazy(
            "a CSV file in UTF-8 whose first line names the columns: number, title, classification, kind, dated, "
            "pages, signatory, distribution (names separated by ;), text"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class FindingAidForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Finding aid"),
        help_text=gettext_lazy("an EAD 2002 file (.xml) as AtoM exports it: its fonds, series and files, and items"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )
    into = forms.CharField(
        label=gettext_lazy("Into"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "a repository (TsKhSD) for a fonds, a unit (TsKhSD/89) for a series; empty: the repository its unitid names"
        ),
    )
    classification = ClassificationField(
        label=gettext_lazy("Classification of its items"),
        required=False,
        help_text=gettext_lazy("EAD carries no marking: its items are refused without one (UNCLASSIFIED if none)"),
    )
