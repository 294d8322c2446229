"""The registry desk's operations over HTTP: register a paper, add to its distribution, its versions and
attachments; record and witness a copy's destruction, report a copy lost.

Each handler calls one service of registry/services.py (names are looked up first, as the command line does);
its refusals are the service's: 404 for a paper or copy missing or not yours, 409 for what the rules or the
state refuse, 422 for input the registry finds inconsistent.
"""

import re
from pathlib import PurePosixPath

from django.core.files import File as DjangoFile
from ninja import File, Form, Query, Router, Status, UploadedFile

from secretariat.accounts.selectors import addressees_by_name
from secretariat.api.operations.account_schemas import LevelName
from secretariat.api.problems import problems
from secretariat.api.schemas import (
    AddresseesIn,
    AttachmentAddedOut,
    AttachmentIn,
    CopyOut,
    DestructionIn,
    DistributionEntryOut,
    DocumentKind,
    DocumentOut,
    FoundOut,
    IncidentOut,
    LossIn,
    Paging,
    RegisterIn,
    Text,
    VersionIn,
    VersionOut,
)
from secretariat.kernel import clock
from secretariat.kernel.classification import Level
from secretariat.kernel.restriction import Action
from secretariat.registry import presenters, selectors, services

router = Router(tags=["registry"])


@router.get("/documents", response=list[DocumentOut], operation_id="list_documents", tags=["documents"])
def list_documents(request, paging: Query[Paging], in_register: bool = Query(False, alias="register")):
    """Documents you may read, or with `register=true` those you may see in the register, in the order they
    were registered. Metadata only."""
    rows = selectors.documents(request.auth, Action.REGISTER if in_register else Action.VIEW)
    return [presenters.document_json(d) for d in paging.of(rows)]


@router.get(
    "/search", response={200: list[FoundOut], **problems(422)}, operation_id="search_documents", tags=["documents"]
)
def search_documents(
    request,
    paging: Query[Paging],
    q: Text,
    kind: DocumentKind | None = None,
    level: LevelName | None = None,
):
    """Papers you may read holding every word of `q` (each in any of its forms; "a phrase" in quotes), best match
    first, each with the passage its words stand in.
    A classified paper's passage is an audited read, as reading the paper is."""
    found = selectors.papers_found(request.auth, q, kind=kind or "", level=Level.parse(level) if level else None)
    shown = selectors.passages(request.auth, paging.of(selectors.ranked_papers(found, q)), q)
    return [presenters.passage_json(p) for p in shown]


@router.post(
    "/documents",
    response={201: DocumentOut, **problems(409, 422)},
    operation_id="register_document",
    tags=["documents"],
)
def register_document(request, payload: RegisterIn):
    """Register a paper by hand (registrar): its number given, or the next of its series."""
    document = services.register_document(request.auth, **payload.registration())
    return Status(201, presenters.document_json(document))


@router.post(
    "/documents/{regno:number}/distribution",
    response={201: list[DistributionEntryOut], **problems(404, 409, 422)},
    operation_id="add_to_distribution",
    tags=["documents"],
)
def add_to_distribution(request, number: str, payload: AddresseesIn):
    """Put addressees on a paper's distribution (registrar), in the order given; all or none."""
    entries = services.add_to_distribution(request.auth, number, addressees_by_name(payload.addressees))
    return Status(
        201,
        [{"document": number, "position": e.position, "addressee": presenters.addressee_name(e)} for e in entries],
    )


@router.post(
    "/documents/{regno:number}/versions",
    response={201: VersionOut, **problems(404, 409, 422)},
    operation_id="add_version",
    tags=["documents"],
)
def add_version(request, number: str, payload: VersionIn):
    """A new text of a paper (registrar): its next version; the old ones are kept."""
    version = services.add_version(request.auth, number, payload.text, payload.note)
    return Status(
        201,
        {
            "document": number,
            "version": version.number,
            "note": version.note,
            "created_at": version.created_at.isoformat(),
            "created_by": version.created_by.username,
        },
    )


# What of an uploaded file's name is kept: a name a file system takes anywhere (as Django's storage cleans it).
_NAME_CHAR = re.compile(r"[^-\w.]", re.ASCII)


def _stored_name(name: str | None) -> str:
    """An uploaded file's name, cleaned: its last part, letters, digits, '.', '-' and '_', at most 60 characters
    (its extension kept); 'attachment' when nothing is left."""
    name = _NAME_CHAR.sub("", PurePosixPath((name or "").replace("\\", "/")).name.replace(" ", "_")).strip(".")
    if not name:
        return "attachment"
    stem, dot, extension = name.rpartition(".")
    if dot and stem and len(extension) <= 10:
        return f"{stem[: 59 - len(extension)]}.{extension}"
    return name[:60]


@router.post(
    "/documents/{regno:number}/attachments",
    response={201: AttachmentAddedOut, **problems(404, 409, 422)},
    operation_id="add_attachment",
    tags=["documents"],
)
def add_attachment(request, number: str, payload: Form[AttachmentIn], file: File[UploadedFile] = None):
    """Attach a part with its own marking, at most its cover's (registrar): its text, and a file if sent
    (multipart/form-data; the registry's limit on a file's size is SECRETARIAT_MAX_ATTACHMENT_BYTES)."""
    upload = DjangoFile(file, name=_stored_name(file.name)) if file is not None else None
    attachment = services.add_attachment(
        request.auth,
        number,
        title=payload.title,
        classification=payload.classification,
        text=payload.text,
        file=upload,
        page_count=payload.page_count,
    )
    return Status(
        201,
        {
            "document": number,
            "position": attachment.position,
            "title": attachment.title,
            "classification": str(attachment.classification),
            "page_count": attachment.page_count,
            "file": PurePosixPath(attachment.file.name).name if attachment.file else None,
            "size": attachment.file.size if attachment.file else None,
        },
    )


@router.post(
    "/documents/{regno:number}/copies/{int:copy_number}/destruction",
    response={200: CopyOut, **problems(404, 409, 422)},
    operation_id="record_destruction",
    tags=["copies"],
    by_alias=True,
)
def record_destruction(request, number: str, copy_number: int, payload: DestructionIn):
    """The first of two people (the holder or a registrar) records that a copy is being destroyed, and how;
    it is destroyed once a second person witnesses it."""
    copy = services.record_destruction(request.auth, number, copy_number, payload.certificate)
    return presenters.copy_json(copy, clock.now())


@router.post(
    "/documents/{regno:number}/copies/{int:copy_number}/destruction/witness",
    response={200: CopyOut, **problems(404, 409)},
    operation_id="witness_destruction",
    tags=["copies"],
    by_alias=True,
)
def witness_destruction(request, number: str, copy_number: int):
    """The second person (the holder or a registrar, not the one who recorded it) witnesses the destruction:
    the copy is destroyed."""
    copy = services.witness_destruction(request.auth, number, copy_number)
    return presenters.copy_json(copy, clock.now())


@router.post(
    "/documents/{regno:number}/copies/{int:copy_number}/loss",
    response={201: IncidentOut, **problems(404, 409, 422)},
    operation_id="report_loss",
    tags=["copies"],
    by_alias=True,
)
def report_loss(request, number: str, copy_number: int, payload: LossIn):
    """Report a copy lost (its holder or a registrar): an incident, and the copy is lost from now on."""
    incident = services.report_loss(request.auth, number, copy_number, payload.circumstances)
    return Status(
        201,
        {
            "id": incident.pk,
            "kind": incident.kind,
            "reported_at": incident.reported_at.isoformat(),
            "reported_by": incident.reported_by.username,
            "circumstances": incident.circumstances,
            "copy": presenters.copy_json(incident.copy, clock.now()),
        },
    )
