"""News entrypoints of external feeds: the sources a region ingests (RSS/Atom) and
the timer that fetches the due ones into articles."""
import logging

from nameko.dependency_providers import Config
from nameko.timer import timer

from services.news import domain, ingest
from services.news.repository import NewsRepository
from services.servicekit.caller import Caller
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import utcnow
from services.servicekit.errors import NotFound
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
        allowed = ingest.allowed_networks(self.config.get("FEED_ALLOWED_NETWORKS"))
        public = isinstance(url, str) and _names_public_host(url, allowed)
        source = domain.feed_source(region_code, url, name, category, interval_minutes, utcnow(), public)
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
            try:
                result = ingest.fetch(source["url"], source.get("etag"), source.get("modified"),
                                      allowed=ingest.allowed_networks(self.config.get("FEED_ALLOWED_NETWORKS")))
            except ingest.FeedError as exc:
                self.repo.record_fetch(source, domain.fetch_failed(source, str(exc), utcnow()))
                log.warning("feed %s failed (%s); retry in a while", source["url"], exc)
                report["failed"] += 1
                continue
            now = utcnow()
            for entry in result["entries"]:
                report["new_articles"] += int(self.repo.insert_ingested(domain.from_feed(source, entry, now)))
            self.repo.record_fetch(source, domain.fetch_succeeded(result, now, source["interval_minutes"]))
            report["fetched"] += 1
        return report

    @timer(interval=30)
    def ingest_feeds(self):
        self.ingest_due()


def _source_view(source):
    return {k: source.get(k) for k in ("url", "name", "category", "interval_minutes", "failures",
                                       "last_error", "last_fetched_at", "next_fetch_at")}


def _names_public_host(url, allowed):
    try:
        return ingest.names_public_host(url, allowed)
    except ValueError:  # not a URL urllib can split (the schema names what is wrong with it)
        return False
