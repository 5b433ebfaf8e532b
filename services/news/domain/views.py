"""What leaves the service: the article as readers and editors see it, and the payloads
other regions get (the public byline, never an editor's account)."""
from typing import Any

from services.servicekit.contracts.news import CATEGORIES, STATE_LABELS
from services.servicekit.envelope import isoformat

Article = dict[str, Any]


# Nested entries leave key by key (an allow-list): a key added where they are made, such
# as who made a correction, stays inside until it is named here on purpose.
CORRECTION_KEYS = ("at", "note")
HISTORY_KEYS = ("action", "from", "to", "at")  # never `actor`: an editor's account


def public_view(article: Article) -> dict[str, Any]:
    """What readers see. `created_by` (an editor's account) never leaves the service."""
    return {
        "id": article["_id"], "region": article["region"], "slug": article["slug"],
        "title": article["title"], "summary": article["summary"], "body": article["body"],
        "category": article["category"], "category_label": CATEGORIES.get(article["category"]),
        "tags": article["tags"], "cover_image_url": article.get("cover_image_url"),
        "author": article["author"], "published_at": article.get("published_at"),
        "updated_at": article["updated_at"], "corrections": [
            {k: entry[k] for k in CORRECTION_KEYS} for entry in article.get("corrections", [])],
        "origin": article["origin"], "source_region": article["source_region"],
        "source_name": article.get("source_name"), "canonical_url": article["canonical_url"],
    }


def editor_view(article: Article) -> dict[str, Any]:
    return {**public_view(article), "status": article["status"],
            "status_label": STATE_LABELS[article["status"]], "version": article["version"],
            "publish_at": article.get("publish_at"), "created_at": article["created_at"],
            "history": [{k: h[k] for k in HISTORY_KEYS if k in h} for h in article["history"]]}


def event_payload(article: Article, revision: int) -> dict[str, Any]:
    """What other regions may carry: the article and its public byline, nothing more."""
    return {
        "article_id": article["_id"], "slug": article["slug"], "title": article["title"],
        "summary": article["summary"], "body": article["body"], "category": article["category"],
        "tags": article["tags"], "cover_image_url": article.get("cover_image_url"),
        "author": article["author"], "status": article["status"],
        "published_at": isoformat(article["published_at"]),
        "updated_at": isoformat(article["updated_at"]),
        "canonical_url": article["canonical_url"], "revision": revision,
    }


def retracted_payload(article: Article, revision: int) -> dict[str, Any]:
    return {"article_id": article["_id"], "slug": article["slug"],
            "canonical_url": article["canonical_url"],
            "retracted_at": isoformat(article["retracted_at"]), "revision": revision}
