"""News' pure domain: articles, the editorial workflow, slugs, sanitizing, scheduling.

No nameko, no pymongo, no clock reads: callers pass `now`. One module per topic
(text, articles, workflow, views, copies, paging); their public names are also
here, where the service, the tests and the kit's authority test find them.
"""
from services.news.commands import MAX_BODY, MAX_SLUG, MAX_SUMMARY, MAX_TAG, MAX_TAGS, MAX_TITLE
from services.news.domain.articles import FIELDS, clean_fields, create, edit, new_article, update
from services.news.domain.copies import (
    MAX_BACKOFF,
    copy_slug,
    feed_source,
    fetch_failed,
    fetch_succeeded,
    from_feed,
    ingested_article,
    next_attempt,
    subscriptions,
    syndicated_copy,
)
from services.news.domain.paging import (
    MAX_LIMIT,
    MAX_PAGE,
    decode_cursor,
    encode_cursor,
    page_number,
    page_size,
    search_terms,
)
from services.news.domain.text import (
    canonical_url,
    parse_moment,
    sanitize_body,
    search_text,
    slugify,
    strip_markup,
)
from services.news.domain.views import editor_view, event_payload, public_view, retracted_payload
from services.news.domain.workflow import (
    ANNOUNCED,
    AUTHORITY,
    EDITABLE,
    TRANSITIONS,
    act,
    announcement,
    authorize,
    check_own,
    check_version,
    decided,
    is_due,
    publish_due,
    publish_scheduled,
    transition,
)
from services.servicekit.contracts.news import CATEGORIES, STATE_LABELS

__all__ = [
    "ANNOUNCED", "AUTHORITY", "CATEGORIES", "EDITABLE", "FIELDS", "MAX_BACKOFF", "MAX_BODY",
    "MAX_LIMIT", "MAX_PAGE", "MAX_SLUG", "MAX_SUMMARY", "MAX_TAG", "MAX_TAGS", "MAX_TITLE",
    "STATE_LABELS", "TRANSITIONS", "act", "announcement", "authorize", "canonical_url", "check_own",
    "check_version", "clean_fields", "copy_slug", "create", "decided", "decode_cursor", "edit",
    "editor_view", "encode_cursor", "event_payload", "feed_source", "fetch_failed", "fetch_succeeded",
    "from_feed", "ingested_article", "is_due", "new_article", "next_attempt", "page_number",
    "page_size", "parse_moment", "public_view", "publish_due", "publish_scheduled", "retracted_payload",
    "sanitize_body", "search_terms", "search_text", "slugify", "strip_markup", "subscriptions",
    "syndicated_copy", "transition", "update",
]
