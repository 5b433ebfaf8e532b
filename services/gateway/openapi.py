"""The OpenAPI 3 document, generated from the gateway's own routes.

Routes are the single source of truth: every `@api`/`@http` entrypoint of
GatewayService becomes an operation, with its path parameters read from the
werkzeug rule. A route may add detail with `@described(...)` (summary, query
parameters, request body, response schemas and statuses); without it, it is
still documented with its docstring and the generic error statuses.
"""
import inspect
import re

from werkzeug.routing import Map, Rule

from services.gateway.openapi_id import SUMMARIES, TAGS, tag_for
from services.servicekit.regions import CODE_PATTERN

ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message", "details"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "details": {"type": "object"}}}},
}
ERROR_TEXT = {400: "Bad input (the message names the field)", 401: "No or invalid token",
              403: "Not allowed for this role or region", 404: "Not found",
              405: "Method not allowed on this path",
              303: "See the page this redirects to",
              409: "Conflict with the current state", 413: "Body too large",
              415: "Wrong content type", 422: "Unprocessable", 429: "Too many requests",
              503: "A backing service is unavailable; retry"}
PARAM = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")
HIDDEN = {"not_found"}  # the JSON 404 for unknown paths is not an operation


OPEN311_ERRORS = {"type": "array", "items": {
    "type": "object", "required": ["code", "description"],
    "properties": {"code": {"type": "integer"}, "description": {"type": "string"}}}}


def routes(service_cls):
    """(method name, function, entrypoint) for every HTTP entrypoint of the service."""
    for name, fn in inspect.getmembers(service_cls, inspect.isfunction):
        for entrypoint in getattr(fn, "nameko_entrypoints", ()):
            if hasattr(entrypoint, "url") and name not in HIDDEN:
                yield name, fn, entrypoint


def openapi_path(url):
    return PARAM.sub(lambda m: "{%s}" % m.group("name"), url)


def path_parameters(url):
    params = []
    for match in PARAM.finditer(url):
        schema = {"type": "string"}
        if match.group("converter") == "any":
            schema["enum"] = [a.strip() for a in match.group("args").split(",")]
        elif match.group("name") == "fmt":  # Open311's format suffix; others answer a 404
            schema["enum"] = ["json", "xml"]
        elif match.group("name") == "code":
            schema["pattern"] = CODE_PATTERN.pattern
        params.append({"name": match.group("name"), "in": "path", "required": True,
                       "schema": schema})
    return params


def operation(name, fn, entrypoint, method):
    detail = getattr(fn, "__openapi__", {})
    doc = inspect.getdoc(fn) or ""
    english = detail.get("summary") or (doc.splitlines()[0] if doc else name.replace("_", " "))
    op = {"operationId": name if "," not in entrypoint.method else f"{name}_{method.lower()}",
          "summary": SUMMARIES.get(name, english), "description": doc or english,
          "tags": [tag_for(fn.__module__, entrypoint.url)], "parameters": path_parameters(entrypoint.url)}
    for param, schema in detail.get("query", {}).items():
        op["parameters"].append({"name": param, "in": "query", "required": False, "schema": schema})
    if detail.get("body") is not None:
        content_type = detail.get("content_type") or "application/json"
        op["requestBody"] = {"required": True, "content": {content_type: {"schema": detail["body"]}}}
    ok = 201 if method == "POST" and detail.get("statuses") and 201 in detail["statuses"] else 200
    response_schema = detail.get("response") or {}
    op["responses"] = {str(ok): {"description": "Success",
                                 "content": {"application/json": {"schema": response_schema}}}}
    # The kit's whole error vocabulary may answer any route (auth, state, limits,
    # outages); routes list extra statuses (201, 413...) with @described.
    statuses = set(detail.get("statuses") or ()) | {400, 401, 403, 404, 405, 409, 429, 503}
    if method in ("POST", "PUT", "PATCH"):
        statuses |= {413, 415}
    error_schema = detail.get("error_schema") or {"$ref": "#/components/schemas/Error"}
    for status in sorted(statuses - {ok}):
        op["responses"][str(status)] = {
            "description": ERROR_TEXT.get(status, "Error"),
            "content": {"application/json": {"schema": error_schema}}}
    response_type = detail.get("response_type")
    if response_type:  # the success is not JSON; an HTML page's errors are HTML pages too
        answered = op["responses"].values() if response_type == "text/html" else [op["responses"][str(ok)]]
        for response in answered:
            response["content"] = {response_type: {"schema": {"type": "string"}}}
    if detail.get("error_schema") is OPEN311_ERRORS:  # Open311 answers in the format asked for
        for response in op["responses"].values():
            response["content"]["text/xml"] = {"schema": {"type": "string"}}
    return op


def document(service_cls, version="1.0.0"):
    paths = {}
    for name, fn, entrypoint in routes(service_cls):
        item = paths.setdefault(openapi_path(entrypoint.url), {})
        for method in entrypoint.method.split(","):
            item[method.lower()] = operation(name, fn, entrypoint, method)
    return {
        "openapi": "3.0.3",
        "info": {"title": "Tangerang Live API", "version": version,
                 "description": "LAKSA (aspirasi warga, juga lewat Open311 GeoReport v2), Pencaker, harga "
                                "bahan pokok dan berita untuk Kota Tangerang dan wilayah mitranya. Ringkasan "
                                "tiap operasi dalam Bahasa Indonesia; uraiannya dalam bahasa Inggris."},
        "servers": [{"url": "/"}],
        "tags": [{"name": name, "description": text} for name, (text, _) in TAGS.items()],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


def url_map(service_cls):
    """The werkzeug map the routes make: used by the agreement test."""
    return Map([Rule(e.url, methods=e.method.split(","), endpoint=n)
                for n, _, e in routes(service_cls)])
