"""The gateway's HTTP entrypoint: one error shape for everything that goes wrong.

As in nameko-examples' gateway, a subclass of nameko's HttpRequestHandler maps
exceptions to responses, here via the kit's typed errors (also when they come
back over RPC). Anything unexpected is a 500 in the same shape, no traceback.
"""
import re
import socket

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer
from werkzeug.wrappers import Response

from services.gateway.access.accounts import TokenAccounts
from services.gateway.access.auth import CREDENTIALS
from services.gateway.regions.modules import check_module
from services.gateway.web.cache import ResponseCache
from services.gateway.web.errors import (
    PayloadTooLarge,
    UnsupportedMediaType,
    error_of,
    headers_of,
)
from services.servicekit.described import BODY_SCHEMA, FORM_VALUES
from services.servicekit.errors import DomainError, NotFound, ValidationFailed, problem
from services.servicekit.json import dumps
from services.servicekit.validation import check_body, coerce_form, parse_json

MAX_BODY = 64 * 1024
MAX_FORM_PARTS = 200
# The largest form with files: lapor's three photos of up to 12 MiB each as the phone sent
# them (pages.LAPOR_MAX_BODY); routes cap lower (a price sheet: 8 MiB). Files spool to disk.
MAX_MULTIPART = 40 * 1024 * 1024


def json_response(body, status=200, headers=None):
    return Response(dumps(body), status=status, mimetype="application/json", headers=headers)


def error_response(error):
    """The one JSON shape of a refusal: {"error": {code, message, details}}."""
    return json_response(error.to_dict(), error.status, headers_of(error))


def read_body(request, limit):
    """The raw body, at most `limit` bytes, whether or not it came chunked."""
    length = request.content_length
    if length is not None and length > limit:
        raise PayloadTooLarge(f"body is {length} bytes; the limit is {limit}")
    # A chunked body has no Content-Length: werkzeug's get_data() would give b"";
    # read the WSGI stream itself, one byte past the limit to tell "too large".
    if length is None and "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        raw = request.environ["wsgi.input"].read(limit + 1)
    else:
        raw = request.get_data(cache=True)
    if len(raw) > limit:
        raise PayloadTooLarge(f"body is over {limit} bytes")
    return raw


def read_json(request):
    """The request's JSON object body checked by the route's `@described(body=...)` schema,
    or a 4xx naming the problem (every bad field at once)."""
    schema = request.environ.get(BODY_SCHEMA)
    if schema is None:
        raise TypeError("a route that reads a JSON body declares its schema: @described(body=...)")
    raw = read_body(request, MAX_BODY)
    if not request.mimetype == "application/json":
        raise UnsupportedMediaType("send the body as application/json")
    return check_body(schema, parse_json(raw))


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class FormRefused(ValidationFailed):
    """The gate's refusal of a form; `values` holds the fields that passed, to show the form again."""

    def __init__(self, error, values):
        super().__init__(error.message, error.details)
        self.values = values


def read_form(request):
    """The request's form fields, through the gate every form passes (pages and console):
    decoded strictly as UTF-8 (an invalid byte is refused, never replaced), numbers parsed
    as the route's `@described(body=...)` schema types them, then checked by that schema
    made strict (servicekit.validation.bounded: lengths, bounds, no unknown field, no
    control character). Every bad field at once, or the values; decoded once a request."""
    found = request.environ.get(FORM_VALUES)
    if found is None:
        found = request.environ[FORM_VALUES] = _gate_form(request)
    if isinstance(found, ValidationFailed):
        raise found
    return dict(found)


def _gate_form(request):
    schema = request.environ.get(BODY_SCHEMA)
    if schema is None:
        raise TypeError("a route that reads a form declares its schema: @described(body=...)")
    if request.mimetype not in FORM_TYPES:
        if not request.content_length:
            return {}  # a POST without a body (a button): no fields
        raise UnsupportedMediaType("send the form as application/x-www-form-urlencoded")
    if request.mimetype == FORM_TYPES[0] and (request.content_length or 0) > MAX_BODY:
        raise PayloadTooLarge(f"body is {request.content_length} bytes; the limit is {MAX_BODY}")
    form, files = _parse_strictly(request)
    if sum(len(value) for _, value in form.items(multi=True)) > MAX_BODY:
        raise PayloadTooLarge(f"the form's text is over {MAX_BODY} characters")
    values, problems = coerce_form(schema, {name: form.getlist(name) for name in form})
    properties = schema.get("properties", {})
    extra_names = re.compile(schema.get("x-field-names") or r"(?!)")
    for name in set(form) - set(properties):
        if isinstance(schema.get("additionalProperties"), dict) and not extra_names.fullmatch(name):
            problems[name] = problem("unknown_field", "is not a known field of this form")
            values.pop(name, None)
    for name in set(files) | set(form):
        is_file = _is_file(properties.get(name))
        if name in files and not is_file:
            problems[name] = problem("not_file_field", "is not a file field of this form")
        elif name in form and is_file:
            problems[name] = problem("file_required", "must be a file")
            values.pop(name, None)
    try:
        return check_body(schema, values, problems)
    except ValidationFailed as exc:
        bad = exc.details.get("fields", {})
        return FormRefused(exc, {k: v for k, v in values.items() if k not in bad})


def _is_file(schema):
    schema = schema or {}
    return (schema.get("items") or schema).get("format") == "binary"


def _parse_strictly(request):
    """werkzeug's form parser, but bytes that are not UTF-8 kept as U+DC80-U+DCFF (named by
    the gate) instead of replaced by U+FFFD, and the body capped (urlencoded at MAX_BODY,
    multipart at MAX_MULTIPART: werkzeug's max_form_memory_size bounds its parser's buffer,
    not a field, so the text is measured after)."""
    if "form" in request.__dict__:
        raise RuntimeError("the form was read before the gate: read it with read_form only")
    if request.content_length is None and "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        # no length to check up front: read it bounded (werkzeug parses the cached bytes)
        limit = MAX_BODY if request.mimetype == FORM_TYPES[0] else MAX_MULTIPART
        request._cached_data = read_body(request, limit)
    request.encoding_errors = "surrogateescape"
    request.max_content_length = MAX_MULTIPART
    request.max_form_parts = MAX_FORM_PARTS
    try:
        request._load_form_data()
    finally:
        del request.encoding_errors  # the query string keeps werkzeug's default
    return request.form, request.files


def page_params(request, default_limit=20, max_limit=100):
    """`limit` and `page` query parameters, checked."""
    values = {}
    for name, default, top in (("limit", default_limit, max_limit), ("page", 1, 10_000)):
        raw = request.args.get(name, default)
        try:
            values[name] = int(raw)
        except (TypeError, ValueError):
            raise ValidationFailed.field(name, f"{raw!r} is not a whole number", code="not_integer") from None
        if not 1 <= values[name] <= top:
            raise ValidationFailed.field(name, f"must be between 1 and {top}", code="out_of_range",
                                         min=1, max=top)
    return values["limit"], values["page"]


class NoDelayWebServer(WebServer):
    """nameko's web server with Nagle off: eventlet writes a page's headers and body in two
    sends, and the body would otherwise wait for the client's delayed ACK (40 ms a page)."""

    def process_request(self, sock, address):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return super().process_request(sock, address)


class ApiEntrypoint(HttpRequestHandler):
    server = NoDelayWebServer()
    responses = ResponseCache()  # caching and compression of every route (web/cache.py)
    accounts = TokenAccounts()  # whether a bearer token's account still stands (auth.py)

    def __init__(self, method, url, expected_exceptions=DomainError, cache=None, **kwargs):
        """`cache`: the route's policy (web/policies.py); none: answered no-store."""
        self.policy = cache
        super().__init__(method, url, expected_exceptions=expected_exceptions, **kwargs)

    def handle_request(self, request):
        request.environ[CREDENTIALS] = self.accounts.check
        try:
            check_module(request.path)  # a module the region's profile leaves out is not there
        except NotFound as exc:
            return self.response_from_exception(exc)
        return self.responses.serve(self, request, super().handle_request)

    def response_from_exception(self, exc):
        return error_response(error_of(exc, self.method_name))


api = ApiEntrypoint.decorator
