"""News' published vocabulary: categories, workflow states, the tags an article body may hold,
and the live view's headline."""
from typing import Any

CATEGORIES = {
    "pemerintahan": "Pemerintahan",
    "pelayanan-publik": "Pelayanan Publik",
    "pendidikan": "Pendidikan",
    "kesehatan": "Kesehatan",
    "ekonomi": "Ekonomi",
    "infrastruktur": "Infrastruktur",
    "lingkungan": "Lingkungan",
    "sosial-budaya": "Sosial dan Budaya",
    "olahraga": "Olahraga",
    "pengumuman": "Pengumuman",
}
STATE_LABELS = {
    "draft": "Draf",
    "in_review": "Ditinjau",
    "scheduled": "Terjadwal",
    "published": "Terbit",
    "archived": "Diarsipkan",
    "retracted": "Ditarik",
}
# What an article body may contain: text structure, links and images. No
# style (CSS expressions), no scripts, forms, frames or SVG; links and image
# sources only over http(s) or mailto. The sanitizer is ammonia (via nh3).
BODY_TAGS = {"p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
             "blockquote", "q", "cite", "code", "pre", "ul", "ol", "li", "a", "img", "figure",
             "figcaption", "table", "thead", "tbody", "tr", "th", "td", "caption", "hr", "span"}


def live_headline(payload: dict[str, Any], source_region: str) -> dict[str, Any]:
    """A headline as the live view lists it, from an article_published or article_updated
    payload and the region that published it (shape: `x-live-item` in article_published.json)."""
    return {"id": payload["article_id"], "title": payload["title"], "slug": payload["slug"],
            "summary": payload["summary"], "published_at": payload["published_at"],
            "category": payload["category"], "source_region": source_region}
