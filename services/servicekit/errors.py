"""Typed domain errors, one JSON shape for HTTP, and their RPC round trip.

Every error a service raises on purpose is a DomainError subclass. Nameko
serialises exceptions over RPC; registering each class with
`deserialize_to_instance` makes the gateway receive the same typed exception,
so it maps to the right status without parsing strings.
"""
from typing import Any, Mapping

from nameko.exceptions import RemoteError, deserialize_to_instance

# One bad field's problem: {"code", "message", ...params}.
Problem = dict[str, Any]


class ConfigError(Exception):
    """A configuration or environment problem, reported as one line."""


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message, details or {})
        self.message = message
        self.details = details or {}

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


def problem(code: str, message: str, **params: Any) -> Problem:
    """One bad field: a stable `code` (what pages translate, what clients branch on), its
    parameters (`max=2000`) and an English `message` for people reading the JSON."""
    return {"code": code, "message": message, **params}


@deserialize_to_instance
class ValidationFailed(DomainError):
    """A refused input: `details.fields` names every bad field with its problem
    ({name: {code, message, ...params}}), `details.field` the first of them. Every way
    of raising one ends in that shape (it also survives the RPC round trip)."""
    status = 400
    code = "validation_failed"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        details = dict(details or {})
        fields = details.get("fields") or {details.get("field") or "body": message}
        details["fields"] = {name: _as_problem(name, item) for name, item in fields.items()}
        details.setdefault("field", next(iter(details["fields"])))
        super().__init__(message, details)

    @classmethod
    def field(cls, field: str, message: str, code: str = "invalid", **params: Any) -> "ValidationFailed":
        return cls.of({field: problem(code, message, **params)})

    @classmethod
    def of(cls, problems: Mapping[str, Problem | str]) -> "ValidationFailed":
        """One refusal naming every field of `problems` ({name: problem or English text})."""
        named = {name: _as_problem(name, item) for name, item in problems.items()}
        summary = "; ".join(f"{name}: {item['message']}" for name, item in named.items())
        return cls(summary, {"field": next(iter(named)), "fields": named})


def _as_problem(name: str, item: Any) -> Problem:
    if isinstance(item, dict):
        return item
    # Text only: an older release's or a check without a code of its own.
    return problem("invalid", str(item).removeprefix(f"{name}: "))


@deserialize_to_instance
class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


@deserialize_to_instance
class Forbidden(DomainError):
    status = 403
    code = "forbidden"


@deserialize_to_instance
class NotFound(DomainError):
    status = 404
    code = "not_found"


@deserialize_to_instance
class Conflict(DomainError):
    status = 409
    code = "conflict"


@deserialize_to_instance
class Unprocessable(DomainError):
    status = 422
    code = "unprocessable"


@deserialize_to_instance
class RateLimited(DomainError):
    status = 429
    code = "rate_limited"


@deserialize_to_instance
class Unavailable(DomainError):
    status = 503
    code = "unavailable"


# Failures of the store or broker that reach the gateway as RemoteError: the
# caller can do nothing about them but retry later, so they are a 503.
INFRASTRUCTURE_ERRORS = {
    "ServerSelectionTimeoutError",
    "AutoReconnect",
    "NetworkTimeout",
    "ConnectionFailure",
    "NotPrimaryError",
    "ExecutionTimeout",
}


def as_domain_error(exc: BaseException) -> DomainError | None:
    """Map any exception to the DomainError the HTTP layer should answer with."""
    if isinstance(exc, DomainError):
        return exc
    if isinstance(exc, RemoteError) and exc.exc_type in INFRASTRUCTURE_ERRORS:
        return Unavailable("a backing store is unavailable, please retry shortly")
    return None
