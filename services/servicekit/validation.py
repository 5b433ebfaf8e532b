"""Input checks every service shares: JSON bodies against their schema (here), plain
text and contacts (plain_text.py, whose checks are imported from here as well).

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
from typing import Any

from jsonschema import Draft7Validator

from services.servicekit.errors import Problem, ValidationFailed, problem
from services.servicekit.plain_text import (
    CONTROL,
    HTML_TAG,
    MAX_EMAIL,
    MAX_PHONE,
    check_contact,
    check_email,
    check_phone,
    check_text,
    reject_markup,
    strip_control,
)

__all__ = [  # the text checks too: every domain imports its checks from here
    "CONTROL", "DEFAULT_MAX_LENGTH", "HTML_TAG", "LIMITS", "MAX_EMAIL", "MAX_JSON_DEPTH", "MAX_NUMBER",
    "MAX_PHONE", "Schema", "bounded", "check_body", "check_contact", "check_email", "check_phone",
    "check_text", "coerce_form", "field_name", "json_depth", "parse_json", "reject_markup",
    "strip_control",
]

Schema = dict[str, Any]

JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
# Bytes that are not UTF-8, kept by the "surrogateescape" decoding as U+DC80-U+DCFF.
UNDECODABLE = re.compile(r"[\udc80-\udcff]")
MAX_JSON_DEPTH = 32
# What `bounded` gives a schema that says nothing: text up to 2,000 characters,
# whole numbers a double holds exactly (and MongoDB's int64 always does).
DEFAULT_MAX_LENGTH = 2000
MAX_NUMBER = 2 ** 53 - 1


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in JSON text (strings skipped): linear, no recursion."""
    depth = deepest = 0
    for char in JSON_STRING.sub('""', text):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def parse_json(raw: bytes | bytearray | str, max_depth: int = MAX_JSON_DEPTH) -> dict[str, Any]:
    """A JSON object from bytes, or ValidationFailed naming the problem.

    The bytes are decoded as UTF-8 first, strictly: json.loads would guess
    UTF-16 or UTF-32 from bytes, and the depth measured on them would not be
    the depth it parses (a UTF-16 body measured 2 whatever it nested)."""
    try:
        text = bytes(raw).decode("utf-8") if isinstance(raw, (bytes, bytearray)) else raw
    except UnicodeDecodeError as exc:
        raise ValidationFailed.field("body", f"is not UTF-8 text (byte {exc.start}); send JSON as UTF-8",
                                     code="not_utf8") from None
    if json_depth(text) > max_depth:
        raise ValidationFailed.field("body", f"nests deeper than {max_depth} levels",
                                     code="too_deep", max=max_depth)
    try:
        body = json.loads(text or "null")
    except (ValueError, RecursionError) as exc:
        raise ValidationFailed.field("body", f"is not valid JSON: {exc}"[:300], code="not_json") from None
    if not isinstance(body, dict):
        raise ValidationFailed.field("body", "must be a JSON object", code="wrong_type", expected="object")
    return body


_BOUNDED: dict[int, tuple[Schema, Schema]] = {}


def bounded(schema: Schema) -> Schema:
    """`schema` with what every request schema must say: strings capped (DEFAULT_MAX_LENGTH
    unless they say less; files excepted), numbers within +-MAX_NUMBER, arrays of at most
    100 items, objects closed (an object that names its properties takes no others).
    A copy, made once per schema: the route's own stays as documented."""
    key = id(schema)
    if key not in _BOUNDED or _BOUNDED[key][0] is not schema:
        _BOUNDED[key] = (schema, _bound(copy.deepcopy(schema)))
    return _BOUNDED[key][1]


def _bound(schema: Any) -> Any:
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


def coerce_form(schema: Schema, fields: dict[str, list[str]]) -> tuple[dict[str, Any], dict[str, Problem]]:
    """A form's fields ({name: [text, ...]}) as `schema` types them, and the problems found.

    A form sends only text: a whole number or a number is parsed here ("1,5" too)
    or named as a problem, never dropped or passed on as text; an empty one is
    left out (not sent); an array field keeps every value, others their first."""
    schema = bounded(schema)
    properties, extra = schema.get("properties", {}), schema.get("additionalProperties")
    values: dict[str, Any] = {}
    problems: dict[str, Problem] = {}
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
            problems[name] = (problem("not_integer", "must be a whole number") if kind == "integer"
                              else problem("not_number", "must be a number"))
        else:
            values[name] = number
    return values, problems


def _number(text: str, kind: str) -> int | float | None:
    if len(text) > 20 or not text.isascii():
        return None
    if kind == "integer":
        plain = text.replace(".", "") if re.fullmatch(r"-?[0-9]{1,3}(\.[0-9]{3})+", text) else text
        return int(plain) if re.fullmatch(r"-?[0-9]+", plain) else None
    if re.fullmatch(r"-?[0-9]+([.,][0-9]+)?", text):
        return float(text.replace(",", "."))
    return None


def field_name(path: Any) -> str:
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"


LIMITS = {  # validator -> (code, parameter, English)
    "maxLength": ("too_long", "max", "at most {} characters"),
    "minLength": ("too_short", "min", "at least {} characters"),
    "maxItems": ("too_many", "max", "at most {} items"),
    "minItems": ("too_few", "min", "at least {} items"),
    "maximum": ("too_large", "max", "at most {}"),
    "minimum": ("too_small", "min", "at least {}"),
}


def _explain(error: Any) -> tuple[str, Problem]:
    """(field name, problem) of one JSON-Schema error."""
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return field_name([*error.path, missing]), problem("required", "is required")
    if error.validator == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(known))
        return field_name([*error.path, extra[0]]), problem(
            "unknown_field", f"is not a known field; known: {', '.join(known)}", known=known)
    name = field_name(error.path)
    if error.validator == "type":
        wanted = error.validator_value
        shown = " or ".join(wanted) if isinstance(wanted, list) else wanted
        return name, problem("wrong_type", f"must be {shown}", expected=wanted)
    if error.validator == "enum":
        allowed = list(error.validator_value)
        return name, problem("not_allowed", "must be one of " + ", ".join(map(str, allowed)), allowed=allowed)
    if error.validator in LIMITS:
        code, param, text = LIMITS[error.validator]
        return name, problem(code, "must be " + text.format(error.validator_value),
                             **{param: error.validator_value})
    if error.validator == "pattern":  # a schema may say it in words ("x-error") and name it ("x-code")
        return name, problem(error.schema.get("x-code") or "bad_format",
                             error.schema.get("x-error") or f"must match {error.validator_value}")
    return name, problem("invalid", error.message[:200])


def _controls(value: Any, path: list[Any], found: dict[str, Problem]) -> None:
    if isinstance(value, str):
        if UNDECODABLE.search(value):
            found.setdefault(field_name(path), problem("not_utf8", "is not valid UTF-8 text"))
        elif CONTROL.search(value):
            found.setdefault(field_name(path), problem("control_characters",
                                                       "contains control characters; send plain text"))
    elif isinstance(value, dict):
        for key, item in value.items():
            _controls(item, [*path, key], found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _controls(item, [*path, index], found)


def check_body(schema: Schema, body: Any, found: dict[str, Problem] | None = None) -> Any:
    """`body` as `bounded(schema)` describes it, or one ValidationFailed naming every bad
    field (with the `found` problems already known, e.g. a form's numbers that are not)."""
    found = dict(found or {})
    _controls(body, [], found)
    errors = Draft7Validator(bounded(schema)).iter_errors(body)
    for error in sorted(errors, key=lambda e: list(map(str, e.path))):
        name, found_problem = _explain(error)
        found.setdefault(name, found_problem)
    if found:
        raise ValidationFailed.of(found)
    return body
