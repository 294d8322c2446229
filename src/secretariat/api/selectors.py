"""Reads of API tokens, through the access rule (a holder sees their own; an admin all)."""

from django.db.models import QuerySet

from secretariat.api.models import ApiToken
from secretariat.kernel.restriction import Action


def tokens(principal) -> QuerySet[ApiToken]:
    return (
        ApiToken.objects.select_related("principal").restrict(principal, Action.REGISTER).order_by("created_at", "id")
    )
