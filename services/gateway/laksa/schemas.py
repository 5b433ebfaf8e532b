"""LAKSA's request schemas (aspirasi's own commands, Open311's form, queries) and its
answers' shapes; web/schemas.py holds the shared ones."""
from services.aspirasi import commands
from services.gateway.web.schemas import (
    ARRAY,
    BOOL,
    INT,
    NUM,
    OBJECT,
    PAGE,
    S,
    items_of,
    nullable,
    obj,
    record,
    text,
)

# The commands' schemas are the domain's (one schema per command, checked again there).
REPORT = commands.SUBMIT_REPORT
TRANSITION = commands.TRANSITION
CATEGORY = commands.CATEGORY
OPEN311_FORM = obj({name: text(4000 if name == "description" else 300) for name in (
    "jurisdiction_id", "api_key", "service_code", "lat", "long", "address_string", "address_id",
    "email", "device_id", "account_id", "first_name", "last_name", "phone", "description",
    "media_url")}, required=("jurisdiction_id", "service_code"))
TICKET_QUERY = {"status": text(20), "category": text(60), **PAGE}
CATEGORY_VIEW = record({"code": S, "name": S, "opd": S},
                       {"sla": record({"verify_days": INT, "follow_up_days": INT})})
HISTORY_ENTRY = record({"to": S, "at": S}, {"from": nullable(S), "action": S, "note": nullable(S)})
TICKET_VIEW = record(
    {"number": S, "region": S, "category": S, "opd": S, "description": S, "location": OBJECT,
     "photos": {"type": "array", "items": S}, "status": S, "status_label": S, "submitted_at": S,
     "updated_at": S, "overdue": BOOL, "history": {"type": "array", "items": HISTORY_ENTRY}},
    {"reporter_name": nullable(S), "opd_due_at": nullable(S), "verify_due_at": nullable(S),
     "duplicate_of": nullable(S)})
TICKET_PRIVATE = record({**TICKET_VIEW["properties"], "version": INT, "likely_duplicates": ARRAY},
                        {"reporter": nullable(OBJECT)})
TICKET_PAGE = items_of(TICKET_VIEW, page=INT, limit=INT, next_page=nullable(INT))
STATS = record({"received": INT, "by_status": OBJECT, "region": S, "overdue": INT,
                "median_working_days_to_first_response": nullable(NUM),
                "median_working_days_to_resolution": nullable(NUM)})
OPEN311_LIST = {"type": "array", "items": OBJECT}
OPEN311_DISCOVERY = {"type": "object", "required": ["changeset", "contact", "key_service", "endpoints"],
                     "properties": {"changeset": S, "contact": S, "key_service": S,
                                    "endpoints": {"type": "array", "items": OBJECT}}}
OPEN311_DEFINITION = {"type": "object", "required": ["service_code", "attributes"],
                      "properties": {"service_code": S, "attributes": {"type": "array", "items": OBJECT}}}
TICKET_LINKS = {op: {"number": "$response.body#/number"}
                for op in ("get_aspirasi", "get_aspirasi_details", "transition_aspirasi")}
