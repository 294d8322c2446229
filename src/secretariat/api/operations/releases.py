"""The releases desk's operations over HTTP."""

from ninja import Router

router = Router(tags=["releases"])
