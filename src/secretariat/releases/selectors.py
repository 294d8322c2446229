"""Reads of channels and releases. Released texts are public; templates follow the access rule."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from secretariat.accounts.selectors import principals
from secretariat.audit.services import record
from secretariat.kernel.errors import NotFound
from secretariat.kernel.principals import Role
from secretariat.kernel.restriction import Action
from secretariat.registry.selectors import is_classified
from secretariat.releases.models import Channel, Release, ReleaseTemplate


def channels() -> QuerySet[Channel]:
    return Channel.objects.order_by("name")


def channels_with_editors() -> QuerySet[Channel]:
    return channels().prefetch_related("editors")


def press_officers():
    """Active press officers, by name: who may be made a channel's editor."""
    return (
        principals()
        .filter(is_active=True, role_grants__role=Role.PRESS_OFFICER)
        .order_by("last_name", "first_name", "username")
    )


def channel(code: str) -> Channel:
    try:
        return Channel.objects.get(code=code)
    except Channel.DoesNotExist:
        raise NotFound(_("no channel %(code)s") % {"code": repr(code)}) from None


def releases(channel: Channel | None = None) -> QuerySet[Release]:
    """What went out, newest first: public, no login needed."""
    queryset = Release.objects.restrict(None, Action.VIEW).select_related("document", "channel", "reviewer")
    return queryset.filter(channel=channel) if channel is not None else queryset


def released(number: str) -> Release:
    try:
        return releases().get(document__number=number)
    except Release.DoesNotExist:
        raise NotFound(_("no release No %(number)s") % {"number": number}) from None


@transaction.atomic
def read_templates(principal, *, pending: bool = False, cable=None, page=None) -> list[ReleaseTemplate]:
    """The announcements with their text (those one cable carries, given its document), or the `page`
    of them a list shows (a function of the queryset): reading a classified one is an audit event on
    its cable, for those read only."""
    queryset = templates(principal, pending=pending)
    if cable is not None:
        queryset = queryset.filter(cable=cable)
    queryset = queryset.prefetch_related("compartments")
    rows = list(page(queryset) if page is not None else queryset)
    for template in rows:
        if is_classified(template):
            record(principal, "release.template_read", template.cable, {"template": template.pk})
    return rows


def templates(principal, *, pending: bool = False) -> QuerySet[ReleaseTemplate]:
    """Announcements the principal may read before release (editors of the channel, the cable's readers)."""
    queryset = (
        ReleaseTemplate.objects.all()
        .restrict(principal, Action.VIEW)
        .select_related("cable", "channel", "prepared_by")
        .order_by("prepared_at", "id")
    )
    return queryset.filter(release__isnull=True) if pending else queryset
