"""Request-body and query schemas of the gateway's routes (JSON Schema, OpenAPI 3.0 subset).

Each route names its schemas in `@described(...)`: the same schema checks the
request (servicekit.validation, before any domain code runs) and documents it.
Every string has a length cap; the domains still check meaning (a category
offered in the region, a NIK's region prefix), the schema checks shape.
"""
from services.servicekit.contracts.pencaker import (
    DISABILITIES,
    EDUCATION_RANK,
    MARITAL_STATUSES,
    RELIGIONS,
    SEEKER_EDITABLE,
)
from services.servicekit.regions import CODE_PATTERN


def text(max_length, min_length=0, **extra):
    schema = {"type": "string", "maxLength": max_length, **extra}
    if min_length:
        schema["minLength"] = min_length
    return schema


def obj(properties, required=(), **extra):
    """A closed object: unknown fields are refused by name."""
    schema = {"type": "object", "properties": properties, "additionalProperties": False, **extra}
    if required:
        schema["required"] = list(required)
    return schema


REGION_CODE = text(5, pattern=CODE_PATTERN.pattern, example="36.71")
URL = text(500, pattern=r"^https?://\S+$")
NO_BODY = obj({}, description="nothing to send (an empty object is accepted)")
PAGE = {"limit": {"type": "integer", "minimum": 1, "maximum": 100},
        "page": {"type": "integer", "minimum": 1, "maximum": 10_000}}

# aspirasi --------------------------------------------------------------------
REPORT = obj({
    "category": text(60, 1), "description": text(4000, 1),
    "location": obj({"lat": {"type": "number", "minimum": -90, "maximum": 90},
                     "long": {"type": "number", "minimum": -180, "maximum": 180},
                     "address": text(300)}),
    "photos": {"type": "array", "maxItems": 5, "items": URL},
    "anonymous": {"type": "boolean"},
    "show_name": {"type": "boolean", "default": False,
                  "description": "show the reporter's name on the public ticket (never by default)"},
    "reporter": obj({"name": text(120), "nik": text(24), "phone": text(20), "email": text(254)}),
}, required=("category", "description", "location"))
TRANSITION = obj({
    "action": {"type": "string", "enum": ["verify", "dispatch", "start", "resolve", "reject",
                                          "mark_duplicate", "reopen"]},
    "note": text(2000), "version": {"type": "integer", "minimum": 1}, "opd": text(60),
    "reason": text(60), "duplicate_of": text(40),
    "tracking_secret": text(200, description="the secret the submission answered with; "
                                             "citizens need it to reopen")}, required=("action",))
CATEGORY = obj({"name": text(120, 1), "opd": text(60, 1)}, required=("name", "opd"))
OPEN311_FORM = obj({name: text(4000 if name == "description" else 300) for name in (
    "jurisdiction_id", "api_key", "service_code", "lat", "long", "address_string", "address_id",
    "email", "device_id", "account_id", "first_name", "last_name", "phone", "description",
    "media_url")}, required=("jurisdiction_id", "service_code"))
TICKET_QUERY = {"status": text(20), "category": text(60), **PAGE}

# pencaker --------------------------------------------------------------------
SEEKER_TEXT = text(300)
# Every integer has a maximum: past the store's 64 bits (2**63) a value cannot be stored
# (a 500 before); the pencaker domain checks the same bounds (validators.MAX_AMOUNT, years).
RUPIAH = {"type": "integer", "minimum": 0, "maximum": 10_000_000_000}
YEAR = {"type": "integer", "minimum": 1900, "maximum": 2100}
# The AK/1 registration as the pencaker domain checks it (domain/seekers.py: validate).
SEEKER = {"type": "object", "required": [
    "nik", "name", "birth_place", "birth_date", "sex", "domicile_address", "marital_status", "religion",
    "education", "desired_position", "contact"], "properties": {
    "nik": {"type": "string", "pattern": "^[0-9 ]{16,19}$", "description": "16 digits; any region's NIK",
            "x-error": "must be exactly 16 digits"},
    "name": SEEKER_TEXT, "birth_place": SEEKER_TEXT, "birth_date": {"type": "string", "format": "date"},
    "sex": {"enum": ["L", "P"]},
    "domicile_address": {"type": "string", "maxLength": 300},
    "marital_status": {"enum": list(MARITAL_STATUSES)},
    "religion": {"enum": list(RELIGIONS)},
    "education": {"type": "object", "required": ["level", "institution", "graduation_year"], "properties": {
        "level": {"enum": list(EDUCATION_RANK)}, "major": SEEKER_TEXT, "institution": SEEKER_TEXT,
        "graduation_year": YEAR}},
    "courses": {"type": "array", "maxItems": 20, "items": {
        "type": "object", "required": ["name"],
        "properties": {"name": SEEKER_TEXT, "institution": SEEKER_TEXT, "year": YEAR}}},
    "languages": {"type": "array", "maxItems": 10, "items": SEEKER_TEXT},
    "disability": {"type": "array", "items": {"enum": list(DISABILITIES)}},
    "skills": {"type": "array", "maxItems": 30, "items": SEEKER_TEXT},
    "experience": {"type": "array", "maxItems": 20, "items": {"type": "object", "properties": {
        "position": SEEKER_TEXT, "years": {"type": "number", "minimum": 0, "maximum": 60}}}},
    "desired_position": {"type": "object", "required": ["title"], "properties": {
        "title": SEEKER_TEXT, "kbji": {"type": "string", "pattern": "^[0-9]{4,6}$"}}},
    "desired_locations": {"type": "array", "minItems": 1, "maxItems": 5,
                          "items": {"type": "string", "pattern": "^[0-9]{2}\\.[0-9]{2}$"}},
    "expected_salary": RUPIAH,
    "contact": {"type": "object", "properties": {"phone": SEEKER_TEXT, "email": SEEKER_TEXT,
                                                 "address": SEEKER_TEXT}}}}
# What a seeker may change themselves (domain/seekers.py: validate_update): those fields, nothing else.
SEEKER_UPDATE = {"type": "object", "minProperties": 1, "additionalProperties": False,
                 "properties": {name: SEEKER["properties"][name] for name in SEEKER_EDITABLE}}
EDUCATION = {"type": "string", "enum": ["sd", "smp", "sma", "smk", "d1", "d2", "d3", "d4", "s1",
                                        "s2", "s3"]}
SKILLS = {"type": "array", "maxItems": 30, "items": text(60, 1)}
CONTACT = obj({"phone": text(20), "email": text(254), "address": text(300)})
EMPLOYER = obj({"name": text(160, 1), "sector": text(120), "address": text(300),
                "url": text(300, pattern=r"^https?://\S+$"), "contact": CONTACT},
               required=("name", "contact"))
VACANCY = obj({
    "title": text(120, 1), "description": text(5000, 1), "kbji": text(6, pattern=r"^[0-9]{4,6}$"),
    "employment_type": {"type": "array", "minItems": 1, "maxItems": 8, "items": {
        "type": "string", "enum": ["FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY", "INTERN",
                                   "VOLUNTEER", "PER_DIEM", "OTHER"]}},
    "education": EDUCATION, "skills": SKILLS, "address": text(300), "region": REGION_CODE,
    "salary": obj({"min": RUPIAH, "max": RUPIAH,
                   "currency": {"type": "string", "enum": ["IDR"]},
                   "unit": {"type": "string", "enum": ["HOUR", "DAY", "WEEK", "MONTH", "YEAR"]}},
                  required=("min", "max")),
    "valid_through": text(40, 10), "openings": {"type": "integer", "minimum": 1, "maximum": 1000}},
    required=("title", "description", "employment_type", "education", "salary", "valid_through"))
REASON = obj({"reason": text(500, 1)}, required=("reason",))
APPLICATION = obj({"cover_letter": text(4000)})
APPLICATION_MOVE = obj({"status": {"type": "string", "enum": ["interview", "accepted", "rejected"]},
                        "note": text(1000)}, required=("status",))
SOURCES = obj({"sources": {"type": "array", "maxItems": 50, "items": REGION_CODE}},
              required=("sources",))
# who may set a region's vacancy sources is the pencaker service's decision: the
# route reads the body first, so `sources` is checked there, after the caller
VACANCY_SOURCES = obj({"sources": SOURCES["properties"]["sources"]})
VACANCY_QUERY = {"q": text(200), "regions": text(300), "education": text(10),
                 "employment_type": text(200), "min_salary": RUPIAH,
                 "skills": text(500), "sort": {"type": "string", "enum": ["relevance", "newest"]},
                 "page": PAGE["page"], "per_page": {"type": "integer", "minimum": 1, "maximum": 50}}
VACANCY_FORMAT = {"format": {"type": "string", "enum": ["json", "jsonld"]}}

# prices ----------------------------------------------------------------------
DAY = text(10, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
RECORD = obj({"date": DAY, "prices": {"type": "array", "minItems": 1, "maxItems": 200, "items": obj(
    {"commodity": text(60, 1), "unit": text(20), "price": {"type": "number", "minimum": 1,
                                                           "maximum": 100_000_000}},
    required=("commodity", "price"))}}, required=("prices",))
SHEET = {"text/csv": {"type": "string", "format": "binary",
                      "description": "CSV UTF-8 with a header: date, market, commodity, price (unit)"},
         "multipart/form-data": {"type": "object", "required": ["sheet"], "properties": {
             "sheet": {"type": "string", "format": "binary", "description": "the CSV file"}}}}
FORMAT = {"format": {"type": "string", "enum": ["json", "csv"]}}
BOARD_QUERY = {"date": DAY, **FORMAT}
HISTORY_QUERY = {"commodity": text(60), "scope": {"type": "string", "enum": ["region", "market"]},
                 "market": text(60), "from": DAY, "to": DAY, **FORMAT}
COMPARE_QUERY = {"commodity": text(60), "date": DAY, "regions": text(300), **FORMAT}
IMPORT_QUERY = {"market": text(60, description="the market of rows that name none")}

# news ------------------------------------------------------------------------
NEWS_CATEGORY = text(40)
ARTICLE = obj({
    "title": text(200), "slug": text(120), "summary": text(500),
    "body": text(60_000, description="HTML; sanitized on the way in"),
    "category": NEWS_CATEGORY, "tags": {"type": "array", "maxItems": 10, "items": text(40)},
    "cover_image_url": text(500), "author": text(120), "publish_at": text(40),
    "correction_note": text(500)})
NEW_ARTICLE = {**ARTICLE, "required": ["title", "body"]}
NEWS_QUERY = {"category": NEWS_CATEGORY, "tag": text(40), "q": text(200),
              "limit": {"type": "integer", "minimum": 1, "maximum": 50}, "page": PAGE["page"],
              "cursor": text(200)}
NEWSROOM_QUERY = {"status": text(20), "limit": NEWS_QUERY["limit"], "page": PAGE["page"]}
NEWS_SUBSCRIPTIONS = SOURCES
FEED_SOURCE = obj({"url": URL, "name": text(120, 1), "category": NEWS_CATEGORY,
                   "interval_minutes": {"type": "integer", "minimum": 1, "maximum": 1440}},
                  required=("url", "name"))

# platform --------------------------------------------------------------------
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
    "edge": {"type": "boolean"}, "timezone": text(60), "subscriptions": SUBSCRIPTION_LIST,
    "categories": {"type": "array", "maxItems": 100, "items": obj(
        {"code": text(60, 1), "name": text(120, 1), "opd": text(60, 1)},
        required=("code", "name", "opd"))}}, required=("code", "name", "province"))
RESUBSCRIBE = obj({"subscriptions": SUBSCRIPTION_LIST}, required=("subscriptions",))
PURGE = {"purge": {"type": "boolean"}}


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
                      "timezone": S})
LIVE = record({"region": REGION_VIEW, "generated_at": S, "sections": OBJECT})
CATEGORY_VIEW = record({"code": S, "name": S, "opd": S})
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

SALARY = record({"min": INT, "max": INT, "currency": S, "unit": S})
VACANCY_VIEW = record(
    {"id": S, "title": S, "description": S, "employment_type": {"type": "array", "items": S},
     "education": S, "skills": ARRAY, "region": S, "salary": SALARY, "valid_through": S,
     "openings": INT, "employer": OBJECT, "status": S, "open": BOOL, "created_at": S},
    {"kbji": nullable(S), "address": nullable(S), "posted_at": nullable(S), "close_reason": nullable(S),
     "reject_reason": nullable(S)})
VACANCY_SEARCH = items_of(VACANCY_VIEW, region=S, total=INT, page=INT, per_page=INT)
JOB_POSTING = record({"@context": S, "@type": S, "title": S, "description": S, "datePosted": S,
                      "validThrough": S, "hiringOrganization": OBJECT, "baseSalary": OBJECT})
SEEKER_VIEW = record({"seeker_id": S, "card_number": S, "region": S, "name": S, "education": OBJECT,
                      "skills": ARRAY, "contact": OBJECT, "status": S, "version": INT},
                     {"expected_salary": nullable(INT)})
SEEKER_REGISTERED = record({**SEEKER_VIEW["properties"], "token": S})
MATCHES = items_of(record({"score": NUM}))
APPLICATION_VIEW = record({"id": S, "vacancy_id": S, "seeker_id": S, "status": S, "submitted_at": S,
                           "history": ARRAY}, {"cover_letter": nullable(S)})
EMPLOYER_VIEW = record({"_id": S, "region": S, "name": S, "created_at": S},
                       {"sector": nullable(S), "url": nullable(S), "address": nullable(S)})
REGION_SOURCES = record({"region": S, "sources": {"type": "array", "items": S}})

PRICE_ITEM = record({"commodity": S, "date": S, "price": NUM}, {"previous_price": nullable(NUM),
                                                                 "gap_percent": nullable(NUM)})
PRICE_CATALOGUE = record({"region": S, "commodities": ARRAY, "markets": ARRAY})
PRICE_BOARD = record({"region": S, "items": {"type": "array", "items": PRICE_ITEM}},
                     {"date": nullable(S), "market": nullable(S)})
PRICE_HISTORY = record({"region": S, "commodity": S, "scope": S, "points": ARRAY})
PRICE_COMPARE = record({"commodity": S, "items": {"type": "array", "items": record(
    {"region": S}, {"price": nullable(NUM)})}}, {"date": nullable(S)})
PRICE_ALERTS = items_of(OBJECT, region=S)
IMPORT_REPORT = record({"import_id": S, "region": S, "accepted": INT, "new": INT, "corrected": INT,
                        "unchanged": INT, "rejected": ARRAY})
PRICE_RECORD = record({"market": S, "commodity": S, "date": S, "price": NUM, "history": ARRAY})

ARTICLE_VIEW = record({"id": S, "region": S, "slug": S, "title": S, "summary": S, "body": S,
                       "category": S, "tags": ARRAY, "author": S, "origin": S, "canonical_url": S},
                      {"published_at": nullable(S), "cover_image_url": nullable(S)})
EDITOR_ARTICLE = record({**ARTICLE_VIEW["properties"], "status": S, "version": INT, "history": ARRAY})
ARTICLE_PAGE = items_of(ARTICLE_VIEW, limit=INT, has_more=BOOL)
NEWSROOM_PAGE = items_of(EDITOR_ARTICLE, limit=INT, page=INT)
FEED_SOURCE_VIEW = record({"url": S, "name": S, "category": S, "interval_minutes": INT, "failures": INT},
                          {"last_error": nullable(S)})
NEWS_CATEGORIES = items_of(record({"code": S, "name": S}))

TOKEN = record({"access_token": S, "token_type": S, "expires_in": INT, "role": S, "region": S})
ACCOUNT_VIEW = record({"username": S, "role": S, "region": S}, {"opd": nullable(S)})
ADMIN_REGIONS = items_of(record({**REGION_VIEW["properties"], "subscriptions": ARRAY}))
REGION_TOPOLOGY = record({"region": REGION_VIEW, "queue": S, "bindings": ARRAY},
                         {"categories": nullable(INT)})
QUEUE_BINDINGS = record({"queue": S, "bindings": ARRAY, "added": ARRAY, "removed": ARRAY})
REGION_REMOVED = record({"region": REGION_VIEW, "queue": S, "queue_deleted": BOOL})
OPENAPI = record({"openapi": S, "paths": OBJECT})

# what a created record leads to (OpenAPI links) -------------------------------
CODE = "$request.path.code"
TICKET_LINKS = {op: {"number": "$response.body#/number"}
                for op in ("get_aspirasi", "get_aspirasi_details", "transition_aspirasi")}
SEEKER_LINKS = {op: {"seeker_id": "$response.body#/seeker_id"}
                for op in ("get_seeker", "update_seeker", "seeker_matches", "seeker_applications")}
EMPLOYER_LINKS = {op: {"employer_id": "$response.body#/_id"}
                  for op in ("get_employer", "post_vacancy", "employer_vacancies")}
VACANCY_LINKS = {op: {"vacancy_id": "$response.body#/id"}
                 for op in ("get_vacancy", "vacancy_jsonld", "verify_vacancy", "reject_vacancy",
                            "close_vacancy", "vacancy_matches", "apply_to_vacancy")}
APPLICATION_LINKS = {op: {"application_id": "$response.body#/id"}
                     for op in ("withdraw_application", "move_application")}
ARTICLE_LINKS = {op: {"code": CODE, "slug": "$response.body#/slug"}
                 for op in ("newsroom_article", "update_news")}
