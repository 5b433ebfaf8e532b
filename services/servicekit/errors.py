"""Typed domain errors, one JSON shape for HTTP, and their RPC round trip.

Every error a service raises on purpose is a DomainError subclass. Nameko
serialises exceptions over RPC; registering each class with
`deserialize_to_instance` makes the gateway receive the same typed exception,
so it maps to the right status without parsing strings.
"""
from nameko.exceptions import RemoteError, deserialize_to_instance


class ConfigError(Exception):
    """A configuration or environment problem, reported as one line."""


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message, details=None):
        super().__init__(message, details or {})
        self.message = message
        self.details = details or {}

    def to_dict(self):
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


@deserialize_to_instance
class ValidationFailed(DomainError):
    status = 400
    code = "validation_failed"

    @classmethod
    def field(cls, field, message):
        return cls(f"{field}: {message}", {"field": field})


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


def as_domain_error(exc):
    """Map any exception to the DomainError the HTTP layer should answer with."""
    if isinstance(exc, DomainError):
        return exc
    if isinstance(exc, RemoteError) and exc.exc_type in INFRASTRUCTURE_ERRORS:
        return Unavailable("a backing store is unavailable, please retry shortly")
    return None
