"""News' storage adapter: articles (own, syndicated, ingested), subscriptions, feed sources."""
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from services.servicekit.errors import Conflict, NotFound
from services.servicekit.outbox_fields import pending
from services.servicekit.store import Repository

NEWEST_FIRST = [("published_ms", DESCENDING), ("_id", DESCENDING)]
NO_INTERNALS = {"outbox": 0, "search_text": 0}
CAS_ATTEMPTS = 5
# The embedded store compares datetimes unreliably once a collection has an
# index (range queries miss documents), so every moment we sort or select on
# is also kept as epoch milliseconds, which it compares right.
MOMENTS = {"published_at": "published_ms", "publish_at": "publish_at_ms",
           "updated_at": "updated_ms", "next_fetch_at": "next_fetch_ms"}


def ms(moment):
    return int(moment.timestamp() * 1000)


def with_sort_keys(doc):
    keys = {key: ms(doc[field]) if doc.get(field) else None
            for field, key in MOMENTS.items() if field in doc}
    return {**doc, **keys}


def _slug_taken(region, slug):
    return Conflict(f"slug {slug!r} is already used by another article in {region}; choose another",
                    {"field": "slug"})


def _changed(article):
    return Conflict(f"article {article['slug']!r} was changed by someone else; reload and retry",
                    {"field": "version"})


class NewsRepository(Repository):
    indexes = {
        "articles": [
            ([("region", ASCENDING), ("slug", ASCENDING)], {"unique": True}),
            ([("region", ASCENDING), ("status", ASCENDING), ("published_ms", DESCENDING)], {}),
            ([("status", ASCENDING), ("publish_at_ms", ASCENDING)], {}),
            ([("outbox_pending", ASCENDING)], {}),
        ],
        "feed_sources": [([("next_fetch_ms", ASCENDING)], {})],
    }

    # articles -----------------------------------------------------------
    def insert(self, article, events):
        try:
            self.db.articles.insert_one(with_sort_keys({**article, "version": 1, **pending(events)}))
        except DuplicateKeyError:
            raise _slug_taken(article["region"], article["slug"]) from None

    def by_slug(self, region_code, slug):
        article = self.db.articles.find_one({"region": region_code, "slug": slug}, {"search_text": 0})
        if article is None:
            raise NotFound(f"no article {slug!r} in region {region_code}", {"field": "slug"})
        return article

    def update(self, article, changes, events):
        """Compare-and-set on `version`: of two editors saving at once, one wins.

        Whole-document replace: the embedded store turns datetimes written
        with `$set` into strings.
        """
        current = self.db.articles.find_one({"_id": article["_id"]})
        if current is None or current["version"] != article["version"]:
            raise _changed(article)
        doc = {**current, **changes, "version": article["version"] + 1}
        if events:
            doc.update(pending(current.get("outbox", []) + list(events)))
        try:
            result = self.db.articles.replace_one({"_id": article["_id"], "version": article["version"]},
                                                  with_sort_keys(doc))
        except DuplicateKeyError:
            raise _slug_taken(article["region"], changes.get("slug")) from None
        if result.matched_count == 0:
            raise _changed(article)
        return doc["version"]

    def published(self, region_code, category=None, tag=None, terms=(), origin=None,
                  limit=20, skip=0, after=None):
        """Published articles of a region, newest first; `after` is a (published_at, id) cursor."""
        query: dict[str, Any] = {"region": region_code, "status": "published"}
        if category:
            query["category"] = category
        if tag:
            query["tags"] = tag
        if origin:
            query["origin"] = origin
        conditions: list[dict[str, Any]] = [{"search_text": {"$regex": term, "$options": "i"}}
                                            for term in terms]
        if after is not None:
            moment, article_id = after
            conditions.append({"$or": [{"published_ms": {"$lt": ms(moment)}},
                                       {"published_ms": ms(moment), "_id": {"$lt": article_id}}]})
        if conditions:
            query["$and"] = conditions
        cursor = self.db.articles.find(query, NO_INTERNALS).sort(NEWEST_FIRST).skip(skip).limit(limit)
        return list(cursor)

    def newsroom(self, region_code, status=None, limit=20, skip=0):
        query = {"region": region_code, "origin": "local"}
        if status:
            query["status"] = status
        return list(self.db.articles.find(query, NO_INTERNALS)
                    .sort([("updated_ms", DESCENDING), ("_id", DESCENDING)]).skip(skip).limit(limit))

    def due_scheduled(self, now):
        return list(self.db.articles.find({"status": "scheduled", "publish_at_ms": {"$lte": ms(now)}},
                                          NO_INTERNALS))

    # syndicated copies -------------------------------------------------
    def save_copy(self, copy_id, copy):
        """Store a syndicated copy unless a newer revision of it is already stored.

        Events of one article can arrive out of order and be handled at once
        (one queue per event type, several workers); the source's revision
        decides which one is the latest, and a lost compare-and-set looks again.
        """
        for _ in range(CAS_ATTEMPTS):
            current = self.db.articles.find_one({"_id": copy_id})
            if current is None:
                if self._insert_copy(copy_id, copy):
                    return True
                continue  # a concurrent delivery stored it first: compare with that
            if current["source_revision"] >= copy["source_revision"]:
                return False
            doc = {**current, **{k: v for k, v in copy.items() if k != "slug"}}
            if self.db.articles.replace_one(
                    {"_id": copy_id, "source_revision": current["source_revision"]},
                    with_sort_keys(doc)).matched_count:
                return True
        raise Conflict(f"copy {copy_id} keeps changing; the event will be retried", {"field": "revision"})

    def _insert_copy(self, copy_id, copy):
        for slug in (copy["slug"], f"{copy['slug']}-{copy_id[-8:]}"):
            try:
                self.db.articles.insert_one(with_sort_keys({**copy, "_id": copy_id, "slug": slug,
                                                            "created_at": copy["updated_at"],
                                                            "version": 1}))
                return True
            except DuplicateKeyError:
                if self.db.articles.find_one({"_id": copy_id}, {"_id": 1}):
                    return False
        raise Conflict(f"no free slug for the copy {copy_id}", {"field": "slug"})

    def retract_copy(self, copy_id, region_code, revision, now):
        """Take a syndicated copy down; a tombstone stops a late older event reviving it."""
        emptied = {"status": "retracted", "source_revision": revision, "retracted_at": now,
                   "title": "", "summary": "", "body": "", "search_text": "", "updated_at": now}
        tombstone = {"region": region_code, "slug": f"retracted-{copy_id.rsplit(':', 1)[-1]}",
                     "origin": "syndicated", **emptied}
        for _ in range(CAS_ATTEMPTS):
            current = self.db.articles.find_one({"_id": copy_id})
            if current is None:
                try:
                    self.db.articles.insert_one({"_id": copy_id, **tombstone})
                    return
                except DuplicateKeyError:
                    continue
            if current["source_revision"] >= revision:
                return
            if self.db.articles.replace_one(
                    {"_id": copy_id, "source_revision": current["source_revision"]},
                    {**current, **emptied}).matched_count:
                return
        raise Conflict(f"copy {copy_id} keeps changing; the event will be retried", {"field": "revision"})

    # subscriptions ------------------------------------------------------
    def sources_of(self, region_code):
        doc = self.db.subscriptions.find_one({"_id": region_code}) or {}
        return doc.get("sources", [])

    def set_sources(self, region_code, sources, now):
        # The _id is repeated in the document: the embedded store's upsert
        # would otherwise invent an ObjectId.
        self.db.subscriptions.replace_one(
            {"_id": region_code}, {"_id": region_code, "sources": sources, "updated_at": now}, upsert=True)

    def subscribers_of(self, source_region):
        # A handful of regions: filtering here avoids array-membership queries
        # the embedded store gets wrong.
        return sorted(doc["_id"] for doc in self.db.subscriptions.find({})
                      if source_region in doc.get("sources", []))

    # feed sources -------------------------------------------------------
    def save_feed_source(self, source):
        self.db.feed_sources.replace_one({"_id": source["_id"]}, with_sort_keys(source), upsert=True)

    def feed_sources(self, region_code):
        return list(self.db.feed_sources.find({"region": region_code}).sort("_id", ASCENDING))

    def remove_feed_source(self, region_code, url):
        return self.db.feed_sources.delete_one({"_id": f"{region_code}|{url}"}).deleted_count

    def due_feed_sources(self, now):
        return list(self.db.feed_sources.find({"next_fetch_ms": {"$lte": ms(now)}}))

    def record_fetch(self, source, changes):
        # Replace, not $set: see `update`.
        self.db.feed_sources.replace_one({"_id": source["_id"]}, with_sort_keys({**source, **changes}))

    def insert_ingested(self, article):
        """Store an entry once: its id is derived from the feed's entry id."""
        for slug in (article["slug"], f"{article['slug']}-{article['_id'][-8:]}"):
            try:
                self.db.articles.insert_one(with_sort_keys({**article, "slug": slug, "version": 1}))
                return True
            except DuplicateKeyError:
                if self.db.articles.find_one({"_id": article["_id"]}, {"_id": 1}):
                    return False
        return False
