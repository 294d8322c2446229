"""The registry desk's upload forms, and what every desk checks of an uploaded file.

A file is taken only if it is no larger than SECRETARIAT_MAX_ATTACHMENT_BYTES (the limit the
registry's services enforce too) and its bytes are what its name and its sent type claim: a
PDF, PNG, JPEG or TIFF by its magic number, or UTF-8 text. An unknown type, or bytes that are
not what they claim, is an error next to the field; nothing is stored.
"""

from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from secretariat.accounts.forms import ClassificationField

TEXT = "text"
# type → what its name ends with, the content types a browser sends for it, its magic numbers
KINDS = {
    "PDF": ((".pdf",), ("application/pdf", "application/x-pdf"), (b"%PDF-",)),
    "PNG": ((".png",), ("image/png", "image/x-png"), (b"\x89PNG\r\n\x1a\n",)),
    "JPEG": ((".jpg", ".jpeg"), ("image/jpeg", "image/jpg", "image/pjpeg"), (b"\xff\xd8\xff",)),
    "TIFF": ((".tif", ".tiff"), ("image/tiff",), (b"II*\x00", b"MM\x00*")),
    TEXT: ((".txt",), ("text/plain",), ()),
}
NO_CLAIM = {"", "application/octet-stream"}  # what a browser sends when it does not know


def _limit() -> str:
    return filesizeformat(settings.SECRETARIAT_MAX_ATTACHMENT_BYTES)


def kinds_named(kinds) -> str:
    return ", ".join("UTF-8 text (.txt)" if k == TEXT else k for k in kinds)


@dataclass(frozen=True)
class Upload:
    """An uploaded file whose bytes were checked: its kind, and its text if it is text."""

    file: UploadedFile
    kind: str
    text: str = ""


def _claimed(file: UploadedFile, allowed) -> str:
    suffix = PurePath(file.name or "").suffix.lower()
    by_name = next((k for k, (suffixes, _, _) in KINDS.items() if suffix in suffixes), None)
    sent = (file.content_type or "").split(";")[0].strip().lower()
    by_type = next((k for k, (_, types, _) in KINDS.items() if sent in types), None)
    if by_name is None or by_name not in allowed:
        raise forms.ValidationError(
            gettext("%(file)s is not a type this form takes: upload %(kinds)s")
            % {"file": file.name, "kinds": kinds_named(allowed)},
            code="unknown_type",
        )
    if sent not in NO_CLAIM and by_type != by_name:
        raise forms.ValidationError(
            gettext("%(file)s was sent as %(sent)s, which is not what its name says (%(kinds)s)")
            % {"file": file.name, "sent": sent, "kinds": kinds_named([by_name])},
            code="mismatch",
        )
    return by_name


def checked_upload(file: UploadedFile, allowed=tuple(KINDS)) -> Upload:
    """The file if its size is within the limit and its bytes are the type it claims; else ValidationError."""
    limit = settings.SECRETARIAT_MAX_ATTACHMENT_BYTES
    if file.size > limit:
        raise forms.ValidationError(
            gettext("%(file)s is %(size)s; the largest file taken is %(limit)s")
            % {"file": file.name, "size": filesizeformat(file.size), "limit": _limit()},
            code="too_large",
        )
    claimed = _claimed(file, allowed)
    file.seek(0)
    data = file.read() if claimed == TEXT else file.read(16)
    file.seek(0)
    if claimed == TEXT:
        if sniffed := next((k for k, (_, _, magic) in KINDS.items() if magic and data.startswith(magic)), None):
            raise forms.ValidationError(
                gettext("the bytes of %(file)s are a %(kind)s file, not text, as its name says")
                % {"file": file.name, "kind": sniffed},
                code="mismatch",
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = None
        if text is None or "\x00" in text:
            raise forms.ValidationError(
                gettext("%(file)s is not UTF-8 text: save it as plain text in UTF-8 and upload it again")
                % {"file": file.name},
                code="mismatch",
            )
        return Upload(file, TEXT, text)
    if not data.startswith(KINDS[claimed][2]):
        raise forms.ValidationError(
            gettext("the bytes of %(file)s are not a %(kind)s file, as its name says: upload the file itself")
            % {"file": file.name, "kind": claimed},
            code="mismatch",
        )
    return Upload(file, claimed)


def text_upload(file: UploadedFile | None) -> str | None:
    """The text of an optional UTF-8 text upload (None if none was sent); else ValidationError."""
    return None if file is None else checked_upload(file, (TEXT,)).text


class AttachmentForm(forms.Form):
    """An attachment from a file: a scan (PDF, PNG, JPEG, TIFF) is kept as the file, a UTF-8
    text file becomes the attachment's text."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=500)
    classification = ClassificationField(label=gettext_lazy("Classification"))
    page_count = forms.IntegerField(label=pgettext_lazy("page count", "Pages"), min_value=1, initial=1)
    file = forms.FileField(label=gettext_lazy("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext("%(kinds)s; at most %(limit)s") % {
            "kinds": kinds_named(KINDS),
            "limit": _limit(),
        }

    def clean_file(self):
        return checked_upload(self.cleaned_data["file"])


class VersionForm(forms.Form):
    """A new version of a document's text, from a UTF-8 text file."""

    file = forms.FileField(label=gettext_lazy("Text file"))
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("what changed, e.g. 'as amended on 18 Feb'"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "the whole new text, as a UTF-8 text file (.txt); at most %(limit)s"
        ) % {"limit": _limit()}

    def clean_file(self):
        upload = checked_upload(self.cleaned_data["file"], (TEXT,))
        if not upload.text.strip():
            raise forms.ValidationError(
                gettext("%(file)s holds no text: a version needs its whole text") % {"file": upload.file.name}
            )
        return upload
