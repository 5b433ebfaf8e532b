"""The platform's request schemas (sign-in, accounts, regions) and its answers' shapes.

Kept here until the merger imports them from services.platform.commands
(the domain's own schemas, same names and limits); web/schemas.py holds the shared ones."""
from services.aspirasi.commands import CATEGORY_SLA
from services.gateway.web.schemas import (
               ARRAY,
               BOOL,
               INT,
               OBJECT,
               REGION_CODE,
               REGION_VIEW,
               S,
               items_of,
               nullable,
               obj,
               record,
               text,
)
from services.servicekit.region_profile import PROFILE, PROFILE_PROPERTIES

SIGN_IN = obj({"username": text(64, 1), "password": text(200, 1)}, required=("username", "password"))
ACCOUNT = obj({"username": text(64, 3), "password": text(200, 1), "role": text(40, 1),
               "region": REGION_CODE, "opd": text(60)},
              required=("username", "password", "role", "region"))
SUBSCRIPTION_LIST = {"type": "array", "maxItems": 100, "items": obj(
    {"topic": text(80, 1, example="prices.price_alert_raised"),
     "from": {"type": "array", "maxItems": 50, "items": text(10), "example": ["province"]}},
    required=("topic", "from"))}
REGION = obj({
    "code": REGION_CODE, "name": text(120, 1), "province": text(80, 1), "domain": text(253),
    "edge": {"type": "boolean"}, "subscriptions": SUBSCRIPTION_LIST, **PROFILE_PROPERTIES,
    "categories": {"type": "array", "maxItems": 100, "items": obj(
        {"code": text(60, 1), "name": text(120, 1), "opd": text(60, 1), "sla": CATEGORY_SLA},
        required=("code", "name", "opd"))}}, required=("code", "name", "province"))
# A region's profile as its admin or the operator changes it (PATCH: the fields sent).
REGION_PROFILE = PROFILE
RESUBSCRIBE = obj({"subscriptions": SUBSCRIPTION_LIST}, required=("subscriptions",))
PURGE = {"purge": {"type": "boolean"}}
TOKEN = record({"access_token": S, "token_type": S, "expires_in": INT, "role": S, "region": S})
ACCOUNT_VIEW = record({"username": S, "role": S, "region": S}, {"opd": nullable(S)})
ADMIN_REGIONS = items_of(record({**REGION_VIEW["properties"], "subscriptions": ARRAY}))
REGION_TOPOLOGY = record({"region": REGION_VIEW, "queue": S, "bindings": ARRAY},
                         {"categories": nullable(INT)})
QUEUE_BINDINGS = record({"queue": S, "bindings": ARRAY, "added": ARRAY, "removed": ARRAY})
REGION_REMOVED = record({"region": REGION_VIEW, "queue": S, "queue_deleted": BOOL})
OPENAPI = record({"openapi": S, "paths": OBJECT})
