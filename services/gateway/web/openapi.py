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

from services.gateway.web.openapi_id import SUMMARIES, TAGS, tag_for
from services.servicekit.regions import CODE_PATTERN
from services.servicekit.release import RELEASE
from services.servicekit.validation import bounded

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
              303: "See the page this redirects to", 304: "Not modified since the validators given",
              409: "Conflict with the current state", 413: "Body too large",
              415: "Wrong content type", 422: "Unprocessable", 429: "Too many requests",
              503: "A backing service is unavailable; retry"}
PARAM = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")
HIDDEN = {"not_found"}  # the JSON 404 for unknown paths is not an operation
NO_BODY_NOTE = "nothing to send (an empty object is accepted)"


TEXT_SCHEMA = {"type": "string"}
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


def as_openapi(schema):
    """A JSON Schema (draft 7, as the domains write their commands) as OpenAPI 3.0 says it:
    a type list with "null" is the type with `nullable: true` (3.0 has no type lists)."""
    if isinstance(schema, list):
        return [as_openapi(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    found = {key: as_openapi(value) for key, value in schema.items()}
    kinds = found.get("type")
    if isinstance(kinds, list):
        named = [kind for kind in kinds if kind != "null"]
        if len(named) == 1:
            found["type"] = named[0]
        else:
            del found["type"]
            found["anyOf"] = [{"type": kind} for kind in named]
        if "null" in kinds:
            found["nullable"] = True
    return found


def request_body(detail, body):
    # a schema, or {content type: schema} for a route that takes several (a CSV sheet)
    content = body if all("/" in key for key in body) else {
        detail.get("content_type") or "application/json": body}
    return {"required": body.get("description") != NO_BODY_NOTE,
            # documented as checked: the gate's bounded schema (caps, bounds, closed objects)
            "content": {kind: {"schema": as_openapi(bounded(schema))} for kind, schema in content.items()}}


def responses(detail, statuses, ok, query):
    """Each status's description and content types with their schemas."""
    extra = detail.get("responses") or {}
    error_schema = detail.get("error_schema") or {"$ref": "#/components/schemas/Error"}
    # a string response_type types every answer ("text/html": a page's errors are pages);
    # a tuple only the success's (a route of the JSON API answers errors in JSON)
    html_errors = detail.get("response_type") == "text/html" or detail.get("html_errors")
    types = detail.get("response_type") or "application/json"
    types = (types,) if isinstance(types, str) else tuple(types)
    answers = {}
    for status in sorted(statuses | set(extra)):
        if status in extra and extra[status] is None:  # e.g. 304: no body
            answers[str(status)] = {"description": ERROR_TEXT.get(status, "No content")}
            continue
        success = status == ok or status in extra
        schema = as_openapi((detail.get("response") or {}) if status == ok
                            else extra.get(status, error_schema))
        if html_errors and not success:  # a page's errors are pages, whatever the page answers
            content = {"text/html": {"schema": TEXT_SCHEMA}}
        elif types != ("application/json",) and (success or html_errors):
            # an HTML page's errors are HTML pages too; other types answer errors in JSON.
            # JSON kinds: the first is described by the schema, others are objects.
            content = {kind: {"schema": (schema if i == 0 else {"type": "object"})
                              if kind.endswith("json") and success else TEXT_SCHEMA}
                       for i, kind in enumerate(types)}
        else:
            content = {"application/json": {"schema": schema}}
        if success and "csv" in (query.get("format") or {}).get("enum", ()):
            content["text/csv"] = {"schema": TEXT_SCHEMA}
        if detail.get("error_schema") is OPEN311_ERRORS:  # Open311 answers in the format asked for
            content["text/xml"] = {"schema": TEXT_SCHEMA}
        answers[str(status)] = {
            "description": "Success" if success else ERROR_TEXT.get(status, "Error"), "content": content}
    return answers


def operation(name, fn, entrypoint, method):
    detail = getattr(fn, "__openapi__", {})
    doc = inspect.getdoc(fn) or ""
    english = detail.get("summary") or (doc.splitlines()[0] if doc else name.replace("_", " "))
    op = {"operationId": name if "," not in entrypoint.method else f"{name}_{method.lower()}",
          "summary": SUMMARIES.get(name, english), "description": doc or english,
          "tags": [tag_for(fn.__module__, entrypoint.url, detail.get("html_errors", False))],
          "parameters": path_parameters(entrypoint.url)}
    query = detail.get("query") or {}
    for param, schema in query.items():
        op["parameters"].append({"name": param, "in": "query", "required": False,
                                 "schema": as_openapi(schema)})
    body = detail.get("body")
    if body is not None:
        op["requestBody"] = request_body(detail, body)
    statuses = set(detail.get("statuses") or ())
    ok = 201 if 201 in statuses else 200
    # What a route may answer besides its own statuses: a backing service down
    # (503); bad input (400) where it takes any; an unknown region or record
    # named in the path (404); a body too large or of the wrong type (413, 415).
    statuses |= {ok, 503}
    if query or body is not None or PARAM.search(entrypoint.url):
        statuses.add(400)
    if PARAM.search(entrypoint.url):
        statuses.add(404)
    if body is not None:
        statuses |= {413, 415}
    op["responses"] = responses(detail, statuses, ok, query)
    if detail.get("links"):
        op["responses"][str(ok)]["links"] = {
            target: {"operationId": target, "parameters": parameters}
            for target, parameters in detail["links"].items()}
    return op


def document(service_cls, version=RELEASE):
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
