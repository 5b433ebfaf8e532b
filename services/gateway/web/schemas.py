"""Request-body and query schemas of the gateway's routes (JSON Schema, OpenAPI 3.0 subset).

Each route names its schemas in `@described(...)`: the same schema checks the
request (servicekit.validation, before any domain code runs) and documents it.
Every string has a length cap; the domains still check meaning (a category
offered in the region, a NIK's region prefix), the schema checks shape.

This module holds what every domain's schemas are written with and the shapes they
share; each domain package's `schemas.py` holds its own.
"""
from services.servicekit.regions import CODE_PATTERN
from services.servicekit.schema_parts import obj, text

REGION_CODE = text(5, pattern=CODE_PATTERN.pattern, example="36.71")
URL = text(500, pattern=r"^https?://\S+$")
NO_BODY = obj({}, description="nothing to send (an empty object is accepted)")
PAGE = {"limit": {"type": "integer", "minimum": 1, "maximum": 100},
        "page": {"type": "integer", "minimum": 1, "maximum": 10_000}}
SOURCES = obj({"sources": {"type": "array", "maxItems": 50, "items": REGION_CODE}},
              required=("sources",))

# success responses -----------------------------------------------------------
# Open objects (a field added later breaks no client), with the fields a client
# relies on required and typed; `nullable` where a value may be absent.
S, INT, NUM, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}
ARRAY, OBJECT = {"type": "array"}, {"type": "object"}


def nullable(schema):
    return {**schema, "nullable": True}


def record(required, optional=None):
    return {"type": "object", "required": sorted(required),
            "properties": {**required, **(optional or {})}}


def items_of(schema, **more):
    return record({"items": {"type": "array", "items": schema}, **more})


REGION_VIEW = record({"code": S, "name": S, "province": S, "domain": S, "host": BOOL, "edge": BOOL,
                      "timezone": S, "modules": {"type": "array", "items": S},
                      "brand": record({"name": S, "short_name": S, "theme_color": S, "logo_url": S})},
                     {"senders": record({"mail_from": S, "sms_sender": S}),
                      "working_days": {"type": "array", "items": INT},
                      "days_off": {"type": "array", "items": record({"date": S, "name": S})}})
LIVE = record({"region": REGION_VIEW, "generated_at": S, "sections": OBJECT})
REGION_SOURCES = record({"region": S, "sources": {"type": "array", "items": S}})
