"""The archive's standard exports, public like the reading room: EAD3 and EAD 2002 finding aids
and Dublin Core per fonds, Dublin Core per item, and the OAI-PMH 2.0 endpoint.

The exporters are given the public records of `archive.selectors` and nothing else, so what
they write is what the reading room shows: published items, redactions as marked blanks.
"""

from collections.abc import Iterator

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.crypto import salted_hmac
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from secretariat.archive import records, selectors
from secretariat.archive.export import Summary, dublin_core, ead3, ead2002, items_of, oai
from secretariat.kernel import clock
from secretariat.kernel.desks import public

XML = "application/xml; charset=utf-8"
export_page = public("archive/reading_room/not_found.html")


STREAM_FROM = 500  # published items in a fonds from which its documents are streamed, not sent whole


def _xml(content: bytes, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(content, content_type=XML)
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _document(fonds: Summary, chunks: Iterator[bytes], filename: str) -> HttpResponse | StreamingHttpResponse:
    """A fonds's document: a large fonds streamed as it is written (bounded memory), a small one whole."""
    if fonds.published_count < STREAM_FROM:
        return _xml(b"".join(chunks), filename)
    response = StreamingHttpResponse(chunks, content_type=XML)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _fonds(repository: str, fond: str) -> tuple[records.Repository, Summary]:
    found = selectors.public_fonds_summary(selectors.fonds(repository, fond))
    return selectors.public_repository(selectors.repository(repository)), found


@export_page
def ead3_view(request, repository: str, fond: str):
    archive, fonds = _fonds(repository, fond)
    chunks = ead3.fonds_stream(archive, fonds, created=fonds.last_published_at)
    return _document(fonds, chunks, f"{archive.code}-f{fond}-ead3.xml")


@export_page
def ead2002_view(request, repository: str, fond: str):
    archive, fonds = _fonds(repository, fond)
    chunks = ead2002.fonds_stream(archive, fonds, created=fonds.last_published_at)
    return _document(fonds, chunks, f"{archive.code}-f{fond}-ead.xml")


@export_page
def dublin_core_view(request, repository: str, fond: str):
    archive, fonds = _fonds(repository, fond)
    return _document(fonds, dublin_core.document_stream(items_of(fonds)), f"{archive.code}-f{fond}-dc.xml")


@export_page
def item_dublin_core(request, identifier: str):
    return _xml(dublin_core.document([selectors.public_item(identifier)]), f"{identifier}-dc.xml")


@csrf_exempt  # OAI-PMH harvesters may POST their arguments (a read: nothing changes)
@require_http_methods(["GET", "HEAD", "POST"])
def oai_view(request):
    params = request.POST if request.method == "POST" else request.GET
    source = selectors.PublishedSource([settings.DEFAULT_FROM_EMAIL])
    body = oai.respond(
        {key: params.getlist(key) for key in params},
        source,
        base_url=request.build_absolute_uri(request.path),
        now=clock.now(),
        secret=salted_hmac("secretariat.archive.oai", "resumption").digest(),
    )
    return HttpResponse(body, content_type="text/xml; charset=utf-8")
