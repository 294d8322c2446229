"""The registry desk's operations over HTTP."""

from ninja import Router

router = Router(tags=["registry"])
