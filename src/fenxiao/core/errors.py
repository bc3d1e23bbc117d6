"""Domain errors carry a stable code for clients and a Chinese message for people.

Services raise them; the API maps every one to ``{"code", "message"}`` with the status below, and
the admin shows the message as a form error. Codes never change once published."""

from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, message: str, *, status: int | None = None, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        if status is not None:
            self.status = status

    def as_dict(self) -> dict[str, str]:
        body = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        return body


class NotFound(DomainError):
    """Also used for things that exist but belong to someone else: never confirm they exist."""

    status = 404

    def __init__(self, code: str = "NOT_FOUND", message: str = "资源不存在"):
        super().__init__(code, message)


class Unauthorized(DomainError):
    status = 401


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class Throttled(DomainError):
    status = 429


class UpstreamError(DomainError):
    """A partner (WeChat) failed in a way the caller cannot fix by changing the request."""

    status = 502
