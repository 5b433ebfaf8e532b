"""Articles that come from elsewhere: a subscribed region's (syndicated copies, linking
back to the original) and an external feed's (ingested entries), and the feed sources
a region ingests, with when to fetch each again."""
import hashlib
from datetime import datetime, timedelta
from typing import Any

from services.news import commands
from services.news.domain.text import (
    SUMMARY_FROM_BODY,
    parse_moment,
    sanitize_body,
    search_text,
    shorten,
    slugify,
    strip_markup,
)
from services.servicekit.contracts.news import CATEGORIES
from services.servicekit.errors import ValidationFailed
from services.servicekit.validation import check_body

MAX_BACKOFF = timedelta(hours=6)


def syndicated_copy(event: dict[str, Any], subscriber_region: str, slug: str) -> dict[str, Any]:
    """A subscriber region's copy of another region's article, from its event."""
    payload = event["payload"]
    body = sanitize_body(payload["body"])  # a partner's HTML is input like any other
    fields = {"title": strip_markup(payload["title"]), "summary": strip_markup(payload["summary"]),
              "body": body, "tags": payload["tags"]}
    return {
        "region": subscriber_region, "slug": slug, **fields,
        "category": payload["category"] if payload["category"] in CATEGORIES else "pengumuman",
        "cover_image_url": payload.get("cover_image_url"), "author": payload["author"],
        "status": payload["status"], "origin": "syndicated", "source_region": event["region"],
        "source_article_id": payload["article_id"], "source_revision": payload["revision"],
        "canonical_url": payload["canonical_url"], "search_text": search_text(fields),
        "published_at": parse_moment(payload["published_at"], "published_at"),
        "updated_at": parse_moment(payload["updated_at"], "updated_at"),
        "corrections": [], "history": [],
    }


def copy_slug(source_slug: str, source_region: str) -> str:
    return f"{source_slug}-{source_region.replace('.', '')}"[:commands.MAX_SLUG]


def subscriptions(region_code: str, sources: Any) -> list[str]:
    """The regions `region_code` carries, checked (NEWS_SUBSCRIPTIONS; never itself)."""
    check_body(commands.NEWS_SUBSCRIPTIONS, {"sources": sources})
    if region_code in sources:
        raise ValidationFailed.field("sources", "a region does not subscribe to itself",
                                     code="self_subscription", region=region_code)
    return sorted(set(sources))


def next_attempt(failures: int, interval: timedelta, now: datetime) -> datetime:
    """When to fetch a feed again: its interval, doubled after every failure in a row."""
    return now + min(interval * (2 ** failures), max(MAX_BACKOFF, interval))


def fetch_failed(source: dict[str, Any], error: str, now: datetime) -> dict[str, Any]:
    """A feed source's changes after a failed fetch: one failure more, fetched again later."""
    failures = source["failures"] + 1
    return {"failures": failures, "last_error": error, "last_failed_at": now,
            "next_fetch_at": next_attempt(failures, timedelta(minutes=source["interval_minutes"]), now)}


def fetch_succeeded(result: dict[str, Any], now: datetime, interval_minutes: int) -> dict[str, Any]:
    """A feed source's changes after a fetch: no failures, the feed's validators kept."""
    return {"failures": 0, "last_error": None, "last_fetched_at": now,
            "etag": result["etag"], "modified": result["modified"],
            "next_fetch_at": next_attempt(0, timedelta(minutes=interval_minutes), now)}


def from_feed(source: dict[str, Any], entry: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The article of a feed's entry. Its id comes from the feed's own entry id: a second
    fetch of the same entry maps to the same article and is dropped."""
    digest = hashlib.sha256(f"{source['_id']}\n{entry['id']}".encode()).hexdigest()[:24]
    slug = (slugify(entry.get("title") or "")[:80].strip("-") or "berita") + "-" + digest[:6]
    return ingested_article(entry, source, source["region"], f"{source['region']}:feed:{digest}", slug, now)


def feed_source(region_code: str, url: Any, name: Any, category: Any, interval_minutes: Any,
                now: datetime, public_host: bool) -> dict[str, Any]:
    """A new feed source from an editor's input (FEED_SOURCE), every bad field named at once;
    `public_host`: whether the URL's host resolves to public addresses only."""
    sent = {"url": url, "name": name, "category": category, "interval_minutes": interval_minutes}
    problems: dict[str, Any] = {}
    try:
        check_body(commands.FEED_SOURCE, {k: v for k, v in sent.items() if v is not None})
    except ValidationFailed as exc:
        problems.update(exc.details["fields"])
    if "url" not in problems and not public_host:
        problems["url"] = {"code": "private_address", "message": "must be a public address, not a private, "
                                                                 "loopback or link-local one"}
    if "name" not in problems and not strip_markup(name):
        problems["name"] = {"code": "required", "message": "is required: the feed's public name"}
    if "category" not in problems and category not in CATEGORIES:
        problems["category"] = unknown_category(category)
    if problems:
        raise ValidationFailed.of(problems)
    return {"_id": f"{region_code}|{url}", "region": region_code, "url": url,
            "name": strip_markup(name)[:120], "category": category,
            "interval_minutes": interval_minutes, "next_fetch_at": now, "failures": 0,
            "last_error": None, "last_fetched_at": None, "etag": None, "modified": None}


def unknown_category(code: Any) -> dict[str, Any]:
    return {"code": "unknown_news_category", "category": str(code)[:40], "allowed": list(CATEGORIES),
            "message": f"{str(code)[:40]!r} is unknown; choose one of " + ", ".join(CATEGORIES)}


def ingested_article(entry: dict[str, Any], source: dict[str, Any], region: str, article_id: str, slug: str,
                     now: datetime) -> dict[str, Any]:
    """An article from an external feed's entry (already parsed to a plain dict)."""
    body = sanitize_body(entry.get("content") or entry.get("summary") or "")
    title = strip_markup(entry.get("title") or "") or "(tanpa judul)"
    fields = {"title": title[:commands.MAX_TITLE],
              "summary": shorten(strip_markup(entry.get("summary") or body), SUMMARY_FROM_BODY),
              "body": body, "tags": []}
    published = entry.get("published") or now
    return {
        "_id": article_id, "region": region, "slug": slug, **fields,
        "category": source["category"], "cover_image_url": None,
        "author": strip_markup(entry.get("author") or "") or source["name"], "status": "published",
        "origin": "feed", "source_region": region, "source_name": source["name"],
        "feed_source": source["_id"], "entry_id": entry["id"],
        "canonical_url": entry.get("link") or source["url"], "search_text": search_text(fields),
        "published_at": published, "updated_at": published, "created_at": now,
        "corrections": [], "history": [],
    }
