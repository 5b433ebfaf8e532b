"""Every form goes through the one gate (gateway/http.py: read_form), so no page or
console route can store what the JSON API would refuse (issue 25, item 7).

- no gateway module but http.py reads a request's body itself (`request.form`,
  `request.values`, `request.data`, `request.get_data`, `request.get_json`,
  `request.stream`): routes read `read_form(request)` / `read_json(request)`;
- every route that takes a POST, PUT or PATCH declares its body schema, and every
  page or console route that takes a form is gated by its decorator.

The form sweep (tests/e2e/test_form_sweep.py) posts hostile values to them all.
"""
import ast
import pathlib

import pytest

from services.gateway.service import GatewayService
from services.gateway.web.openapi import routes
from services.gateway.web.pages import page
from services.servicekit.validation import bounded

ROOT = pathlib.Path(__file__).resolve().parents[2]
GATEWAY = ROOT / "services" / "gateway"
BODY_READS = {"form", "values", "data", "get_data", "get_json", "stream", "json"}
GATE = "http.py"  # the gate itself
# (file, line, attribute): why it still reads the body itself. May only shrink.
ALLOWED = {}


def body_reads(gateway=GATEWAY):
    """(file, line, attribute) of every `<...request>.form` and the like outside the gate."""
    found = set()
    for path in sorted(gateway.glob("*.py")):
        if path.name == GATE:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in BODY_READS and _is_request(node.value):
                found.add((path.name, node.lineno, node.attr))
    return found


def _is_request(node):
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name == "request"


def test_no_route_reads_a_request_body_past_the_gate():
    new = sorted(body_reads() - set(ALLOWED))
    assert not new, f"read the form with http.read_form(request) (the gate), not directly: {new}"


def test_a_planted_direct_read_is_found(tmp_path):
    (tmp_path / "pages.py").write_text("def lapor(self, request):\n    x = request.args\n"
                                       "    return request.form.get('a'), officer.request.values\n")
    (tmp_path / GATE).write_text("def read_form(request):\n    return request.form\n")
    assert body_reads(tmp_path) == {("pages.py", 3, "form"), ("pages.py", 3, "values")}


def _writes():
    for name, fn, entrypoint in routes(GatewayService):
        methods = set(entrypoint.method.split(","))
        if methods & {"POST", "PUT", "PATCH"}:
            yield name, fn, entrypoint


def test_every_route_that_takes_a_body_declares_its_schema_and_pages_are_gated():
    writes = list(_writes())
    assert len(writes) > 30  # the measure sees the routes (API, pages and console)
    undeclared = [name for name, fn, _ in writes if fn.__openapi__.get("body") is None
                  and fn.__openapi__.get("content_type") is None]
    assert not undeclared, f"declare the body schema: @described(body=...) / form=...: {undeclared}"
    ungated = [name for name, fn, _ in writes if fn.__openapi__.get("html_errors")
               and not fn.__openapi__.get("form_gate")]
    assert not ungated, f"page routes whose form skips the gate: {ungated}"


def test_every_form_schema_is_closed_and_bounded_at_the_gate():
    for name, fn, _ in _writes():
        body = fn.__openapi__.get("body")
        if not isinstance(body, dict) or "type" not in body:
            continue  # a media-type map (a CSV sheet) is read by its own route
        strict = bounded(body)
        assert strict.get("additionalProperties") is not True, name
        for field, schema in strict.get("properties", {}).items():
            if schema.get("type") == "string" and schema.get("format") != "binary":
                assert 0 < schema["maxLength"] <= 60_000, (name, field)


def test_a_page_that_takes_a_form_must_declare_it():
    with pytest.raises(TypeError, match="declares its schema"):
        page("POST", "/r/<string:code>/baru")(lambda self, request, code: None)
