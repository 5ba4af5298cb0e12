"""Domain errors: a stable machine code, a Vietnamese message, and the HTTP status they map to.

Services raise these; views show ``message`` next to the field named by ``field``; the API
answers ``{"code": ..., "message": ..., "field": ...}`` with ``status``.
"""


class DomainError(Exception):
    status = 422
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        return body


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """The thing changed under the caller (another official acted first)."""

    status = 409
    code = "conflict"


class TooManyAttempts(DomainError):
    """Too many failed attempts at a secret; try again later (``core.attempts``)."""

    status = 429
    code = "too_many_attempts"
