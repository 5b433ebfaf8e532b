"""What each news command and query accepts, as JSON Schema: the one description the
gateway documents and checks requests by (OpenAPI) and the domain checks its input by
(servicekit.validation.check_body). Shape only: whether a category exists, whether
markup leaves any text, whether a time is ahead or a feed's host public, is the
domain's (domain/articles.py, domain/feeds.py)."""
from typing import Any

from services.servicekit.regions import CODE_PATTERN
from services.servicekit.schema_parts import obj, text

Schema = dict[str, Any]


MAX_TITLE = 200
MAX_SUMMARY = 500
MAX_BODY = 60_000
MAX_TAGS = 10
MAX_TAG = 40
MAX_SLUG = 120
MAX_URL = 500
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
URL_PATTERN = r"^https?://[^\s<>\"']+$"
REGION_CODE = text(5, pattern=CODE_PATTERN.pattern, example="36.71")
PAGE = {"type": "integer", "minimum": 1, "maximum": 10_000}
NEWS_CATEGORY = text(40)

# commands ---------------------------------------------------------------------
# create (NEW_ARTICLE) and update (ARTICLE: the fields to change) of an article.
ARTICLE = obj({
    "title": text(MAX_TITLE),
    "slug": {**text(MAX_SLUG, pattern=SLUG_PATTERN), "x-code": "bad_slug",
             "x-error": "use lowercase letters, digits and single hyphens (e.g. banjir-di-ciledug)"},
    "summary": text(MAX_SUMMARY),
    "body": text(MAX_BODY, description="HTML; sanitized on the way in"),
    "category": NEWS_CATEGORY, "tags": {"type": "array", "maxItems": MAX_TAGS, "items": text(MAX_TAG)},
    "cover_image_url": {**text(MAX_URL, pattern=r"^(?:https?://[^\s<>\"']+)?$"), "x-code": "bad_url",
                        "x-error": "must be an http(s) URL"},
    "author": text(120), "publish_at": text(40),
    "correction_note": text(500)})
NEW_ARTICLE = {**ARTICLE, "required": ["title", "body"]}
UPDATE_ARTICLE = ARTICLE
# transition: submit, publish, archive or retract (the route's path names the action).
TRANSITION = obj({"action": {"type": "string", "enum": ["submit", "publish", "archive", "retract"]}},
                 required=("action",))
PREVIEW = obj({"body": ARTICLE["properties"]["body"]}, required=("body",))
# set_subscriptions: which regions' news a region carries.
NEWS_SUBSCRIPTIONS = obj({"sources": {"type": "array", "maxItems": 50, "items": REGION_CODE}},
                         required=("sources",))
# add_feed_source: an external RSS/Atom feed ingested on a schedule.
FEED_SOURCE = obj({"url": {**text(MAX_URL, pattern=URL_PATTERN), "x-code": "bad_url",
                           "x-error": "must be an http(s) URL of an RSS or Atom feed"},
                   "name": text(120, 1), "category": NEWS_CATEGORY,
                   "interval_minutes": {"type": "integer", "minimum": 1, "maximum": 1440}},
                  required=("url", "name"))

# queries ----------------------------------------------------------------------
NEWS_QUERY = {"category": NEWS_CATEGORY, "tag": text(40), "q": text(200),
              "limit": {"type": "integer", "minimum": 1, "maximum": 50}, "page": PAGE,
              "cursor": text(200)}
NEWSROOM_QUERY = {"status": text(20), "limit": NEWS_QUERY["limit"], "page": PAGE}
