"""News entrypoints of external feeds: the sources a region ingests (RSS/Atom) and
the timer that fetches the due ones into articles."""
import hashlib
import logging
from datetime import timedelta

from nameko.dependency_providers import Config
from nameko.timer import timer

from services.news import domain, ingest
from services.news.repository import NewsRepository
from services.servicekit.caller import Caller
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import utcnow
from services.servicekit.errors import NotFound, ValidationFailed
from services.servicekit.regions import get_region
from services.servicekit.store import MongoStore

log = logging.getLogger(__name__)


class FeedSources:
    config = Config()
    repo = MongoStore(NewsRepository)

    @rpc
    def add_feed_source(self, region_code, url, name, category="pengumuman", interval_minutes=15, *,
                        caller):
        """Ingest an external RSS/Atom feed into the region's news on a schedule."""
        get_region(region_code)
        domain.authorize("manage_feed_sources", Caller.verify(caller), region_code)
        if not isinstance(url, str) or not domain.URL.match(url) or len(url) > 500:
            raise ValidationFailed.field("url", "must be an http(s) URL of an RSS or Atom feed")
        allowed = ingest.allowed_networks(self.config.get("FEED_ALLOWED_NETWORKS"))
        if not ingest.names_public_host(url, allowed):
            raise ValidationFailed.field("url", "must be a public address, not a private, loopback or "
                                                "link-local one")
        if not isinstance(name, str) or not name.strip():
            raise ValidationFailed.field("name", "is required: the feed's public name")
        if category not in domain.CATEGORIES:
            raise ValidationFailed.field("category", "one of " + ", ".join(domain.CATEGORIES))
        if not isinstance(interval_minutes, int) or not 1 <= interval_minutes <= 1440:
            raise ValidationFailed.field("interval_minutes", "must be 1-1440")
        source = {"_id": f"{region_code}|{url}", "region": region_code, "url": url,
                  "name": domain.strip_markup(name)[:120], "category": category,
                  "interval_minutes": interval_minutes, "next_fetch_at": utcnow(), "failures": 0,
                  "last_error": None, "last_fetched_at": None, "etag": None, "modified": None}
        self.repo.save_feed_source(source)
        return _source_view(source)

    @rpc
    def feed_sources(self, region_code, *, caller):
        get_region(region_code)
        domain.authorize("manage_feed_sources", Caller.verify(caller), region_code)
        return [_source_view(s) for s in self.repo.feed_sources(region_code)]

    @rpc
    def remove_feed_source(self, region_code, url, *, caller):
        """Stop ingesting a feed; what it brought in stays."""
        get_region(region_code)
        domain.authorize("manage_feed_sources", Caller.verify(caller), region_code)
        if not self.repo.remove_feed_source(region_code, url):
            raise NotFound(f"no feed source {str(url)[:120]!r} in region {region_code}", {"field": "url"})
        return {"removed": url}

    @rpc
    def ingest_due(self):
        """Fetch every feed source that is due; one broken feed never stops the others."""
        report = {"fetched": 0, "failed": 0, "new_articles": 0}
        for source in self.repo.due_feed_sources(utcnow()):
            interval = timedelta(minutes=source["interval_minutes"])
            try:
                result = ingest.fetch(source["url"], source.get("etag"), source.get("modified"),
                                      allowed=ingest.allowed_networks(self.config.get("FEED_ALLOWED_NETWORKS")))
            except ingest.FeedError as exc:
                failures = source["failures"] + 1
                now = utcnow()
                self.repo.record_fetch(source, {
                    "failures": failures, "last_error": str(exc), "last_failed_at": now,
                    "next_fetch_at": domain.next_attempt(failures, interval, now)})
                log.warning("feed %s failed (%s); retry in a while", source["url"], exc)
                report["failed"] += 1
                continue
            now = utcnow()
            for entry in result["entries"]:
                report["new_articles"] += self._ingest_entry(source, entry, now)
            self.repo.record_fetch(source, {
                "failures": 0, "last_error": None, "last_fetched_at": now,
                "etag": result["etag"], "modified": result["modified"],
                "next_fetch_at": domain.next_attempt(0, interval, now)})
            report["fetched"] += 1
        return report

    @timer(interval=30)
    def ingest_feeds(self):
        self.ingest_due()

    def _ingest_entry(self, source, entry, now):
        # The id comes from the feed's own entry id: a second fetch of the
        # same entry maps to the same article and is dropped.
        digest = hashlib.sha256(f"{source['_id']}\n{entry['id']}".encode()).hexdigest()[:24]
        slug = (domain.slugify(entry.get("title") or "")[:80].strip("-") or "berita") + "-" + digest[:6]
        article = domain.ingested_article(entry, source, source["region"],
                                          f"{source['region']}:feed:{digest}", slug, now)
        return int(self.repo.insert_ingested(article))


def _source_view(source):
    return {k: source.get(k) for k in ("url", "name", "category", "interval_minutes", "failures",
                                       "last_error", "last_fetched_at", "next_fetch_at")}
