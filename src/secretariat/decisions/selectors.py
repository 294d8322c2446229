"""Reads about bodies, meetings and points, through the access rule."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from secretariat.accounts.selectors import principals
from secretariat.audit.services import record
from secretariat.decisions.models import Body, BodyPaper, Extract, Meeting, Point, PointAttachment
from secretariat.kernel.errors import InvalidInput, NotFound
from secretariat.kernel.formats import desk_day
from secretariat.kernel.lists import words_match
from secretariat.kernel.restriction import Action
from secretariat.registry.models import Document
from secretariat.registry.selectors import is_classified


def body_by_name(name: str) -> Body:
    """A body by its name or its registration prefix."""
    body = Body.objects.filter(name=name).first() or Body.objects.filter(prefix=name.upper()).first()
    if body is None:
        raise InvalidInput(gettext("unknown body %(name)r") % {"name": name})
    return body


def bodies() -> QuerySet[Body]:
    """Every body, by name, with its secretary and members (organisation, not papers)."""
    return Body.objects.select_related("secretary", "registry_unit").prefetch_related("members").order_by("name")


def body_by_prefix(prefix: str) -> Body:
    """A body by its registration prefix; NotFound otherwise (a page's 404)."""
    body = bodies().filter(prefix=prefix.upper()).first()
    if body is None:
        raise NotFound(gettext("no body with prefix %(prefix)r") % {"prefix": prefix})
    return body


def candidates(role: str | None = None):
    """Active people who may be named to a body's duties (of `role`, when given), by name."""
    people = principals().filter(is_active=True).order_by("last_name", "first_name", "username")
    return people.filter(role_grants__role=role) if role else people


def meetings(principal, body: Body | None = None) -> QuerySet[Meeting]:
    queryset = Meeting.objects.select_related("body").restrict(principal, Action.VIEW)
    return queryset.filter(body=body) if body is not None else queryset


def meeting(principal, body: Body, number: int) -> Meeting:
    try:
        return meetings(principal, body).get(number=number)
    except Meeting.DoesNotExist:
        raise NotFound(gettext("no protocol No %(number)s of %(body)s") % {"number": number, "body": body}) from None


def points(principal, meeting: Meeting, action: Action = Action.VIEW) -> QuerySet[Point]:
    return (
        Point.objects.filter(meeting=meeting)
        .restrict(principal, action)
        .prefetch_related("compartments", "versions", "addressees__principal", "addressees__unit")
        .order_by("position")
    )


def point_attachments(principal, point: Point) -> QuerySet[PointAttachment]:
    return point.attachments.all().restrict(principal, Action.VIEW).prefetch_related("compartments")


def decisions_known_to(principal) -> QuerySet[Point]:
    """The points whose decision the principal may read: in the protocol, or in an extract of it.
    A cable may cite only these (so citing reveals nothing, and binds nothing one may not see)."""
    in_extracts = Document.objects.filter(kind=Document.Kind.EXTRACT).restrict(principal, Action.VIEW)
    return Point.objects.filter(
        Q(pk__in=Point.objects.restrict(principal, Action.VIEW).values("pk"))
        | Q(pk__in=Extract.objects.filter(document__in=in_extracts).values("point_id"))
    )


def points_to_cite(principal, text: str, limit: int = 10) -> list[tuple[str, str]]:
    """Up to `limit` points of signed protocols whose decision the principal knows, as a point picker suggests
    them: ('P/46/X', 'P/46/X: Politburo, protocol No 46 of 18 Feb 1977'), matching every word of 'P/46', '46 X' or
    'politburo'; the latest first (and those alone when nothing is typed). Only references, never a title: the
    decision's words are read, and audited, on its protocol or extract."""
    rows = decisions_known_to(principal).filter(meeting__signed_at__isnull=False)
    rows = words_match(
        rows, text.replace("/", " "), "meeting__body__prefix", "meeting__body__name", "meeting__number", "identifier"
    )
    rows = rows.select_related("meeting__body").order_by("-meeting__held_on", "-meeting__number", "position")
    found = []
    for point in rows[:limit]:
        meeting = point.meeting
        reference = f"{meeting.body.prefix}/{meeting.number}/{point.identifier}"
        found.append(
            (
                reference,
                gettext("%(reference)s: %(body)s, protocol No %(number)s of %(day)s")
                % {
                    "reference": reference,
                    "body": meeting.body.name,
                    "number": meeting.number,
                    "day": desk_day(meeting.held_on),
                },
            )
        )
    return found


def point_by_reference(principal, body: Body, meeting_number: int, identifier: str) -> Point:
    """The point a cable cites, if the principal knows its decision; the same NotFound otherwise."""
    try:
        return (
            decisions_known_to(principal)
            .select_related("meeting__body")
            .get(meeting__body=body, meeting__number=meeting_number, identifier=identifier.strip().upper())
        )
    except Point.DoesNotExist:
        raise NotFound(
            gettext("no point %(point)s in protocol No %(number)s of %(body)s")
            % {"point": identifier, "number": meeting_number, "body": body}
        ) from None


@dataclass(frozen=True)
class ProtocolReading:
    """A protocol as its reader may see it: the points (with the papers they carry) they may read."""

    meeting: Meeting
    points: list[tuple[Point, list[PointAttachment]]]


@transaction.atomic
def read_protocol(principal, body: Body, number: int) -> ProtocolReading:
    """The points of a protocol the principal may read; reading classified points is audited (rule 4)."""
    found = meeting(principal, body, number)
    shown = [(p, list(point_attachments(principal, p))) for p in points(principal, found, Action.VIEW)]
    classified = [p.identifier for p, _ in shown if is_classified(p)]
    if classified:
        record(principal, "protocol.read", found, {"points": classified})
    return ProtocolReading(found, shown)


def extract_numbers(principal, point: Point) -> list[str]:
    """The registration numbers of the extracts made of a point, those the principal may read."""
    documents = Document.objects.filter(extract__point=point).restrict(principal, Action.VIEW)
    return list(documents.order_by("registered_at", "id").values_list("number", flat=True))


def cited_point(principal, reference: str):
    """'P/46/X' (body name or prefix / meeting / point): the point, if the principal knows its decision."""
    body, _, rest = reference.strip().partition("/")
    meeting, _, identifier = rest.partition("/")
    if not body or not meeting.isdigit() or not identifier:
        raise InvalidInput(gettext("%(reference)r is not BODY/MEETING/POINT, e.g. P/46/X") % {"reference": reference})
    return point_by_reference(principal, body_by_name(body), int(meeting), identifier)


def bodies_kept_by(principal) -> QuerySet[Body]:
    """The bodies the principal is secretary of (organisation, not papers)."""
    return Body.objects.filter(secretary=principal).order_by("name")


def body_of(document: Document) -> Body | None:
    """The body whose paper `document` is, if any (the caller has already been allowed the paper)."""
    paper = BodyPaper.objects.select_related("body__secretary", "body__registry_unit").filter(document=document).first()
    return paper.body if paper is not None else None
