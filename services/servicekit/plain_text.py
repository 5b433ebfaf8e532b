"""Plain text and contacts: what a citizen, a seeker or an employer types.

Free text is plain text: markup is refused, not silently removed, so what they
see later is exactly what they sent; control characters are refused (pasted
text from feeds loses them instead). Lengths are checked before any pattern
runs, so every check is a linear pass over a bounded string.
"""
import re
from typing import Any

from services.servicekit.errors import ValidationFailed

HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
# C0/C1 controls (tab, newline and carriage return allowed), lone surrogates and
# non-characters: all illegal in XML 1.0 (Open311 XML, feeds) or unencodable.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
MAX_EMAIL = 254
MAX_PHONE = 20
PHONE = re.compile(r"^\+?[0-9][0-9 -]{7,15}$")
DOMAIN_LABEL = re.compile(r"^[A-Za-z0-9-]{1,63}$")


def strip_control(text: str) -> str:
    """Text pasted from elsewhere (feeds, word processors) without its control characters."""
    return CONTROL.sub("", text)


def check_text(value: str, name: str) -> str:
    if CONTROL.search(value):
        raise ValidationFailed.field(name, "contains control characters; send plain text",
                                     code="control_characters")
    return value


def reject_markup(data: dict[str, Any], field: str, required: bool = True, max_length: int = 200,
                  prefix: str = "") -> str | None:
    """`data[field]` stripped, or None; raises naming `prefix + field`.

    Citizens' and employers' free text is plain text: markup is refused, not
    silently removed, so what they see later is exactly what they sent.
    """
    name = prefix + field
    value = data.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationFailed.field(name, "is required", code="required")
        return None
    if not isinstance(value, str):
        raise ValidationFailed.field(name, "must be text", code="wrong_type", expected="string")
    value = value.strip()
    if len(value) > max_length:
        raise ValidationFailed.field(name, f"is {len(value)} characters; at most {max_length} allowed",
                                     code="too_long", max=max_length, length=len(value))
    check_text(value, name)
    if HTML_TAG.search(value):
        raise ValidationFailed.field(name, "must be plain text without HTML tags", code="markup")
    return value


def check_phone(value: Any, name: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_PHONE or not PHONE.match(value.strip()):
        raise ValidationFailed.field(name, "must be a phone number like 0812 3456 7890", code="bad_phone")
    return value.strip()


def check_email(value: Any, name: str) -> str:
    """An address of the usual shape, checked in linear time (length first)."""
    if not isinstance(value, str) or len(value.strip()) > MAX_EMAIL:
        raise ValidationFailed.field(name, f"must be an e-mail address of at most {MAX_EMAIL} characters",
                                     code="bad_email", max=MAX_EMAIL)
    local, at, domain = value.strip().rpartition("@")
    if not at or not local or len(local) > 64 or "@" in local or any(c.isspace() for c in local) \
            or CONTROL.search(local) or not _is_domain(domain):
        raise ValidationFailed.field(name, "must be an e-mail address like nama@contoh.go.id",
                                     code="bad_email")
    return value.strip()


def _is_domain(name: str) -> bool:
    labels = name.split(".")
    return len(labels) > 1 and all(DOMAIN_LABEL.match(label) and not label.startswith("-")
                                   and not label.endswith("-") for label in labels)


def check_contact(contact: dict[str, Any], prefix: str) -> dict[str, str]:
    """{phone?, email?} of a reporter, seeker or employer, cleaned; one of them required."""
    result = {}
    if contact.get("phone") is not None:
        result["phone"] = check_phone(contact["phone"], prefix + "phone")
    if contact.get("email") is not None:
        result["email"] = check_email(contact["email"], prefix + "email")
    return result
