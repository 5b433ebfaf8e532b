"""RSS 2.0 and Atom (RFC 4287) feeds of a region's news, made with feedgen.

A feed's bytes depend only on its articles (no "generated now" timestamps),
so its ETag, a hash of those bytes, only changes when an article does, and
Last-Modified is the newest article change: readers can poll cheaply.
"""
import hashlib
from datetime import datetime, timezone

from feedgen.feed import FeedGenerator

from services.news.domain import CATEGORIES
from services.servicekit.public_url import public_url

KINDS = {"rss": "application/rss+xml; charset=utf-8", "atom": "application/atom+xml; charset=utf-8"}
EPOCH = datetime(2020, 1, 1, tzinfo=timezone.utc)


def feed_url(region, kind, category=None):
    path = f"{category}/{kind}.xml" if category else f"{kind}.xml"
    return public_url(region, f"/feeds/{region.code}/{path}")


def entry_id(article):
    """A permanent, globally unique id: the article's UUID as a URN."""
    return f"urn:uuid:{article['_id']}"


def build(region, articles, kind, category=None):
    """{"body": bytes, "content_type", "etag", "last_modified"} of one feed."""
    title = f"Berita {region.name}" + (f": {CATEGORIES[category]}" if category else "")
    self_url = feed_url(region, kind, category)
    last_modified = max((a["updated_at"] for a in articles), default=EPOCH)
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(title)
    fg.subtitle(f"Berita resmi {region.name}, {region.province}")
    fg.author({"name": f"Redaksi {region.name}"})
    fg.link(href=self_url, rel="self")
    # the channel's link is the page the feed mirrors (feedgen's RSS <link> is the last one given)
    fg.link(href=public_url(region, f"/r/{region.code}/berita"), rel="alternate")
    fg.language("id")
    fg.generator("Tangerang Live")
    fg.updated(last_modified)
    fg.lastBuildDate(last_modified)
    # feedgen lists entries last-added first; add oldest first to keep newest on top.
    for article in reversed(articles):
        entry = fg.add_entry()
        entry.id(entry_id(article))
        entry.guid(entry_id(article), permalink=False)
        entry.title(article["title"])
        # the article as this region's page shows it (syndicated ones too)
        entry.link(href=public_url(region, f"/berita/{region.code}/{article['slug']}"), rel="alternate")
        entry.summary(article["summary"] or article["title"])
        entry.content(article["body"], type="html")
        entry.author({"name": article["author"]})
        entry.published(article["published_at"])
        entry.updated(article["updated_at"])
        entry.category(term=article["category"], label=CATEGORIES.get(article["category"]))
    body = fg.rss_str(pretty=True) if kind == "rss" else fg.atom_str(pretty=True)
    return {"body": body.decode(), "content_type": KINDS[kind],
            "etag": hashlib.sha256(body).hexdigest()[:32], "last_modified": last_modified}
