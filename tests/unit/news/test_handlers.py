"""The news service's handlers over the in-memory store: what each command stores and
announces, syndicated copies, and that a refusal stores and announces nothing.
No broker, no MongoDB: the service class with fake dependencies (worker_factory)."""
from datetime import timedelta

import pytest
from nameko.testing.services import worker_factory

from services.news.fake_repository import FakeNewsRepository, FakeOutbox
from services.news.service import NewsService
from services.servicekit.envelope import utcnow
from services.servicekit.errors import Conflict, ValidationFailed
from tests.helpers import signed

ED71 = signed("editor", "36.71")
ED74 = signed("editor", "36.74")
ARTICLE = {"title": "Pasar Anyar buka kembali", "body": "<p>Pasar Anyar dibuka lagi hari ini.</p>",
           "category": "ekonomi", "tags": ["pasar"]}


@pytest.fixture
def store():
    return FakeNewsRepository()


@pytest.fixture
def outbox(store):
    return FakeOutbox(store.articles)


@pytest.fixture
def service(store, outbox):
    return worker_factory(NewsService, repo=store, outbox=outbox, config={})


def codes(excinfo):
    return {name: found["code"] for name, found in excinfo.value.details["fields"].items()}


def stored(store, slug):
    [article] = [a for a in store.articles.values() if a["slug"] == slug]
    return article


def publish(service, data=ARTICLE, caller=ED71, region="36.71"):
    article = service.create(region, data, caller=caller)
    service.transition(region, article["slug"], "submit", caller=caller)
    return service.transition(region, article["slug"], "publish", caller=caller)


def test_a_draft_is_stored_and_announced_to_nobody(service, store, outbox):
    article = service.create("36.71", ARTICLE, caller=ED71)
    assert (article["status"], article["version"]) == ("draft", 1)
    assert article["slug"] == "pasar-anyar-buka-kembali"
    draft = stored(store, "pasar-anyar-buka-kembali")
    assert (draft["created_by"], draft["outbox"]) == ("editor@36.71", [])
    assert draft["author"] == "Redaksi Kota Tangerang"
    assert outbox.announced == []


def test_publishing_and_correcting_announce_the_article_at_its_stored_revision(service, store, outbox):
    article = publish(service)
    assert (article["status"], article["version"]) == ("published", 3)
    assert [e["event_type"] for e in outbox.announced] == ["article_published"]
    assert outbox.announced[0]["payload"]["revision"] == 3 == stored(store, article["slug"])["version"]
    corrected = service.update("36.71", article["slug"], {"title": "Pasar Anyar dibuka kembali",
                                                          "correction_note": "judul diperbaiki"}, caller=ED71)
    assert [c["note"] for c in corrected["corrections"]] == ["judul diperbaiki"]
    assert [(e["event_type"], e["payload"]["revision"], e["payload"]["title"]) for e in outbox.announced] == [
        ("article_published", 3, "Pasar Anyar buka kembali"),
        ("article_updated", 4, "Pasar Anyar dibuka kembali")]
    assert stored(store, article["slug"])["outbox_pending"] is False


def test_a_refused_article_names_every_bad_field_at_once_and_stores_nothing(service, store, outbox):
    with pytest.raises(ValidationFailed) as excinfo:
        service.create("36.71", {"title": "<b></b>", "body": "<p>isi</p>", "category": "gosip",
                                 "slug": "Bad Slug", "tags": ["!!!"], "publish_at": "besok", "nik": "1"},
                       caller=ED71)
    assert codes(excinfo) == {"title": "required", "category": "unknown_news_category", "slug": "bad_slug",
                              "tags": "bad_tag", "publish_at": "bad_moment", "nik": "unknown_field"}
    assert excinfo.value.details["fields"]["category"]["category"] == "gosip"
    assert (store.articles, outbox.announced) == ({}, [])


def test_an_edit_at_a_stale_version_is_refused_and_changes_nothing(service, store, outbox):
    article = service.create("36.71", ARTICLE, caller=ED71)
    with pytest.raises(Conflict):
        service.update("36.71", article["slug"], {"title": "Judul lain"}, caller=ED71, expected_version=7)
    with pytest.raises(ValidationFailed) as excinfo:
        service.update("36.71", article["slug"], {"summary": 5, "tags": ["ok"] * 11}, caller=ED71)
    assert codes(excinfo) == {"summary": "wrong_type", "tags": "too_many"}
    kept = stored(store, article["slug"])
    assert (kept["title"], kept["version"], outbox.announced) == ("Pasar Anyar buka kembali", 1, [])


def test_a_scheduled_article_is_published_when_its_time_comes(service, store, outbox):
    soon = (utcnow() + timedelta(hours=1)).isoformat()
    article = service.create("36.71", {**ARTICLE, "publish_at": soon}, caller=ED71)
    service.transition("36.71", article["slug"], "submit", caller=ED71)
    assert service.transition("36.71", article["slug"], "publish", caller=ED71)["status"] == "scheduled"
    assert service.publish_due() == 0 and outbox.announced == []
    stored(store, article["slug"])["publish_at"] = utcnow() - timedelta(seconds=1)
    assert service.publish_due() == 1
    assert stored(store, article["slug"])["status"] == "published"
    assert [e["event_type"] for e in outbox.announced] == ["article_published"]


def test_a_subscribed_region_carries_a_copy_and_a_region_never_subscribes_to_itself(service, store, outbox):
    assert service.set_subscriptions("36.74", ["36.71"], caller=ED74)["sources"] == ["36.71"]
    with pytest.raises(ValidationFailed) as excinfo:
        service.set_subscriptions("36.74", ["36.74"], caller=ED74)
    assert codes(excinfo) == {"sources": "self_subscription"}
    assert store.sources_of("36.74") == ["36.71"]
    publish(service)
    [event] = outbox.announced
    service.on_article_published(event)
    service.on_article_published(event)  # a redelivery changes nothing
    copies = [a for a in store.articles.values() if a["region"] == "36.74"]
    assert [(c["origin"], c["source_region"], c["slug"]) for c in copies] == [
        ("syndicated", "36.71", "pasar-anyar-buka-kembali-3671")]


def test_a_refused_feed_source_names_every_bad_field(service, store):
    with pytest.raises(ValidationFailed) as excinfo:
        service.add_feed_source("36.71", "ftp://portal.example/rss", " ", category="gosip",
                                interval_minutes=0, caller=ED71)
    assert codes(excinfo) == {"url": "bad_url", "name": "required", "category": "unknown_news_category",
                              "interval_minutes": "too_small"}
    with pytest.raises(ValidationFailed) as excinfo:
        service.add_feed_source("36.71", "http://127.0.0.1/rss", "Portal", caller=ED71)
    assert codes(excinfo) == {"url": "private_address"}
    assert store.sources == {}


def test_a_due_feed_is_ingested_once_and_a_failing_one_backs_off(service, store, monkeypatch):
    from services.news import ingest
    service.add_feed_source("36.71", "https://portal.example/rss", "Portal Banten", category="pemerintahan",
                            caller=ED71)
    entry = {"id": "entry-1", "title": "Rapat <b>koordinasi</b>", "summary": "Rapat hari ini.",
             "content": "<p>Rapat hari ini.</p><script>x()</script>", "link": "https://portal.example/1",
             "author": None, "published": utcnow() - timedelta(hours=1)}
    fetched = {"not_modified": False, "entries": [entry], "title": "Portal", "etag": "v1", "modified": None}
    monkeypatch.setattr(ingest, "fetch", lambda *args, **kwargs: fetched)
    assert service.ingest_due() == {"fetched": 1, "failed": 0, "new_articles": 1}
    [article] = store.articles.values()
    assert (article["origin"], article["title"], article["body"], article["author"]) == (
        "feed", "Rapat koordinasi", "<p>Rapat hari ini.</p>", "Portal Banten")
    [source] = store.sources.values()
    assert (source["etag"], source["failures"]) == ("v1", 0)
    source["next_fetch_at"] = utcnow()
    assert service.ingest_due()["new_articles"] == 0 and len(store.articles) == 1  # the same entry again

    def refuse(*args, **kwargs):
        raise ingest.FeedError("HTTP 500 from the feed")
    monkeypatch.setattr(ingest, "fetch", refuse)
    source = store.sources["36.71|https://portal.example/rss"]
    source["next_fetch_at"] = utcnow()
    assert service.ingest_due() == {"fetched": 0, "failed": 1, "new_articles": 0}
    failed = store.sources["36.71|https://portal.example/rss"]
    assert (failed["failures"], failed["last_error"]) == (1, "HTTP 500 from the feed")
    # its 15 minutes, doubled after a failure
    assert timedelta(minutes=29) < failed["next_fetch_at"] - utcnow() <= timedelta(minutes=30)
