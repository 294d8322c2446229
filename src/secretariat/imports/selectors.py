"""Reading import batches: a person sees the batches they queued, and no one else's (404 for the rest)."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from secretariat.accounts.models import Principal
from secretariat.imports.models import ImportBatch
from secretariat.kernel.errors import NotFound


def batches_of(principal: Principal) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(by=principal).defer("refused", "options")


def batch(principal: Principal, batch_id: int) -> ImportBatch:
    found = ImportBatch.objects.filter(pk=batch_id, by=principal).select_related("by").first()
    if found is None:
        raise NotFound(_("no import %(id)s of yours") % {"id": batch_id})
    return found
