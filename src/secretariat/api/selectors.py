"""Reads of API tokens, through the access rule (a holder sees their own; an admin all)."""

from django.db.models import QuerySet

from secretariat.access import Action, restrict
from secretariat.api.models import ApiToken


def tokens(principal) -> QuerySet[ApiToken]:
    return restrict(ApiToken.objects.select_related("principal"), principal, Action.REGISTER).order_by(
        "created_at", "id"
    )
