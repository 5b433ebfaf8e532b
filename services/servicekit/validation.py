"""Input checks every service shares: JSON bodies against their schema, text, contacts.

Hostile input is refused cheaply and all at once: a body is decoded strictly
as UTF-8 (never "replaced"), the JSON's depth is measured on that text before
it is parsed (a 1,000-level nesting would otherwise blow the parser's
recursion), every string is checked for control characters, and lengths are
capped before any pattern runs, so no check costs more than a linear pass over
a bounded string. `bounded(schema)` is what a body is checked by: the route's
schema with a length cap on every string, a bound on every number and every
object closed, whatever the schema forgot.
"""
import copy
import json
import re

from jsonschema import Draft7Validator

from services.servicekit.errors import ValidationFailed

HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
# C0/C1 controls (tab, newline and carriage return allowed), lone surrogates and
# non-characters: all illegal in XML 1.0 (Open311 XML, feeds) or unencodable.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
# Bytes that are not UTF-8, kept by the "surrogateescape" decoding as U+DC80-U+DCFF.
UNDECODABLE = re.compile(r"[\udc80-\udcff]")
MAX_JSON_DEPTH = 32
# What `bounded` gives a schema that says nothing: text up to 2,000 characters,
# whole numbers a double holds exactly (and MongoDB's int64 always does).
DEFAULT_MAX_LENGTH = 2000
MAX_NUMBER = 2 ** 53 - 1
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


def json_depth(text):
    """How deeply arrays and objects nest in JSON text (strings skipped): linear, no recursion."""
    depth = deepest = 0
    for char in JSON_STRING.sub('""', text):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def parse_json(raw, max_depth=MAX_JSON_DEPTH):
    """A JSON object from bytes, or ValidationFailed naming the problem.

    The bytes are decoded as UTF-8 first, strictly: json.loads would guess
    UTF-16 or UTF-32 from bytes, and the depth measured on them would not be
    the depth it parses (a UTF-16 body measured 2 whatever it nested)."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, (bytes, bytearray)) else raw
    except UnicodeDecodeError as exc:
        raise ValidationFailed(f"body is not UTF-8 text (byte {exc.start}); send JSON as UTF-8",
                               {"field": "body"}) from None
    if json_depth(text) > max_depth:
        raise ValidationFailed(f"body nests deeper than {max_depth} levels", {"field": "body"})
    try:
        body = json.loads(text or "null")
    except (ValueError, RecursionError) as exc:
        raise ValidationFailed(f"body is not valid JSON: {exc}"[:300], {"field": "body"}) from None
    if not isinstance(body, dict):
        raise ValidationFailed("body must be a JSON object", {"field": "body"})
    return body


_BOUNDED = {}


def bounded(schema):
    """`schema` with what every request schema must say: strings capped (DEFAULT_MAX_LENGTH
    unless they say less; files excepted), numbers within +-MAX_NUMBER, arrays of at most
    100 items, objects closed (an object that names its properties takes no others).
    A copy, made once per schema: the route's own stays as documented."""
    key = id(schema)
    if key not in _BOUNDED or _BOUNDED[key][0] is not schema:
        _BOUNDED[key] = (schema, _bound(copy.deepcopy(schema)))
    return _BOUNDED[key][1]


def _bound(schema):
    if not isinstance(schema, dict):
        return schema
    kinds = schema.get("type")
    kinds = set(kinds) if isinstance(kinds, list) else {kinds}
    if "string" in kinds and schema.get("format") != "binary":
        schema.setdefault("maxLength", DEFAULT_MAX_LENGTH)
    if kinds & {"integer", "number"}:
        schema.setdefault("maximum", MAX_NUMBER)
        schema.setdefault("minimum", -MAX_NUMBER)
    if "array" in kinds:
        schema.setdefault("maxItems", 100)
        _bound(schema.get("items"))
    if "properties" in schema or "object" in kinds:
        schema.setdefault("additionalProperties", False)
        for item in schema.get("properties", {}).values():
            _bound(item)
        _bound(schema["additionalProperties"])
    return schema


def coerce_form(schema, fields):
    """A form's fields ({name: [text, ...]}) as `schema` types them, and the problems found.

    A form sends only text: a whole number or a number is parsed here ("1,5" too)
    or named as a problem, never dropped or passed on as text; an empty one is
    left out (not sent); an array field keeps every value, others their first."""
    schema = bounded(schema)
    properties, extra = schema.get("properties", {}), schema.get("additionalProperties")
    values, problems = {}, {}
    for name, sent in fields.items():
        wanted = properties.get(name) or (extra if isinstance(extra, dict) else {})
        kind = wanted.get("type")
        if kind == "array":
            values[name] = list(sent)
            continue
        text = sent[0]
        if kind not in ("integer", "number"):
            values[name] = text
            continue
        text = text.strip().replace(" ", "")
        if not text:
            continue
        number = _number(text, kind)
        if number is None:
            problems[name] = "must be a whole number" if kind == "integer" else "must be a number"
        else:
            values[name] = number
    return values, problems


def _number(text, kind):
    if len(text) > 20 or not text.isascii():
        return None
    if kind == "integer":
        plain = text.replace(".", "") if re.fullmatch(r"-?[0-9]{1,3}(\.[0-9]{3})+", text) else text
        return int(plain) if re.fullmatch(r"-?[0-9]+", plain) else None
    if re.fullmatch(r"-?[0-9]+([.,][0-9]+)?", text):
        return float(text.replace(",", "."))
    return None


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
        if UNDECODABLE.search(value):
            found.setdefault(field_name(path), "is not valid UTF-8 text")
        elif CONTROL.search(value):
            found.setdefault(field_name(path), "contains control characters; send plain text")
    elif isinstance(value, dict):
        for key, item in value.items():
            _controls(item, [*path, key], found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _controls(item, [*path, index], found)


def check_body(schema, body, found=None):
    """`body` as `bounded(schema)` describes it, or one ValidationFailed naming every bad
    field (with the `found` problems already known, e.g. a form's numbers that are not)."""
    found = dict(found or {})
    _controls(body, [], found)
    errors = Draft7Validator(bounded(schema)).iter_errors(body)
    for error in sorted(errors, key=lambda e: list(map(str, e.path))):
        name, message = _explain(error)
        found.setdefault(name, message)
    if found:
        first = next(iter(found))
        summary = "; ".join(f"{name}: {message}" for name, message in found.items())
        raise ValidationFailed(summary, {"field": first, "fields": found})
    return body
