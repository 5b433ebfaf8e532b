"""News entrypoints: editors' workflow, reading, feeds, syndication and feed ingestion."""
import hashlib
import logging
import uuid
from datetime import timedelta

from nameko.dependency_providers import Config
from nameko.events import SERVICE_POOL
from nameko.timer import timer
from prometheus_client import Counter

from services.news import domain, feeds, ingest
from services.news.repository import NewsRepository
from services.servicekit.caller import Caller
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import isoformat, new_event, utcnow
from services.servicekit.errors import Conflict, NotFound, ValidationFailed
from services.servicekit.events import reliable_event_handler
from services.servicekit.health import Observable
from services.servicekit.metrics import Metrics
from services.servicekit.outbox import Outbox
from services.servicekit.regions import get_region
from services.servicekit.store import MongoStore

log = logging.getLogger(__name__)
FEED_ITEMS = 30
HEADLINES = 5
DEFAULT_FEED_INTERVAL = timedelta(minutes=15)
ARTICLES_PUBLISHED = Counter("tl_news_articles_published_total", "Articles published (first publication)",
                             ["region"])


def _editor(caller, region_code):
    """The editor's name, once the caller may write the region's news."""
    return domain.authorize("write_article", Caller.verify(caller), region_code).subject


def _announcement(before, after, revision):
    """The event a change announces: publication, correction, archiving, retraction."""
    if after["status"] == "retracted":
        return new_event("article_retracted", "news", after["region"],
                         domain.retracted_payload(after, revision))
    if after["status"] == "published" and before["status"] != "published":
        return new_event("article_published", "news", after["region"],
                         domain.event_payload(after, revision))
    if after["status"] == "published" or (after["status"] in domain.ANNOUNCED
                                          and before["status"] != after["status"]):
        return new_event("article_updated", "news", after["region"],
                         domain.event_payload(after, revision))
    return None


class NewsService(Observable):
    name = "news"

    config = Config()
    store = MongoStore(NewsRepository)
    outbox = Outbox("articles")
    metrics = Metrics()

    # editors ------------------------------------------------------------
    @rpc
    def categories(self):
        return [{"code": code, "name": name} for code, name in domain.CATEGORIES.items()]

    @rpc
    def create(self, region_code, data, *, caller):
        region = get_region(region_code)
        actor = _editor(caller, region.code)
        article = domain.new_article(data, region, str(uuid.uuid4()), actor, utcnow())
        self.store.insert(article, [])
        return domain.editor_view(self.store.by_slug(region.code, article["slug"]))

    @rpc
    def update(self, region_code, slug, data, *, caller, expected_version=None):
        region = get_region(region_code)
        actor = _editor(caller, region.code)
        article = self._own(region.code, slug)
        self._check_version(article, expected_version)
        changes = domain.edit(article, data, region, actor, utcnow())
        return self._save(article, changes)

    @rpc
    def transition(self, region_code, slug, action, *, caller, expected_version=None):
        get_region(region_code)
        actor = _editor(caller, region_code)
        article = self._own(region_code, slug)
        self._check_version(article, expected_version)
        return self._save(article, domain.transition(article, action, actor, utcnow()))

    @rpc
    def publish_due(self):
        """Publish every scheduled article whose publish_at has come."""
        now = utcnow()
        published = 0
        for article in self.store.due_scheduled(now):
            if not domain.is_due(article, now):  # the query reads the ms shadow field
                continue
            try:
                self._save(article, domain.publish_scheduled(article, now))
                published += 1
            except Conflict:
                pass  # an editor changed it meanwhile; the next tick sees the new state
        return published

    @timer(interval=1)
    def scheduled_publishing(self):
        self.publish_due()

    @rpc
    def newsroom(self, region_code, status=None, limit=20, page=1, *, caller):
        """Every article of the region in any state, for its editors."""
        get_region(region_code)
        domain.authorize("read_newsroom", Caller.verify(caller), region_code)
        if status is not None and status not in domain.STATE_LABELS:
            raise ValidationFailed.field("status", "one of " + ", ".join(domain.STATE_LABELS))
        limit, page = domain.page_size(limit), domain.page_number(page)
        items = self.store.newsroom(region_code, status, limit, (page - 1) * limit)
        return {"items": [domain.editor_view(a) for a in items], "limit": limit, "page": page}

    @rpc
    def get_for_editor(self, region_code, slug, *, caller):
        get_region(region_code)
        domain.authorize("read_newsroom", Caller.verify(caller), region_code)
        return domain.editor_view(self._own(region_code, slug))

    # readers ------------------------------------------------------------
    @rpc
    def get_article(self, region_code, slug):
        get_region(region_code)
        article = self.store.by_slug(region_code, slug)
        if article["status"] != "published":
            raise NotFound(f"no article {slug!r} in region {region_code}", {"field": "slug"})
        return domain.public_view(article)

    @rpc
    def list_articles(self, region_code, category=None, tag=None, q=None, limit=20, page=None,
                      cursor=None):
        """Newest first. Page by `page` (1, 2, ...) or by the `next_cursor` of the last answer."""
        get_region(region_code)
        if category is not None and category not in domain.CATEGORIES:
            raise ValidationFailed.field(
                "category", f"{str(category)[:40]!r} is unknown; one of " + ", ".join(domain.CATEGORIES))
        if page is not None and cursor is not None:
            raise ValidationFailed.field("cursor", "give either page or cursor, not both")
        limit = domain.page_size(limit)
        page_no = domain.page_number(page) if page is not None else 1
        after = domain.decode_cursor(cursor) if cursor else None
        tag = domain.slugify(tag) if tag else None
        found = self.store.published(region_code, category, tag, domain.search_terms(q),
                                     limit=limit + 1, skip=(page_no - 1) * limit if not after else 0,
                                     after=after)
        items = found[:limit]
        more = len(found) > limit
        return {"items": [domain.public_view(a) for a in items], "limit": limit,
                "page": None if cursor else page_no, "has_more": more,
                "next_cursor": domain.encode_cursor(items[-1]) if more else None}

    @rpc
    def headlines(self, region_code, limit=HEADLINES):
        get_region(region_code)
        as_of = isoformat(utcnow())
        return {"headlines": [domain.headline(a) for a in self.store.published(region_code, limit=limit)],
                "as_of": as_of}

    @rpc
    def live_marks(self, region_codes, limit=HEADLINES):
        """Per region, [id, title] of the headlines: how the gateway checks its live view."""
        return {"regions": {code: [[a["_id"], a["title"]] for a in self.store.published(
            get_region(code).code, limit=limit)] for code in region_codes}}

    @rpc
    def feed(self, region_code, kind, category=None):
        """A region's own news as RSS or Atom: {"body", "content_type", "etag", "last_modified"}."""
        region = get_region(region_code)
        if kind not in feeds.KINDS:
            raise ValidationFailed.field("kind", "one of " + ", ".join(feeds.KINDS))
        if category is not None and category not in domain.CATEGORIES:
            raise NotFound(f"no category {str(category)[:40]!r}; one of " + ", ".join(domain.CATEGORIES),
                           {"field": "category"})
        articles = self.store.published(region_code, category, origin="local", limit=FEED_ITEMS)
        return feeds.build(region, articles, kind, category)

    # syndication --------------------------------------------------------
    @rpc
    def subscriptions(self, region_code):
        get_region(region_code)
        return {"region": region_code, "sources": self.store.sources_of(region_code)}

    @rpc
    def set_subscriptions(self, region_code, sources, *, caller):
        """Which regions' news `region_code` carries (from their next article on)."""
        get_region(region_code)
        domain.authorize("set_subscriptions", Caller.verify(caller), region_code)
        if not isinstance(sources, list):
            raise ValidationFailed.field("sources", "must be a list of region codes")
        for code in sources:
            get_region(code)
            if code == region_code:
                raise ValidationFailed.field("sources", "a region does not subscribe to itself")
        self.store.set_sources(region_code, sorted(set(sources)), utcnow())
        return self.subscriptions(region_code)

    # One shared queue per event type (SERVICE_POOL), retried with backoff and
    # dead-lettered by the kit; apply_once drops redeliveries.
    @reliable_event_handler("news", "article_published", handler_type=SERVICE_POOL)
    def on_article_published(self, event):
        self.store.apply_once(event, "syndicate", lambda: self._syndicate(event))

    @reliable_event_handler("news", "article_updated", handler_type=SERVICE_POOL)
    def on_article_updated(self, event):
        self.store.apply_once(event, "syndicate", lambda: self._syndicate(event))

    @reliable_event_handler("news", "article_retracted", handler_type=SERVICE_POOL)
    def on_article_retracted(self, event):
        self.store.apply_once(event, "syndicate", lambda: self._syndicate(event))

    def _syndicate(self, event):
        payload = event["payload"]
        for region_code in self.store.subscribers_of(event["region"]):
            copy_id = f"{region_code}:syn:{payload['article_id']}"
            if event["event_type"] == "article_retracted":
                self.store.retract_copy(copy_id, region_code, payload["revision"], utcnow())
            else:
                slug = domain.copy_slug(payload["slug"], event["region"])
                self.store.save_copy(copy_id, domain.syndicated_copy(event, region_code, slug))

    # external feeds -----------------------------------------------------
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
                  "name": domain.plain_text(name)[:120], "category": category,
                  "interval_minutes": interval_minutes, "next_fetch_at": utcnow(), "failures": 0,
                  "last_error": None, "last_fetched_at": None, "etag": None, "modified": None}
        self.store.save_feed_source(source)
        return _source_view(source)

    @rpc
    def feed_sources(self, region_code, *, caller):
        get_region(region_code)
        domain.authorize("manage_feed_sources", Caller.verify(caller), region_code)
        return [_source_view(s) for s in self.store.feed_sources(region_code)]

    @rpc
    def ingest_due(self):
        """Fetch every feed source that is due; one broken feed never stops the others."""
        report = {"fetched": 0, "failed": 0, "new_articles": 0}
        for source in self.store.due_feed_sources(utcnow()):
            interval = timedelta(minutes=source["interval_minutes"])
            try:
                result = ingest.fetch(source["url"], source.get("etag"), source.get("modified"),
                                      allowed=ingest.allowed_networks(self.config.get("FEED_ALLOWED_NETWORKS")))
            except ingest.FeedError as exc:
                failures = source["failures"] + 1
                now = utcnow()
                self.store.record_fetch(source, {
                    "failures": failures, "last_error": str(exc), "last_failed_at": now,
                    "next_fetch_at": domain.next_attempt(failures, interval, now)})
                log.warning("feed %s failed (%s); retry in a while", source["url"], exc)
                report["failed"] += 1
                continue
            now = utcnow()
            for entry in result["entries"]:
                report["new_articles"] += self._ingest_entry(source, entry, now)
            self.store.record_fetch(source, {
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
        return int(self.store.insert_ingested(article))

    # plumbing -----------------------------------------------------------
    def _own(self, region_code, slug):
        article = self.store.by_slug(region_code, slug)
        if article["origin"] != "local":
            raise Conflict(f"{slug!r} comes from {article.get('source_name') or article['source_region']}"
                           "; edit it at its source", {"field": "slug"})
        return article

    def _check_version(self, article, expected_version):
        if expected_version is not None and expected_version != article["version"]:
            raise Conflict(f"article {article['slug']!r} is at version {article['version']}, not "
                           f"{expected_version}; reload and retry", {"field": "version"})

    def _save(self, article, changes):
        merged = {**article, **changes}
        event = _announcement(article, merged, article["version"] + 1)
        self.store.update(article, changes, [event] if event else [])
        if event and event["event_type"] == "article_published":
            ARTICLES_PUBLISHED.labels(merged["region"]).inc()
        if event:
            self.outbox.flush("articles", article["_id"])
        return domain.editor_view(self.store.by_slug(merged["region"], merged["slug"]))


def _source_view(source):
    return {k: source.get(k) for k in ("url", "name", "category", "interval_minutes", "failures",
                                       "last_error", "last_fetched_at", "next_fetch_at")}
