"""Sending scans: one file or many (chosen, or dropped on the field), with the part's title and marking."""

from django import forms
from django.utils.translation import gettext_lazy

from secretariat.accounts.forms import ClassificationField
from secretariat.kernel.widgets import FilesField, FilesInput

ACCEPT = ".pdf,.tif,.tiff,.jpg,.jpeg,.png,application/pdf,image/tiff,image/jpeg,image/png"


class ScansForm(forms.Form):
    files = FilesField(
        label=gettext_lazy("Scans"),
        help_text=gettext_lazy(
            "PDF, TIFF, JPEG or PNG, one page or many; drop them here or choose several at once. "
            "Each becomes an attachment whose text OCR reads (Russian and English)."
        ),
        widget=FilesInput(attrs={"accept": ACCEPT, "class": "drop"}),
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("the file's name if left empty"),
    )
    classification = ClassificationField(
        label=gettext_lazy("Classification"),
        required=False,
        help_text=gettext_lazy("the paper's own if left empty; never above it"),
    )
