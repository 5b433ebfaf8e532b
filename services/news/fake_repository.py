"""The news store in memory (repository_protocol.NewsStore) with the same refusals (a taken slug,
a lost compare-and-set), and an outbox that announces what a write queued: what the
unit tests drive NewsService with, no broker, no MongoDB."""
import copy
import re
from typing import Any

from services.news.repository import NewsRepository, _changed, _slug_taken
from services.news.repository_protocol import Doc, NewsStore
from services.servicekit.errors import NotFound
from services.servicekit.outbox_fields import pending


def _newest_first(article: Doc) -> tuple[Any, str]:
    return article.get("published_at") or article["updated_at"], article["_id"]


class FakeNewsRepository:
    def __init__(self) -> None:
        self.articles: dict[str, Doc] = {}
        self.subscriptions: dict[str, list[str]] = {}
        self.sources: dict[str, Doc] = {}
        self.applied: set[str] = set()

    # articles -----------------------------------------------------------
    def _slug_free(self, region: str, slug: str, article_id: str) -> bool:
        return not any(a["region"] == region and a["slug"] == slug and a["_id"] != article_id
                       for a in self.articles.values())

    def insert(self, article, events):
        if article["_id"] in self.articles or not self._slug_free(article["region"], article["slug"],
                                                                  article["_id"]):
            raise _slug_taken(article["region"], article["slug"])
        self.articles[article["_id"]] = copy.deepcopy({**article, "version": 1, **pending(events)})

    def by_slug(self, region_code, slug):
        for article in self.articles.values():
            if article["region"] == region_code and article["slug"] == slug:
                return copy.deepcopy({k: v for k, v in article.items() if k != "search_text"})
        raise NotFound(f"no article {slug!r} in region {region_code}", {"field": "slug"})

    def update(self, article, changes, events):
        current = self.articles.get(article["_id"])
        if current is None or current["version"] != article["version"]:
            raise _changed(article)
        if not self._slug_free(article["region"], changes.get("slug", article["slug"]), article["_id"]):
            raise _slug_taken(article["region"], changes.get("slug"))
        doc = {**current, **copy.deepcopy(changes), "version": article["version"] + 1}
        if events:
            doc.update(pending(current.get("outbox", []) + list(events)))
        self.articles[article["_id"]] = doc
        return doc["version"]

    def published(self, region_code, category=None, tag=None, terms=(), origin=None, limit=20, skip=0,
                  after=None):
        found = [a for a in self.articles.values()
                 if a["region"] == region_code and a["status"] == "published"
                 and (not category or a["category"] == category) and (not tag or tag in a["tags"])
                 and (not origin or a["origin"] == origin)
                 and all(re.search(term, a["search_text"], re.IGNORECASE) for term in terms)
                 and (after is None or _newest_first(a) < after)]
        return copy.deepcopy(sorted(found, key=_newest_first, reverse=True)[skip:skip + limit])

    def newsroom(self, region_code, status=None, limit=20, skip=0):
        found = [a for a in self.articles.values() if a["region"] == region_code and a["origin"] == "local"
                 and (not status or a["status"] == status)]
        found.sort(key=lambda a: (a["updated_at"], a["_id"]), reverse=True)
        return copy.deepcopy(found[skip:skip + limit])

    def due_scheduled(self, now):
        return copy.deepcopy([a for a in self.articles.values()
                              if a["status"] == "scheduled" and a["publish_at"] <= now])

    # syndicated copies and subscriptions --------------------------------
    def save_copy(self, copy_id, copy_doc):
        current = self.articles.get(copy_id)
        if current is not None and current["source_revision"] >= copy_doc["source_revision"]:
            return False
        if current is None:
            slug = copy_doc["slug"] if self._slug_free(copy_doc["region"], copy_doc["slug"], copy_id) \
                else f"{copy_doc['slug']}-{copy_id[-8:]}"
            self.articles[copy_id] = {**copy.deepcopy(copy_doc), "_id": copy_id, "slug": slug,
                                      "created_at": copy_doc["updated_at"], "version": 1}
        else:
            current.update({k: v for k, v in copy.deepcopy(copy_doc).items() if k != "slug"})
        return True

    def retract_copy(self, copy_id, region_code, revision, now):
        emptied = {"status": "retracted", "source_revision": revision, "retracted_at": now,
                   "title": "", "summary": "", "body": "", "search_text": "", "updated_at": now}
        current = self.articles.get(copy_id)
        if current is None:
            self.articles[copy_id] = {"_id": copy_id, "region": region_code, "origin": "syndicated",
                                      "slug": f"retracted-{copy_id.rsplit(':', 1)[-1]}", **emptied}
        elif current["source_revision"] < revision:
            current.update(emptied)

    def sources_of(self, region_code):
        return list(self.subscriptions.get(region_code, []))

    def set_sources(self, region_code, sources, now):
        self.subscriptions[region_code] = list(sources)

    def subscribers_of(self, source_region):
        return sorted(code for code, sources in self.subscriptions.items() if source_region in sources)

    def apply_once(self, event, handler, apply):
        key = f"{handler}:{event['event_id']}"
        if key in self.applied:
            return False
        apply()
        self.applied.add(key)
        return True

    # feed sources -------------------------------------------------------
    def save_feed_source(self, source):
        self.sources[source["_id"]] = copy.deepcopy(source)

    def feed_sources(self, region_code):
        return copy.deepcopy([s for _, s in sorted(self.sources.items()) if s["region"] == region_code])

    def remove_feed_source(self, region_code, url):
        return int(self.sources.pop(f"{region_code}|{url}", None) is not None)

    def due_feed_sources(self, now):
        return copy.deepcopy([s for s in self.sources.values() if s["next_fetch_at"] <= now])

    def record_fetch(self, source, changes):
        self.sources[source["_id"]] = copy.deepcopy({**source, **changes})

    def insert_ingested(self, article):
        if article["_id"] in self.articles:
            return False
        slug = article["slug"] if self._slug_free(article["region"], article["slug"], article["_id"]) \
            else f"{article['slug']}-{article['_id'][-8:]}"
        self.articles[article["_id"]] = copy.deepcopy({**article, "slug": slug, "version": 1})
        return True


class FakeOutbox:
    """The outbox's flush over the fake store: announces an article's queued events, in order."""

    def __init__(self, articles: dict[str, Doc]) -> None:
        self.articles = articles
        self.announced: list[dict[str, Any]] = []

    def flush(self, collection: str, doc_id: str) -> None:
        doc = self.articles[doc_id]
        self.announced.extend(doc.get("outbox") or [])
        doc.update(outbox=[], outbox_pending=False)


def _conforming(fake: FakeNewsRepository, real: NewsRepository) -> list[NewsStore]:
    """Where mypy holds both stores to the protocol."""
    return [fake, real]
