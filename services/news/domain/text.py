"""An article's text: the HTML a body may keep, plain text from markup, slugs, summaries,
the words it is found by, its canonical address and the moments it names."""
import html
import re
import unicodedata
from datetime import datetime
from typing import Any

import nh3

from services.news.commands import MAX_SLUG
from services.servicekit.contracts.news import BODY_TAGS
from services.servicekit.errors import ValidationFailed
from services.servicekit.regions import Region
from services.servicekit.validation import strip_control

SUMMARY_FROM_BODY = 280
BODY_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
                   "th": {"colspan", "rowspan", "scope"}, "td": {"colspan", "rowspan"},
                   "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_body(value: str) -> str:
    """HTML an article may show, whatever was sent (pasted control characters dropped)."""
    return nh3.clean(strip_control(value), tags=BODY_TAGS, attributes=BODY_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener noreferrer nofollow", strip_comments=True)


def strip_markup(value: str) -> str:
    """Text without any markup (script and style contents dropped), whitespace collapsed."""
    text = strip_control(html.unescape(nh3.clean(value, tags=set())))
    return " ".join(text.split())


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_SLUG].strip("-")


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def search_text(fields: dict[str, Any]) -> str:
    return " ".join([fields["title"], fields["summary"], strip_markup(fields["body"]),
                     " ".join(fields["tags"])]).lower()


def canonical_url(region: Region, slug: str) -> str:
    """The article's page on its region's own site (https, as the event contracts require),
    at the gateway's article path: where syndicated copies link back to."""
    return f"https://{region.domain}/berita/{region.code}/{slug}"


def parse_moment(value: Any, field: str) -> datetime:
    """An aware datetime from a datetime or an ISO-8601 string with a timezone."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationFailed.field(
                field, f"{value[:40]!r} is not an ISO-8601 date-time like 2026-12-01T07:00:00+07:00",
                code="bad_moment") from None
    if not isinstance(value, datetime):
        raise ValidationFailed.field(field, "must be an ISO-8601 date-time", code="bad_moment")
    if value.tzinfo is None:
        raise ValidationFailed.field(field, "needs a timezone, e.g. +07:00 or Z", code="no_timezone")
    return value
