"""The kit's input checks: schema errors all at once, JSON depth, text, contacts, queries."""
import time

import pytest

from services.servicekit.described import check_query
from services.servicekit.errors import ValidationFailed
from services.servicekit.validation import (
    DEFAULT_MAX_LENGTH,
    MAX_NUMBER,
    bounded,
    check_body,
    check_contact,
    coerce_form,
    json_depth,
    parse_json,
    reject_markup,
    strip_control,
)

SCHEMA = {"type": "object", "additionalProperties": False, "required": ["name"], "properties": {
    "name": {"type": "string", "maxLength": 5}, "age": {"type": "integer"},
    "tags": {"type": "array", "items": {"type": "string"}},
    "where": {"type": "object", "properties": {"lat": {"type": "number"}}}}}


def refused(fn, *args):
    with pytest.raises(ValidationFailed) as caught:
        fn(*args)
    return {name: found["message"] for name, found in caught.value.details["fields"].items()}


def codes(fn, *args):
    with pytest.raises(ValidationFailed) as caught:
        fn(*args)
    return {name: {k: v for k, v in found.items() if k != "message"}
            for name, found in caught.value.details["fields"].items()}


def test_every_bad_field_is_named_in_one_error():
    assert refused(check_body, SCHEMA, {"age": "3", "tags": ["a", 1], "where": {"lat": "x"},
                                        "extra": True, "note": "a\x00b"}) == {
        "name": "is required", "age": "must be integer", "tags[1]": "must be string",
        "where.lat": "must be number", "extra": "is not a known field; known: age, name, tags, where",
        "note": "contains control characters; send plain text"}
    assert refused(check_body, SCHEMA, {"name": "panjang", "age": True}) == {
        "name": "must be at most 5 characters", "age": "must be integer"}  # no bool for an int
    assert check_body(SCHEMA, {"name": "Rudi", "age": 3}) == {"name": "Rudi", "age": 3}


def test_every_bad_field_carries_a_stable_code_and_its_parameters():
    # what pages translate and clients branch on: written out here, not derived from the checker
    assert codes(check_body, SCHEMA, {"name": "panjang", "age": True, "tags": ["a"] * 101,
                                      "where": {"lat": "x"}, "extra": 1, "note": "\x1b"}) == {
        "name": {"code": "too_long", "max": 5}, "age": {"code": "wrong_type", "expected": "integer"},
        "tags": {"code": "too_many", "max": 100}, "where.lat": {"code": "wrong_type", "expected": "number"},
        "extra": {"code": "unknown_field", "known": ["age", "name", "tags", "where"]},
        "note": {"code": "control_characters"}}
    assert codes(check_body, SCHEMA, {}) == {"name": {"code": "required"}}
    assert codes(parse_json, b"[1]") == {"body": {"code": "wrong_type", "expected": "object"}}
    assert codes(parse_json, b"\xff") == {"body": {"code": "not_utf8"}}


def test_a_refusal_keeps_its_shape_over_rpc_and_from_text_only_checks():
    # nameko rebuilds a remote exception from its args: the shape must survive that
    sent = ValidationFailed.field("price", "is not plausible", code="implausible", max=100)
    again = ValidationFailed(*sent.args)
    assert again.details == sent.details == {"field": "price", "fields": {
        "price": {"code": "implausible", "message": "is not plausible", "max": 100}}}
    assert ValidationFailed("body must be an object").details["fields"] == {
        "body": {"code": "invalid", "message": "body must be an object"}}


def test_json_depth_is_measured_without_recursion_and_ignores_brackets_in_strings():
    assert json_depth('{"a": "[[[[{{{{", "b": [[1]]}') == 3
    assert json_depth("[" * 100_000) == 100_000
    deep = b'{"a":' * 33 + b"1" + b"}" * 33
    assert refused(parse_json, deep) == {"body": "nests deeper than 32 levels"}
    assert parse_json(b'{"a":' * 31 + b"1" + b"}" * 31)
    assert refused(parse_json, b"[1, 2]") == {"body": "must be a JSON object"}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_a_body_that_is_not_utf8_is_refused_before_its_depth_is_measured(encoding):
    # json.loads(bytes) guesses UTF-16/32, while the depth was counted on the raw bytes: an
    # escaped quote (backslash, NUL, quote) put the string matching out of step, the brackets
    # after it were "inside a string", so this measured depth 1 and parsing it ended in an
    # uncaught RecursionError
    levels = 100_000
    deep = ('["\\"",' + "[" * levels + "1" + "]" * levels + ',"x"]').encode(encoding)
    assert list(refused(parse_json, deep)) == ["body"]  # a 400, never a RecursionError
    assert list(refused(parse_json, '{"a": 1}'.encode(encoding))) == ["body"]
    if encoding != "utf-16-le":  # without a byte-order mark, ASCII in UTF-16-LE is UTF-8 with NULs
        assert "not UTF-8" in refused(parse_json, deep)["body"]
    assert refused(parse_json, deep.decode(encoding).encode()) == {"body": "nests deeper than 32 levels"}
    assert "not UTF-8" in refused(parse_json, b'{"a": "\xff"}')["body"]
    assert parse_json('{"a": "é"}'.encode()) == {"a": "é"}


def test_every_request_schema_is_checked_bounded_and_closed():
    loose = {"type": "object", "properties": {"name": {"type": "string"}, "n": {"type": "integer"},
                                              "tags": {"type": "array", "items": {"type": "string"}},
                                              "inner": {"type": "object",
                                                        "properties": {"x": {"type": "string"}}}}}
    strict = bounded(loose)
    assert strict["additionalProperties"] is False
    assert strict["properties"]["inner"]["additionalProperties"] is False
    assert strict["properties"]["name"]["maxLength"] == DEFAULT_MAX_LENGTH
    assert "maxLength" not in loose["properties"]["name"]  # the documented schema stays the route's
    assert refused(check_body, loose, {"name": "x" * (DEFAULT_MAX_LENGTH + 1), "n": 2 ** 63, "extra": "1",
                                       "tags": ["ok", "\x1b[31m"], "inner": {"x": "a\udcffb", "y": 1}}) == {
        "name": f"must be at most {DEFAULT_MAX_LENGTH} characters", "n": f"must be at most {MAX_NUMBER}",
        "extra": "is not a known field; known: inner, n, name, tags",
        "tags[1]": "contains control characters; send plain text",
        "inner.x": "is not valid UTF-8 text", "inner.y": "is not a known field; known: x"}


def test_a_forms_numbers_are_parsed_as_its_schema_types_them_or_named():
    schema = {"type": "object", "properties": {
        "year": {"type": "integer"}, "years": {"type": "number"}, "salary": {"type": "integer"},
        "pick": {"type": "array", "items": {"type": "string"}}, "name": {"type": "string"}}}
    values, problems = coerce_form(schema, {"year": ["2019"], "years": ["1,5"], "salary": ["4.500.000"],
                                            "pick": ["a", "b"], "name": ["Rudi", "dua"]})
    assert (values, problems) == ({"year": 2019, "years": 1.5, "salary": 4_500_000, "pick": ["a", "b"],
                                   "name": "Rudi"}, {})
    values, problems = coerce_form(schema, {"year": ["dua ribu"], "years": ["lama"], "salary": [""]})
    assert (values, problems) == ({}, {"year": {"code": "not_integer", "message": "must be a whole number"},
                                        "years": {"code": "not_number", "message": "must be a number"}})


def test_text_refuses_control_characters_and_pasted_text_loses_them():
    for bad in ("a\x00b", "a\x1bb", "a\x0bb", "a\x7fb", "a\x85b", "a\ud800b"):
        assert refused(reject_markup, {"note": bad}, "note") == {"note": "contains control characters; "
                                                                      "send plain text"}
        assert strip_control(bad) == "ab"
    assert reject_markup({"note": "baris satu\n\tbaris dua\r\n"}, "note") == "baris satu\n\tbaris dua"


@pytest.mark.parametrize("email", ["a@" + "a" * 60_000, "a" * 65 + "@contoh.id", "a@b", "a@@b.id",
                                   "a b@c.id", "a@-b.id", "a@b..id", "@b.id"])
def test_contacts_are_checked_in_linear_time(email):
    started = time.monotonic()
    assert "reporter.email" in refused(check_contact, {"email": email}, "reporter.")
    assert time.monotonic() - started < 0.01
    clean = check_contact({"email": " nama@dinas.tangerangkota.go.id ", "phone": "0812 3456 7890"}, "r.")
    assert clean == {"email": "nama@dinas.tangerangkota.go.id", "phone": "0812 3456 7890"}


def test_query_parameters_are_strict_and_bounded():
    query = {"page": {"type": "integer", "minimum": 1, "maximum": 10_000}, "purge": {"type": "boolean"}}
    assert refused(check_query, query, {"page": "4611686018427387904", "purge": "yes"}) == {
        "page": "must be a whole number", "purge": "must be true or false"}
    assert refused(check_query, query, {"page": "٣"}) == {"page": "must be a whole number"}
    assert refused(check_query, query, {"page": "0"}) == {"page": "must be at least 1"}
    check_query(query, {"page": "3", "purge": "true", "other": "ignored"})
