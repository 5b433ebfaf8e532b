"""Fetching an external RSS/Atom feed (a province portal, say) with feedparser.

The HTTP fetch has a deadline and sends the validators the feed gave last
time (ETag, Last-Modified), so an unchanged feed costs a 304. Whatever goes
wrong comes back as FeedError with a one-line reason to record.
"""
import calendar
from datetime import datetime, timezone

import feedparser
import requests

FETCH_TIMEOUT = 5
MAX_FEED_BYTES = 5 * 1024 * 1024
USER_AGENT = "TangerangLive-News/1.0 (+feed ingestion)"


class FeedError(Exception):
    """The feed could not be fetched or read; the message says why."""


def _moment(struct):
    return datetime.fromtimestamp(calendar.timegm(struct), timezone.utc) if struct else None


def _entry(raw):
    content = raw.get("content") or []
    return {
        "id": raw.get("id") or raw.get("link"),
        "title": raw.get("title"),
        "link": raw.get("link"),
        "summary": raw.get("summary"),
        "content": content[0].get("value") if content else None,
        "author": raw.get("author"),
        "published": _moment(raw.get("published_parsed") or raw.get("updated_parsed")),
    }


def fetch(url, etag=None, modified=None, timeout=FETCH_TIMEOUT):
    """{"not_modified": bool, "entries": [...], "etag", "modified", "title"} or FeedError."""
    headers = {"User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    try:
        with requests.get(url, headers=headers, timeout=timeout, stream=True) as response:
            body = b""
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > MAX_FEED_BYTES:
                    raise FeedError(f"the feed is larger than {MAX_FEED_BYTES} bytes")
    except requests.RequestException as exc:
        raise FeedError(f"unreachable: {type(exc).__name__}") from None
    validators = {"etag": response.headers.get("ETag"),
                  "modified": response.headers.get("Last-Modified")}
    if response.status_code == 304:
        return {"not_modified": True, "entries": [], "title": None,
                "etag": validators["etag"] or etag, "modified": validators["modified"] or modified}
    if response.status_code >= 400:
        raise FeedError(f"HTTP {response.status_code} from the feed")
    parsed = feedparser.parse(body, response_headers={
        "content-type": response.headers.get("Content-Type", "application/xml"),
        "content-location": url})
    # feedparser is lenient on purpose: a feed with minor flaws still has
    # entries worth reading; only a feed it could not read at all is an error.
    if parsed.bozo and not parsed.entries:
        raise FeedError(f"not a readable RSS/Atom feed ({type(parsed.bozo_exception).__name__}: "
                        f"{str(parsed.bozo_exception)[:120]})")
    if not parsed.version:
        raise FeedError("not an RSS or Atom feed")
    entries = [_entry(raw) for raw in parsed.entries]
    return {"not_modified": False, "entries": [e for e in entries if e["id"]],
            "title": parsed.feed.get("title"), **validators}
