"""Reading lists of articles: page sizes and numbers, search words, and the cursor that
continues a list where the last answer ended."""
import base64
import binascii
import json
import re
from datetime import datetime
from typing import Any

from services.news.domain.text import parse_moment
from services.servicekit.envelope import isoformat
from services.servicekit.errors import ValidationFailed

MAX_LIMIT = 50
MAX_PAGE = 10_000
MAX_TERMS = 8
MAX_QUERY = 200


def _whole(value: Any, name: str, most: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed.field(name, "must be a whole number", code="not_integer") from None
    if not 1 <= number <= most:
        raise ValidationFailed.field(name, f"must be between 1 and {most}", code="out_of_range", min=1,
                                     max=most)
    return number


def page_size(limit: Any) -> int:
    return _whole(limit, "limit", MAX_LIMIT)


def page_number(page: Any) -> int:
    return _whole(page, "page", MAX_PAGE)


def search_terms(q: Any) -> list[str]:
    """Regex-safe words of a search query, every one of which must match."""
    if q is None:
        return []
    if not isinstance(q, str) or len(q) > MAX_QUERY:
        raise ValidationFailed.field("q", f"must be text of at most {MAX_QUERY} characters", code="too_long",
                                     max=MAX_QUERY)
    words = q.lower().split()[:MAX_TERMS]
    return [re.escape(w) for w in words]


def encode_cursor(article: dict[str, Any]) -> str:
    raw = json.dumps([isoformat(article["published_at"]), article["_id"]]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """(published_at, id) of the last article of the previous page."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, article_id = json.loads(raw)
        return parse_moment(moment, "cursor"), str(article_id)
    except (ValueError, TypeError, binascii.Error, ValidationFailed):
        raise ValidationFailed.field("cursor", "is not a cursor this API gave out; start over "
                                               "without it", code="bad_cursor") from None
