"""Input checks every service shares: JSON bodies against their schema, text, contacts.

Hostile input is refused cheaply and all at once: the JSON's size and depth
are checked before it is parsed (a 1,000-level nesting would otherwise blow
the parser's recursion), every string is checked for control characters, and
lengths are capped before any pattern runs, so no check costs more than a
linear pass over a bounded string.
"""
import json
import re

from jsonschema import Draft7Validator

from services.servicekit.errors import ValidationFailed

HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
# C0/C1 controls (tab, newline and carriage return allowed), lone surrogates and
# non-characters: all illegal in XML 1.0 (Open311 XML, feeds) or unencodable.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
MAX_JSON_DEPTH = 32
MAX_EMAIL = 254
MAX_PHONE = 20
PHONE = re.compile(r"^\+?[0-9][0-9 -]{7,15}$")
DOMAIN_LABEL = re.compile(r"^[A-Za-z0-9-]{1,63}$")


def strip_control(text):
    """Text pasted from elsewhere (feeds, word processors) without its control characters."""
    return CONTROL.sub("", text)


def check_text(value, name):
    if CONTROL.search(value):
        raise ValidationFailed.field(name, "contains control characters; send plain text")
    return value


def reject_markup(data, field, required=True, max_length=200, prefix=""):
    """`data[field]` stripped, or None; raises naming `prefix + field`.

    Citizens' and employers' free text is plain text: markup is refused, not
    silently removed, so what they see later is exactly what they sent.
    """
    name = prefix + field
    value = data.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationFailed.field(name, "is required")
        return None
    if not isinstance(value, str):
        raise ValidationFailed.field(name, "must be text")
    value = value.strip()
    if len(value) > max_length:
        raise ValidationFailed.field(name, f"is {len(value)} characters; at most {max_length} allowed")
    check_text(value, name)
    if HTML_TAG.search(value):
        raise ValidationFailed.field(name, "must be plain text without HTML tags")
    return value


def check_phone(value, name):
    if not isinstance(value, str) or len(value) > MAX_PHONE or not PHONE.match(value.strip()):
        raise ValidationFailed.field(name, "must be a phone number like 0812 3456 7890")
    return value.strip()


def check_email(value, name):
    """An address of the usual shape, checked in linear time (length first)."""
    if not isinstance(value, str) or len(value.strip()) > MAX_EMAIL:
        raise ValidationFailed.field(name, f"must be an e-mail address of at most {MAX_EMAIL} characters")
    local, at, domain = value.strip().rpartition("@")
    if not at or not local or len(local) > 64 or "@" in local or any(c.isspace() for c in local) \
            or CONTROL.search(local) or not _is_domain(domain):
        raise ValidationFailed.field(name, "must be an e-mail address like nama@contoh.go.id")
    return value.strip()


def _is_domain(name):
    labels = name.split(".")
    return len(labels) > 1 and all(DOMAIN_LABEL.match(label) and not label.startswith("-")
                                   and not label.endswith("-") for label in labels)


def check_contact(contact, prefix):
    """{phone?, email?} of a reporter, seeker or employer, cleaned; one of them required."""
    result = {}
    if contact.get("phone") is not None:
        result["phone"] = check_phone(contact["phone"], prefix + "phone")
    if contact.get("email") is not None:
        result["email"] = check_email(contact["email"], prefix + "email")
    return result


def json_depth(raw):
    """How deeply arrays and objects nest in JSON bytes (strings skipped): linear, no recursion."""
    depth = deepest = 0
    for char in JSON_STRING.sub(b'""', raw):
        if char in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in b"]}":
            depth -= 1
    return deepest


def parse_json(raw, max_depth=MAX_JSON_DEPTH):
    """A JSON object from bytes, or ValidationFailed naming the problem."""
    if json_depth(raw) > max_depth:
        raise ValidationFailed(f"body nests deeper than {max_depth} levels", {"field": "body"})
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"body is not valid JSON: {exc}", {"field": "body"}) from None
    if not isinstance(body, dict):
        raise ValidationFailed("body must be a JSON object", {"field": "body"})
    return body


def field_name(path):
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"


def _explain(error):
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return field_name([*error.path, missing]), "is required"
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        return field_name([*error.path, extra[0]]), f"is not a known field; known: {allowed}"
    if error.validator == "type":
        wanted = error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        return field_name(error.path), f"must be {wanted}"
    if error.validator == "enum":
        return field_name(error.path), "must be one of " + ", ".join(map(str, error.validator_value))
    if error.validator in ("maxLength", "minLength", "maxItems", "minItems", "maximum", "minimum"):
        limit = {"maxLength": "at most {} characters", "minLength": "at least {} characters",
                 "maxItems": "at most {} items", "minItems": "at least {} items",
                 "maximum": "at most {}", "minimum": "at least {}"}[error.validator]
        return field_name(error.path), "must be " + limit.format(error.validator_value)
    if error.validator == "pattern":  # a schema may say it in words: "x-error"
        return field_name(error.path), error.schema.get("x-error") or f"must match {error.validator_value}"
    return field_name(error.path), error.message[:200]


def _controls(value, path, found):
    if isinstance(value, str):
        if CONTROL.search(value):
            found.setdefault(field_name(path), "contains control characters; send plain text")
    elif isinstance(value, dict):
        for key, item in value.items():
            _controls(item, [*path, key], found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _controls(item, [*path, index], found)


def check_body(schema, body):
    """`body` as `schema` describes it, or one ValidationFailed naming every bad field."""
    found = {}
    _controls(body, [], found)
    for error in sorted(Draft7Validator(schema).iter_errors(body), key=lambda e: list(map(str, e.path))):
        name, message = _explain(error)
        found.setdefault(name, message)
    if found:
        first = next(iter(found))
        summary = "; ".join(f"{name}: {message}" for name, message in found.items())
        raise ValidationFailed(summary, {"field": first, "fields": found})
    return body
