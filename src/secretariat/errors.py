"""The errors services raise. Each carries a message meant for the person who asked."""


class ServiceError(Exception):
    """A request that was refused; nothing was changed."""

    code = "refused"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """Missing or not allowed: the two must look the same (DESIGN rule 2)."""

    code = "not_found"


class InvalidInput(ServiceError):
    """The input itself is malformed or inconsistent."""

    code = "invalid"


class Refused(ServiceError):
    """Well-formed, but the rules do not allow it (a transition, a grant, a limit)."""

    code = "refused"
