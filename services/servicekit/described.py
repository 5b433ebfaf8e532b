"""`@described`: the schemas a route is checked by and documented with, declared once.

Any service's HTTP route may use it; the gateway's document generator
(services/gateway/openapi.py) reads the attribute it sets, and the same
schemas check each request: the query parameters before the route runs, the
body when the route reads it (`read_json`, after its rate limit and sign-in).
"""
import functools
from typing import Any, Callable, Iterable, Mapping

from services.servicekit.errors import Problem, ValidationFailed, problem
from services.servicekit.validation import Schema, check_body

BODY_SCHEMA = "tl.body_schema"
FORM_VALUES = "tl.form_values"  # a form's values, or its refusal, once the gate read it
QUERY_SCHEMA = "tl.query_schema"
# An HTTP route method of a nameko service.
Route = Callable[..., Any]


def described(summary: str | None = None, query: dict[str, Schema] | None = None, body: Schema | None = None,
              response: Schema | None = None, statuses: Iterable[int] = (), content_type: str | None = None,
              error_schema: Schema | None = None, response_type: str | None = None,
              responses: dict[int, Schema] | None = None,
              links: dict[str, dict[str, str]] | None = None) -> Callable[[Route], Route]:
    """Attach OpenAPI detail to a route method, and check requests by it.

    `body`: the request body's schema; `response`: the success body's schema;
    `statuses`: every status the route may answer besides the kit's (see
    gateway/openapi.py); `responses`: {status: schema} for other successes;
    `links`: {operationId: {parameter: "$response.body#/field"}}, what a
    success leads to (OpenAPI links, followed by the stateful fuzzer).
    `response_type="text/html"` documents every answer of the route as HTML."""
    def attach(fn: Route) -> Route:
        @functools.wraps(fn)
        def checked(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            request.environ[BODY_SCHEMA] = body
            request.environ[QUERY_SCHEMA] = query or {}
            if query and error_schema is None:  # a route with its own error form checks it there
                check_query(query, request.args)
            return fn(self, request, *args, **kwargs)
        openapi = {"summary": summary, "query": query or {}, "body": body,
                   "response": response, "statuses": tuple(statuses),
                   "content_type": content_type, "error_schema": error_schema,
                   "response_type": response_type, "responses": responses or {},
                   "links": links or {}}
        checked.__openapi__ = openapi  # type: ignore[attr-defined]
        return checked
    return attach


_QUERY_OBJECTS: dict[int, tuple[Any, Schema]] = {}


def _as_object(schemas: dict[str, Schema]) -> Schema:
    """The query schemas as one object schema, made once per route (bounded() keeps it)."""
    key = id(schemas)
    if key not in _QUERY_OBJECTS or _QUERY_OBJECTS[key][0] is not schemas:
        # open: a page's query may carry what it does not read (utm_*, a cache buster)
        _QUERY_OBJECTS[key] = (schemas, {"type": "object", "properties": schemas,
                                         "additionalProperties": True})
    return _QUERY_OBJECTS[key][1]


def check_query(schemas: dict[str, Schema], args: Mapping[str, str]) -> None:
    """Query parameters as their schemas say: whole numbers and booleans strictly, bounds kept."""
    values: dict[str, Any] = {}
    problems: dict[str, Problem] = {}
    for name, schema in schemas.items():
        if name not in args:
            continue
        raw = args[name]
        kind = schema.get("type")
        if kind == "integer":
            if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):
                problems[name] = problem("not_integer", "must be a whole number")
                continue
            values[name] = int(raw)
        elif kind == "boolean":
            if raw not in ("true", "false"):
                problems[name] = problem("not_boolean", "must be true or false")
                continue
            values[name] = raw == "true"
        else:
            values[name] = raw
    try:
        check_body(_as_object(schemas), values)
    except ValidationFailed as exc:
        problems.update(exc.details["fields"])
    if problems:
        raise ValidationFailed.of(problems)
