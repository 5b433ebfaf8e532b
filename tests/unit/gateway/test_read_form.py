"""The form gate (gateway/http.py: read_form) on werkzeug requests, without a platform."""
import io

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from services.gateway.laksa.lapor_form import LAPOR_MAX_BODY
from services.gateway.web.errors import PayloadTooLarge
from services.gateway.web.http import MAX_MULTIPART, FormRefused, read_form
from services.servicekit.described import BODY_SCHEMA

SCHEMA = {"type": "object", "properties": {
    "name": {"type": "string", "maxLength": 20}, "note": {"type": "string"},
    "years": {"type": "number", "maximum": 60}, "year": {"type": "integer"},
    "photos": {"type": "array", "items": {"type": "string", "format": "binary"}}}}


def posted(body, content_type="application/x-www-form-urlencoded", chunked=False, schema=SCHEMA):
    headers = {"Transfer-Encoding": "chunked"} if chunked else {}
    environ = EnvironBuilder(method="POST", data=body, content_type=content_type,
                             headers=headers).get_environ()
    if chunked:
        environ.pop("CONTENT_LENGTH", None)
        environ["wsgi.input"] = io.BytesIO(body)
    request = Request(environ)
    request.environ[BODY_SCHEMA] = schema
    return request


def refusal(request):
    with pytest.raises(FormRefused) as refused:
        read_form(request)
    fields = refused.value.details["fields"]
    return {name: found["message"] for name, found in fields.items()}, refused.value.values


def test_invalid_utf8_is_named_never_replaced_and_the_rest_kept():
    fields, kept = refusal(posted(b"name=caf%E9&note=baik&years=1%2C5"))
    assert fields == {"name": "is not valid UTF-8 text"}
    assert kept == {"note": "baik", "years": 1.5}


def test_every_bad_field_at_once_numbers_typed_and_unknown_fields_refused():
    fields, _ = refusal(posted(b"name=" + b"x" * 21 + b"&note=a%00b&years=lima&year=2019&siapa=1"))
    assert fields == {"name": "must be at most 20 characters", "note": "contains control characters; "
                      "send plain text", "years": "must be a number",
                      "siapa": "is not a known field; known: name, note, photos, year, years"}
    assert read_form(posted(b"year=2019&years=&note=baris%0Adua%09tab")) == {
        "year": 2019, "note": "baris\ndua\ttab"}


def test_a_multipart_form_is_held_to_the_same_rules_and_files_only_where_declared():
    body = {"name": "Sari\x1b", "photos": (io.BytesIO(b"\x89PNG"), "a.png"),
            "note": (io.BytesIO(b"x"), "b.txt")}
    request = Request(EnvironBuilder(method="POST", data=body).get_environ())
    request.environ[BODY_SCHEMA] = SCHEMA
    fields, _ = refusal(request)
    assert fields == {"name": "contains control characters; send plain text",
                      "note": "is not a file field of this form"}
    text_as_file = posted(b"photos=bukan-berkas")
    assert refusal(text_as_file)[0] == {"photos": "must be a file"}


def test_a_body_over_the_cap_is_a_413_with_or_without_a_length():
    with pytest.raises(PayloadTooLarge):
        read_form(posted(b"note=" + b"x" * 1_000_000))
    with pytest.raises(PayloadTooLarge):
        read_form(posted(b"note=" + b"x" * 1_000_000, chunked=True))
    assert read_form(posted(b"note=pendek", chunked=True)) == {"note": "pendek"}


def test_the_gate_takes_a_lapor_form_as_large_as_the_lapor_route_allows():
    """Three phone photos of 5 MiB each pass the gate; the route's own cap decides beyond."""
    assert LAPOR_MAX_BODY <= MAX_MULTIPART
    photos = [(io.BytesIO(b"\xff\xd8" + b"x" * (5 * 1024 * 1024)), f"{i}.jpg") for i in range(3)]
    request = Request(EnvironBuilder(method="POST", data={"name": "Sari", "photos": photos}).get_environ())
    request.environ[BODY_SCHEMA] = SCHEMA
    assert read_form(request) == {"name": "Sari"}
    assert len(request.files.getlist("photos")) == 3
