"""Use cases of channels and releases.

A release is prepared inside a classified cable as a template with blanks; it goes out only
through `release`, after the cable's controls are done, with the reviewer recorded and the
blanks filled. This is the only path from a classified paper to an unclassified public one.
"""

import re
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from secretariat.accounts.models import Principal
from secretariat.audit.services import record
from secretariat.cables.models import Cable, Control
from secretariat.kernel import clock
from secretariat.kernel.classification import UNCLASSIFIED
from secretariat.kernel.errors import InvalidInput, NotFound, Refused, unique_or_refused
from secretariat.kernel.principals import Role
from secretariat.kernel.restriction import Action
from secretariat.kernel.usecases import use_case
from secretariat.registry import services as registry
from secretariat.registry.models import Document
from secretariat.registry.selectors import no_document
from secretariat.releases.models import FIELD, Channel, Release, ReleaseTemplate

# One line: none of the characters str.splitlines() breaks at.
RESERVED_CODES = {"press"}  # /channels/press/ is the press desk, not a channel page
FIELD_VALUE = re.compile(r"[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029{}]{1,200}")


@transaction.atomic
@use_case
def add_channel(by: Principal, code: str, name: str, *, series: str, editors: Sequence[Principal] = ()) -> Channel:
    by.require_role(Role.ADMIN, "set up channels")
    code, name, series = code.strip(), name.strip(), series.strip().upper()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", code) or not 1 <= len(name) <= 200:
        raise InvalidInput(_("a channel needs a code (lowercase letters, digits, hyphens) and a name"))
    if code in RESERVED_CODES:
        raise InvalidInput(
            _("%(quoted)s is the address of the press desk (/channels/%(code)s/): choose another code")
            % {"quoted": repr(code), "code": code}
        )
    if not re.fullmatch(r"[A-Z][A-Z0-9]{0,19}", series):
        raise InvalidInput(_("a channel's series is capital letters and digits, e.g. TASS"))
    with unique_or_refused(
        _("a channel %(code)s or series %(series)s exists already") % {"code": repr(code), "series": repr(series)}
    ):
        channel = Channel.objects.create(code=code, name=name, series=series)
    channel.editors.set(editors)
    record(
        by,
        "channel.added",
        channel,
        {"code": code, "name": name, "series": series, "editors": [e.username for e in editors]},
    )
    return channel


@transaction.atomic
@use_case
def add_editor(by: Principal, channel: Channel, editor: Principal) -> Channel:
    by.require_role(Role.ADMIN, "set up channels")
    if not editor.has_role(Role.PRESS_OFFICER):
        raise Refused(_("%(editor)s is not a press officer") % {"editor": editor.username})
    if channel.editors.filter(pk=editor.pk).exists():
        raise Refused(_("%(editor)s edits %(channel)s already") % {"editor": editor.username, "channel": channel.code})
    channel.editors.add(editor)
    record(by, "channel.editor_added", channel, {"editor": editor.username})
    return channel


@transaction.atomic
@use_case
def prepare_release(by: Principal, cable_number: str, *, channel: Channel, title: str, text: str) -> ReleaseTemplate:
    """The drafter of a cable prepares the announcement it carries, blanks as {{name}}."""
    try:
        cable = (
            Cable.objects.select_related("document")
            .select_for_update(of=("self",))
            .get(document__in=Document.objects.restrict(by, Action.VIEW), document__number=cable_number)
        )
    except Cable.DoesNotExist:
        raise no_document(cable_number) from None
    if cable.drafted_by_id != by.pk:
        raise Refused(
            _("only %(drafter)s, who drafted %(cable)s, prepares what it announces")
            % {"drafter": cable.drafted_by.username, "cable": cable.spoken}
        )
    if cable.in_reply_to_id is not None:
        raise Refused(_("%(cable)s is a report; announcements are prepared in instructions") % {"cable": cable.spoken})
    if cable.state != Cable.State.DRAFTED:
        raise Refused(
            _("%(cable)s is %(state)s: its approval covered only the announcements prepared in the draft")
            % {"cable": cable.spoken, "state": cable.state}
        )
    if not title.strip() or not text.strip():
        raise InvalidInput(_("a release needs a title and a text"))
    if "{{" in FIELD.sub("", text) or "}}" in FIELD.sub("", text):
        raise InvalidInput(_("blanks are written {{name}}: lowercase letters, digits and underscores"))
    template = ReleaseTemplate.objects.create(
        cable=cable.document,
        channel=channel,
        title=title.strip(),
        text=text.strip(),
        level=cable.document.level,
        prepared_at=clock.now(),
        prepared_by=by,
    )
    template.compartments.set(cable.document.compartments.all())
    record(
        by,
        "release.prepared",
        cable.document,
        {"template": template.pk, "channel": channel.code, "fields": template.fields},
    )
    return template


@transaction.atomic
@use_case
def release(by: Principal, template_id: int, values: dict[str, str]) -> Release:
    """Send a prepared announcement out: only an editor of its channel, only after every
    control on its cable is done; the text goes out UNCLASSIFIED, public and immutable."""
    template = (
        ReleaseTemplate.objects.select_for_update(of=("self",))
        .restrict(by, Action.VIEW)
        .select_related("cable", "channel")
        .filter(pk=template_id)
        .first()
    )
    if template is None:
        raise NotFound(_("no release %(id)s") % {"id": template_id})
    channel = template.channel
    if not by.is_active or not channel.editors.filter(pk=by.pk).exists():
        raise Refused(_("only an editor of %(channel)s releases through it") % {"channel": channel.code})
    if Release.objects.filter(template=template).exists():
        raise Refused(_("release %(id)s went out already; a released text never changes") % {"id": template_id})
    cable = template.cable.cable
    controls = Control.objects.filter(document=template.cable)
    if cable.state in (Cable.State.DRAFTED, Cable.State.APPROVED):
        raise Refused(_("%(cable)s has not been sent: nothing it announces can go out") % {"cable": cable.spoken})
    if not controls.exists() or controls.exclude(status=Control.Status.DONE).exists():
        raise Refused(
            _("the control on %(cable)s is not done: the announcement waits for the report") % {"cable": cable.spoken}
        )
    wanted = set(template.fields)
    if missing := wanted - set(values):
        raise InvalidInput(_("fill every blank: missing %(blanks)s") % {"blanks": ", ".join(sorted(missing))})
    if extra := set(values) - wanted:
        raise InvalidInput(_("no such blank(s): %(blanks)s") % {"blanks": ", ".join(sorted(extra))})
    if bad := [k for k, v in values.items() if not isinstance(v, str) or not FIELD_VALUE.fullmatch(v.strip())]:
        raise InvalidInput(
            _("a blank is filled with one line of 1 to 200 characters, without braces: %(blanks)s")
            % {"blanks": ", ".join(bad)}
        )
    values = {k: v.strip() for k, v in values.items()}
    now = clock.now()
    document = registry.enter_in_register(
        by,
        series=channel.series,
        title=template.title,
        kind=Document.Kind.ANNOUNCEMENT,
        classification=UNCLASSIFIED,
        text=template.fill(values),
        dated=now.date(),
    )
    Document.objects.filter(pk=document.pk).update(is_public=True)
    document.is_public = True
    released = Release.objects.create(
        template=template, document=document, channel=channel, values=values, released_at=now, reviewer=by
    )
    record(
        by,
        "release.released",
        released,
        {"channel": channel.code, "number": document.number, "cable": template.cable.number, "values": values},
    )
    return released
