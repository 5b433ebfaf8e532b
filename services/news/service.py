"""News entrypoints: editors' workflow, reading and feeds (syndication in syndication.py,
external feed sources in feed_sources.py)."""
import uuid

from nameko.dependency_providers import Config
from nameko.timer import timer
from prometheus_client import Counter

from services.news import commands, domain, feeds
from services.news.domain.copies import unknown_category
from services.news.feed_sources import FeedSources
from services.news.repository import NewsRepository
from services.news.syndication import Syndication
from services.servicekit.caller import Caller
from services.servicekit.contracts.news import live_headline
from services.servicekit.decision import Decision
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import isoformat, utcnow
from services.servicekit.errors import Conflict, NotFound, ValidationFailed
from services.servicekit.health import Observable
from services.servicekit.metrics import Metrics
from services.servicekit.outbox import Outbox
from services.servicekit.regions import get_region, registered_codes
from services.servicekit.store import MongoStore
from services.servicekit.validation import check_body

FEED_ITEMS = 30
HEADLINES = 5
ARTICLES_PUBLISHED = Counter("tl_news_articles_published_total", "Articles published (first publication)",
                             ["region"])


def _editor(caller, region_code):
    """The editor's name, once the caller may write the region's news."""
    return domain.authorize("write_article", Caller.verify(caller), region_code).subject


class NewsService(Observable, Syndication, FeedSources):
    name = "news"

    config = Config()
    repo = MongoStore(NewsRepository)
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
        decision = domain.create(data, region, str(uuid.uuid4()), actor, utcnow())
        self.repo.insert(decision.record, decision.events)
        return domain.editor_view(self.repo.by_slug(region.code, decision.record["slug"]))

    @rpc
    def update(self, region_code, slug, data, *, caller, expected_version=None):
        region = get_region(region_code)
        actor = _editor(caller, region.code)
        article = domain.check_own(self.repo.by_slug(region.code, slug))
        domain.check_version(article, expected_version)
        return self._save(article, domain.update(article, data, region, actor, utcnow()))

    @rpc
    def transition(self, region_code, slug, action, *, caller, expected_version=None):
        get_region(region_code)
        actor = _editor(caller, region_code)
        article = domain.check_own(self.repo.by_slug(region_code, slug))
        domain.check_version(article, expected_version)
        return self._save(article, domain.act(article, action, actor, utcnow()))

    @rpc
    def publish_due(self):
        """Publish every scheduled article whose publish_at has come."""
        now = utcnow()
        published = 0
        for article in self.repo.due_scheduled(now):
            if not domain.is_due(article, now):  # the query reads the ms shadow field
                continue
            try:
                self._save(article, domain.publish_due(article, now))
                published += 1
            except Conflict:
                pass  # an editor changed it meanwhile; the next tick sees the new state
        return published

    @timer(interval=1)
    def scheduled_publishing(self):
        self.publish_due()

    @rpc
    def preview(self, region_code, body, *, caller):
        """The body as readers would get it: the sanitizer's actual output."""
        _editor(caller, get_region(region_code).code)
        check_body(commands.PREVIEW, {"body": body})
        return {"body": domain.sanitize_body(body)}

    @rpc
    def newsroom(self, region_code, status=None, limit=20, page=1, *, caller):
        """Every article of the region in any state, for its editors."""
        get_region(region_code)
        domain.authorize("read_newsroom", Caller.verify(caller), region_code)
        if status is not None and status not in domain.STATE_LABELS:
            raise ValidationFailed.field("status", "one of " + ", ".join(domain.STATE_LABELS),
                                         code="not_allowed", allowed=list(domain.STATE_LABELS))
        limit, page = domain.page_size(limit), domain.page_number(page)
        items = self.repo.newsroom(region_code, status, limit, (page - 1) * limit)
        return {"items": [domain.editor_view(a) for a in items], "limit": limit, "page": page}

    @rpc
    def get_for_editor(self, region_code, slug, *, caller):
        get_region(region_code)
        domain.authorize("read_newsroom", Caller.verify(caller), region_code)
        return domain.editor_view(domain.check_own(self.repo.by_slug(region_code, slug)))

    # readers ------------------------------------------------------------
    @rpc
    def get_article(self, region_code, slug):
        get_region(region_code)
        article = self.repo.by_slug(region_code, slug)
        if article["status"] != "published":
            raise NotFound(f"no article {slug!r} in region {region_code}", {"field": "slug"})
        return domain.public_view(article)

    @rpc
    def list_articles(self, region_code, category=None, tag=None, q=None, limit=20, page=None,
                      cursor=None):
        """Newest first. Page by `page` (1, 2, ...) or by the `next_cursor` of the last answer."""
        get_region(region_code)
        if category is not None and category not in domain.CATEGORIES:
            raise ValidationFailed.of({"category": unknown_category(category)})
        if page is not None and cursor is not None:
            raise ValidationFailed.field("cursor", "give either page or cursor, not both",
                                         code="page_and_cursor")
        limit = domain.page_size(limit)
        page_no = domain.page_number(page) if page is not None else 1
        after = domain.decode_cursor(cursor) if cursor else None
        tag = domain.slugify(tag) if tag else None
        found = self.repo.published(region_code, category, tag, domain.search_terms(q),
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
        # from the payload the article's events carry, as the gateway's section projects them
        return {"headlines": [live_headline(domain.event_payload(a, a["version"]), a["source_region"])
                              for a in self.repo.published(region_code, limit=limit)],
                "as_of": as_of}

    @rpc
    def live_marks(self, region_codes, limit=HEADLINES):
        """Per region, [id, title] of the headlines: how the gateway checks its live view."""
        return {"regions": {code: [[a["_id"], a["title"]] for a in self.repo.published(code, limit=limit)]
                            for code in registered_codes(region_codes)}}

    @rpc
    def feed(self, region_code, kind, category=None):
        """A region's own news as RSS or Atom: {"body", "content_type", "etag", "last_modified"}."""
        region = get_region(region_code)
        if kind not in feeds.KINDS:
            raise ValidationFailed.field("kind", "one of " + ", ".join(feeds.KINDS), code="not_allowed",
                                         allowed=list(feeds.KINDS))
        if category is not None and category not in domain.CATEGORIES:
            raise NotFound(f"no category {str(category)[:40]!r}; one of " + ", ".join(domain.CATEGORIES),
                           {"field": "category"})
        articles = self.repo.published(region_code, category, origin="local", limit=FEED_ITEMS)
        return feeds.build(region, articles, kind, category)

    # plumbing -----------------------------------------------------------
    def _save(self, article, decision: Decision):
        """Store the decided changes at the article's next version (compare-and-set) with
        their event in its outbox, then announce it."""
        self.repo.update(article, decision.record, decision.events)
        for event in decision.events:
            if event["event_type"] == "article_published":
                ARTICLES_PUBLISHED.labels(article["region"]).inc()
        if decision.events:
            self.outbox.flush("articles", article["_id"])
        merged = {**article, **decision.record}
        return domain.editor_view(self.repo.by_slug(merged["region"], merged["slug"]))
