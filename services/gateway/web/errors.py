"""The one error mapper of the gateway: every exception a route raises (or an RPC brings
back) becomes the kit's typed error here, and that error is answered in the caller's
language: the JSON shape for the APIs and feeds, an Indonesian HTML page for citizens,
an Indonesian notice for officers in the console.

Refused fields are translated by their stable code (`details.fields.<name>.code`) from
messages_id.yaml (web/messages.py), never by reading the English message.
"""
import logging
from typing import Callable, Mapping, Optional, Union

from werkzeug.exceptions import HTTPException

from services.gateway.web.messages import message
from services.servicekit.contracts.aspirasi import STATE_LABELS
from services.servicekit.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    RateLimited,
    ValidationFailed,
    as_domain_error,
)

log = logging.getLogger("services.gateway.web")
REGION_UNKNOWN = "Kode wilayah itu tidak dikenal. Pilih wilayah dari daftar."
# What an officer reads when the console refuses an action on a {thing} ("tiket").
STALE_VERSION = ("{Thing} ini baru saja diubah oleh petugas lain, jadi perubahan Anda tidak disimpan. "
                 "Periksa keadaan terbarunya di bawah, lalu ulangi bila masih perlu.")
NOT_NOW = ("Aksi itu tidak dapat dilakukan: {thing} sekarang berstatus \u201c{state}\u201d. "
           "Muat ulang halaman.")
NOT_YOURS = "Anda tidak berwenang melakukan aksi itu pada {thing} ini."


class CitizenError(NotFound):
    """A 404 whose message is written for citizens (in Indonesian)."""


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class MethodNotAllowed(DomainError):
    status = 405
    code = "method_not_allowed"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


class InternalError(DomainError):
    status = 500
    code = "internal_error"


class HttpProblem(DomainError):
    """werkzeug's own refusals (a malformed request line, a bad Range) in the one shape."""

    def __init__(self, exc: HTTPException):
        super().__init__(exc.description)
        self.status = exc.code or 400
        self.code = (exc.name or "bad_request").lower().replace(" ", "_")


def error_of(exc: BaseException, where: str) -> DomainError:
    """The typed error of any exception: a DomainError as it is (also one back over RPC),
    a werkzeug HTTPException by its status, anything else a logged 500 (no traceback shown)."""
    error = as_domain_error(exc)
    if error is not None:
        return error
    if isinstance(exc, HTTPException):
        return HttpProblem(exc)
    log.error("unexpected error in %s", where, exc_info=exc)
    return InternalError("something went wrong on our side")


def headers_of(error: DomainError) -> dict[str, str]:
    """The headers a refusal carries whatever the language: Retry-After, Allow."""
    headers = {}
    if isinstance(error, RateLimited):
        headers["Retry-After"] = str(error.details.get("retry_after", 60))
    if isinstance(error, MethodNotAllowed):
        headers["Allow"] = ", ".join(error.details.get("allowed", []))
    return headers


def page_text(error: DomainError) -> Optional[str]:
    """What a citizen's error page says for `error` (None: the status's own text)."""
    if isinstance(error, RateLimited):
        retry = error.details.get("retry_after", 60)
        return f"Anda sudah mengirim banyak laporan. Coba lagi dalam {retry} detik."
    if isinstance(error, CitizenError):
        return error.message
    if error.details.get("field") == "region":
        return REGION_UNKNOWN
    if error.details.get("code") == "module_not_offered":  # regions/modules.py
        return message(error.details)
    return None


def field_texts(error: DomainError, shown: Union[Mapping[str, str], Callable[[str], str], None] = None,
                ) -> dict[str, str]:
    """{form field: Indonesian text} of every refused field, by code; `shown` maps a
    refusal's field name (e.g. "reporter.nik") to the form field that shows it ("nik")."""
    texts: dict[str, str] = {}
    for name, found in (error.details.get("fields") or {}).items():
        field = shown(name) if callable(shown) else (shown or {}).get(name, name)
        texts.setdefault(field, message(found))  # a form field shows its first refusal
    return texts


def notice_text(error: DomainError, thing: str, field_labels: Optional[Mapping[str, str]] = None) -> str:
    """The one line an officer reads when the console refuses an action on a `thing`."""
    words = {"thing": thing, "Thing": thing.capitalize()}
    if isinstance(error, Conflict) and error.details.get("field") == "version":
        return STALE_VERSION.format(**words)
    if isinstance(error, Conflict) and "status" in error.details:
        state = error.details["status"]
        return NOT_NOW.format(state=STATE_LABELS.get(state, state), **words)
    if isinstance(error, Forbidden):
        return NOT_YOURS.format(**words)
    if isinstance(error, ValidationFailed) and error.details.get("fields"):
        labels = field_labels or {}
        return " ".join(f"{labels.get(name, name)}: {text}" for name, text in field_texts(error).items())
    return message({"code": "invalid"})
