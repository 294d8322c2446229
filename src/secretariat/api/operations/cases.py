"""The cases desk's operations over HTTP: list the case files, open one, add papers to it (showing and closing one
are in api/api.py).

Each handler calls one service of cases/services.py: 404 for a case file or a paper missing or not yours, 409
for what the rules or the state refuse (a closed case, a paper in it already).
"""

from ninja import Query, Router, Status

from secretariat.api.problems import problems
from secretariat.api.schemas import CaseDetailOut, CaseDocumentsIn, CaseIn, CaseOut, Paging
from secretariat.cases import presenters, selectors, services

router = Router(tags=["cases"])


@router.get("/cases", response=list[CaseOut], operation_id="list_cases")
def list_cases(request, paging: Query[Paging]):
    """The case files you may see (registry staff), in the order they were opened."""
    return [presenters.case_json(c, []) for c in paging.of(selectors.case_files(request.auth))]


@router.post("/cases", response={201: CaseDetailOut, **problems(404, 409, 422)}, operation_id="open_case")
def open_case(request, payload: CaseIn):
    """Open a case file for one matter (registrar), with the papers named (registration numbers)."""
    case = services.open_case(request.auth, payload.title, payload.documents, number=payload.number)
    return Status(201, presenters.case_json(case, selectors.still_missing(case)))


@router.post(
    "/cases/{regno:number}/documents",
    response={200: CaseDetailOut, **problems(404, 409, 422)},
    operation_id="add_to_case",
)
def add_to_case(request, number: str, payload: CaseDocumentsIn):
    """Add papers to an open case file (registrar)."""
    case = services.add_to_case(request.auth, number, payload.documents)
    return presenters.case_json(case, selectors.still_missing(case))
