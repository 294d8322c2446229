"""What every page request must be before any view reads it: no NUL character in its address or
query, which name what is looked up, so no lookup ever hands one to the database (PostgreSQL
refuses NUL in text outright; on SQLite it would simply find nothing). A form's fields are the
form's to refuse, next to the field (kernel/texts.py for what is saved; the lookups a form makes,
by username, refuse NUL themselves)."""

from django.http import HttpResponse


def _holds_nul(request) -> str | None:
    if "\x00" in request.path:
        return "the address"
    if any("\x00" in key or any("\x00" in value for value in request.GET.getlist(key)) for key in request.GET):
        return "the query"
    return None


def refuse_nul(get_response):
    """Middleware: a page request whose address or query holds NUL is a 400 that says where, before
    any view or session.

    Not under /api/: the API's document forbids NUL in every parameter it takes, and refuses one
    with its own documented problem (a 422 naming the parameter; an address holding one names no
    operation, a 404)."""

    def middleware(request):
        where = None if request.path.startswith("/api/") else _holds_nul(request)
        if where is None:
            return get_response(request)
        detail = f"{where} holds a NUL character (\\x00), which no text may hold; nothing was read or changed"
        return HttpResponse(f"Bad request: {detail}.\n", status=400, content_type="text/plain; charset=utf-8")

    return middleware
