"""The gateway's HTTP entrypoint: one error shape for everything that goes wrong.

As in nameko-examples' gateway, a subclass of nameko's HttpRequestHandler maps
exceptions to responses, here via the kit's typed errors (also when they come
back over RPC). Anything unexpected is a 500 in the same shape, no traceback.
"""
import logging
import socket

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from services.gateway.accounts import TokenAccounts
from services.gateway.auth import CREDENTIALS
from services.gateway.http_cache import ResponseCache
from services.servicekit.described import BODY_SCHEMA
from services.servicekit.errors import DomainError, RateLimited, ValidationFailed, as_domain_error
from services.servicekit.json import dumps
from services.servicekit.validation import check_body, parse_json

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024


def json_response(body, status=200, headers=None):
    return Response(dumps(body), status=status, mimetype="application/json", headers=headers)


def error_response(error):
    headers = {}
    if isinstance(error, RateLimited):
        headers["Retry-After"] = str(error.details.get("retry_after", 60))
    if isinstance(error, MethodNotAllowed):
        headers["Allow"] = ", ".join(error.details.get("allowed", []))
    return json_response(error.to_dict(), error.status, headers)


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


def read_form(request):
    """The request's form fields checked by the route's `@described(body=...)` schema."""
    schema = request.environ.get(BODY_SCHEMA)
    if schema is None:
        raise TypeError("a route that reads a form declares its schema: @described(body=...)")
    if (request.content_length or 0) > MAX_BODY:
        raise PayloadTooLarge(f"body is {request.content_length} bytes; the limit is {MAX_BODY}")
    if request.mimetype not in FORM_TYPES:
        raise UnsupportedMediaType("send the form as application/x-www-form-urlencoded")
    return check_body(schema, request.form.to_dict())


def page_params(request, default_limit=20, max_limit=100):
    """`limit` and `page` query parameters, checked."""
    values = {}
    for name, default, top in (("limit", default_limit, max_limit), ("page", 1, 10_000)):
        raw = request.args.get(name, default)
        try:
            values[name] = int(raw)
        except (TypeError, ValueError):
            raise ValidationFailed.field(name, f"{raw!r} is not a whole number") from None
        if not 1 <= values[name] <= top:
            raise ValidationFailed.field(name, f"must be between 1 and {top}")
    return values["limit"], values["page"]


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class MethodNotAllowed(DomainError):
    status = 405
    code = "method_not_allowed"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


class NoDelayWebServer(WebServer):
    """nameko's web server with Nagle off: eventlet writes a page's headers and body in two
    sends, and the body would otherwise wait for the client's delayed ACK (40 ms a page)."""

    def process_request(self, sock, address):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return super().process_request(sock, address)


class ApiEntrypoint(HttpRequestHandler):
    server = NoDelayWebServer()
    cache = ResponseCache()  # caching and compression of every route (http_cache.py)
    accounts = TokenAccounts()  # whether a bearer token's account still stands (auth.py)

    def __init__(self, method, url, expected_exceptions=DomainError, **kwargs):
        super().__init__(method, url, expected_exceptions=expected_exceptions, **kwargs)

    def handle_request(self, request):
        request.environ[CREDENTIALS] = self.accounts.check
        return self.cache.serve(self, request, super().handle_request)

    def response_from_exception(self, exc):
        error = as_domain_error(exc)
        if error is None and isinstance(exc, HTTPException):
            return json_response({"error": {"code": exc.name.lower().replace(" ", "_"),
                                            "message": exc.description, "details": {}}}, exc.code)
        if error is None:
            log.error("unexpected error in %s", self.method_name, exc_info=exc)
            return json_response({"error": {"code": "internal_error",
                                            "message": "something went wrong on our side",
                                            "details": {}}}, 500)
        return error_response(error)


api = ApiEntrypoint.decorator
