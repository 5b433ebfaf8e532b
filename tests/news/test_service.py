"""The news service against a real broker and store: workflow, events, scheduling,
syndication between regions and ingestion of external feeds."""
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from nameko.events import event_handler
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_waiter
from prometheus_client import REGISTRY

from services.gateway.news.live import NewsSection
from services.news.service import NewsService
from services.servicekit.envelope import contract, new_event, utcnow
from services.servicekit.errors import Conflict, NotFound, ValidationFailed
from tests.helpers import assert_live_item, assert_same_live_item, signed, wait_for

ARTICLE = {"title": "Pasar Anyar direvitalisasi", "category": "ekonomi", "tags": ["pasar"],
           "body": "<p>Revitalisasi Pasar Anyar dimulai bulan depan.</p><script>alert(1)</script>"}


class Listener:
    name = "listener"

    @event_handler("news", "article_published")
    def on_published(self, event):
        return event


@pytest.fixture
def config(service_config):
    # the tests' feed server is on loopback, which production never fetches from
    return {**service_config("news"), "FEED_ALLOWED_NETWORKS": "127.0.0.1/32"}


@pytest.fixture
def news(container_factory, config):
    container = container_factory(NewsService, config)
    container.start()
    with ServiceRpcProxy("news", config) as proxy:
        yield proxy


def as_editor(region, name=None):
    return signed("editor", region, name, service="news")  # over RPC: for the news service


ED71, ED03, ED74, ED01, ED02 = (as_editor(code) for code in ("36.71", "36.03", "36.74", "36.01", "36.02"))


def publish(news, region, data, editor="editor"):
    article = news.create(region, data, caller=as_editor(region, editor))
    news.transition(region, article["slug"], "submit", caller=as_editor(region, editor))
    return news.transition(region, article["slug"], "publish", caller=as_editor(region, editor))


def test_workflow_announces_publication(news, container_factory, config):
    listener = container_factory(Listener, config)
    listener.start()
    draft = news.create("36.71", ARTICLE, caller=ED71)
    assert draft["status"] == "draft" and "<script" not in draft["body"]
    with pytest.raises(NotFound):
        news.get_article("36.71", draft["slug"])  # not public before publication
    news.transition("36.71", draft["slug"], "submit", caller=ED71)

    def ours(worker_ctx, result, exc_info):
        return result["payload"]["article_id"] == draft["id"]

    with entrypoint_waiter(listener, "on_published", callback=ours, timeout=10) as waited:
        published = news.transition("36.71", draft["slug"], "publish", caller=ED71)
    event = waited.get()
    assert event["region"] == "36.71" and event["payload"]["title"] == ARTICLE["title"]
    assert "editor@36.71" not in str(event)
    # the live view's headline: the same whether read from us or applied from the event
    [headline] = news.headlines("36.71")["headlines"]
    assert_same_live_item(headline, NewsSection().apply({"headlines": []}, event)["headlines"][0],
                          "published_at")
    assert_live_item("article_published", headline)
    assert published["status"] == "published" and published["published_at"] is not None
    public = news.get_article("36.71", draft["slug"])
    assert public["body"] == "<p>Revitalisasi Pasar Anyar dimulai bulan depan.</p>"
    assert "created_by" not in public and "status" not in public


def test_publications_are_counted_once_per_article(news):
    def published():
        return REGISTRY.get_sample_value("tl_news_articles_published_total", {"region": "36.73"}) or 0
    before = published()
    article = publish(news, "36.73", {**ARTICLE, "slug": "dihitung-sekali"})
    news.update("36.73", article["slug"], {"title": "Judul yang dikoreksi"}, caller=as_editor("36.73"))
    assert published() == before + 1


def codes(excinfo):
    """{field: code} of a refusal, and its first field named as `details.field`."""
    fields = excinfo.value.details["fields"]
    assert excinfo.value.details["field"] == next(iter(fields))
    return {name: found["code"] for name, found in fields.items()}


def test_clear_errors(news):
    with pytest.raises(ValidationFailed) as excinfo:
        news.create("36.71", {k: v for k, v in ARTICLE.items() if k != "title"}, caller=ED71)
    assert codes(excinfo) == {"title": "required"}
    with pytest.raises(ValidationFailed) as excinfo:
        news.create("36.71", {**ARTICLE, "category": "gosip"}, caller=ED71)
    assert codes(excinfo) == {"category": "unknown_news_category"}
    past = (utcnow() - timedelta(hours=1)).isoformat()
    with pytest.raises(ValidationFailed) as excinfo:
        news.create("36.71", {**ARTICLE, "publish_at": past}, caller=ED71)
    assert codes(excinfo) == {"publish_at": "publish_at_past"}
    news.create("36.71", {**ARTICLE, "slug": "pasar-anyar"}, caller=ED71)
    with pytest.raises(Conflict) as excinfo:
        news.create("36.71", {**ARTICLE, "slug": "pasar-anyar"}, caller=ED71)
    assert excinfo.value.details == {"field": "slug"} and "already used" in excinfo.value.message
    news.create("36.03", {**ARTICLE, "slug": "pasar-anyar"}, caller=ED03)  # slugs are per region
    with pytest.raises(Conflict):
        news.transition("36.71", "pasar-anyar", "publish", caller=ED71)  # a draft goes to review first
    with pytest.raises(Conflict) as excinfo:
        news.update("36.71", "pasar-anyar", {"title": "Judul"}, caller=ED71, expected_version=7)
    assert excinfo.value.details == {"field": "version"}


def test_reading_filters_search_and_paging(news):
    for i in range(5):
        publish(news, "36.74", {**ARTICLE, "title": f"Vaksinasi tahap {i} di Puskesmas",
                                "category": "kesehatan" if i % 2 else "pengumuman",
                                "tags": ["vaksin"] if i < 2 else ["imunisasi"]})
    news.create("36.74", {**ARTICLE, "title": "Vaksinasi draf belum terbit"}, caller=ED74)
    everything = news.list_articles("36.74", limit=50)["items"]
    assert len(everything) == 5 and everything[0]["title"].endswith("tahap 4 di Puskesmas")
    assert [a["category"] for a in news.list_articles("36.74", category="kesehatan")["items"]] == \
           ["kesehatan", "kesehatan"]
    assert len(news.list_articles("36.74", tag="Vaksin")["items"]) == 2
    assert [a["title"] for a in news.list_articles("36.74", q="TAHAP 3")["items"]] == \
           ["Vaksinasi tahap 3 di Puskesmas"]
    assert news.list_articles("36.74", q="revitalisasi pasar", limit=50)["items"]  # body words too
    assert news.list_articles("36.74", q="banjir")["items"] == []

    pages = [news.list_articles("36.74", limit=2, page=p) for p in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [2, 2, 1] and pages[2]["has_more"] is False
    by_page = [a["id"] for p in pages for a in p["items"]]
    by_cursor, cursor = [], None
    while True:
        answer = news.list_articles("36.74", limit=2, cursor=cursor)
        by_cursor += [a["id"] for a in answer["items"]]
        cursor = answer["next_cursor"]
        if cursor is None:
            break
    assert by_cursor == by_page == [a["id"] for a in everything]
    with pytest.raises(ValidationFailed) as excinfo:
        news.list_articles("36.74", cursor="garbage")
    assert codes(excinfo) == {"cursor": "bad_cursor"}


def test_scheduled_article_publishes_itself(news):
    publish_at = utcnow() + timedelta(seconds=1)
    article = news.create("36.71", {**ARTICLE, "title": "Pengumuman terjadwal",
                                    "publish_at": publish_at.isoformat()}, caller=ED71)
    news.transition("36.71", article["slug"], "submit", caller=ED71)
    scheduled = news.transition("36.71", article["slug"], "publish", caller=ED71)
    assert scheduled["status"] == "scheduled" and scheduled["published_at"] is None
    with pytest.raises(NotFound):
        news.get_article("36.71", article["slug"])
    live = wait_for(lambda: news.get_for_editor("36.71", article["slug"],
                                                caller=ED71)["status"] == "published",
                    what="scheduled publication")
    assert live
    assert news.get_article("36.71", article["slug"])["published_at"] >= publish_at


def test_syndication_copies_corrects_and_retracts(news):
    news.set_subscriptions("36.03", ["36.71"], caller=ED03)
    news.set_subscriptions("36.74", ["36.72"], caller=ED74)
    with pytest.raises(ValidationFailed):
        news.set_subscriptions("36.03", ["36.03"], caller=ED03)
    source = publish(news, "36.71", {**ARTICLE, "title": "Festival Cisadane dibuka"})

    def copy():
        items = news.list_articles("36.03", q="cisadane")["items"]
        return items[0] if items else None

    carried = wait_for(copy, what="syndicated copy")
    assert carried["source_region"] == "36.71" and carried["region"] == "36.03"
    assert carried["origin"] == "syndicated" and carried["canonical_url"] == source["canonical_url"]
    [headline] = news.headlines("36.03")["headlines"]
    assert (headline["id"], headline["source_region"]) == (carried["id"], "36.71")
    assert_live_item("article_published", headline)
    assert carried["published_at"] == source["published_at"]
    assert news.get_article("36.03", carried["slug"])["title"] == "Festival Cisadane dibuka"
    assert news.list_articles("36.74", q="cisadane")["items"] == []  # not subscribed to 36.71

    news.update("36.71", source["slug"], {"title": "Festival Cisadane resmi dibuka",
                                          "correction_note": "judul"}, caller=ED71)
    corrected = wait_for(lambda: (c := copy()) and c["title"] == "Festival Cisadane resmi dibuka" and c,
                         what="correction reaching the copy")
    assert corrected["published_at"] == source["published_at"]
    assert corrected["updated_at"] > source["published_at"]
    with pytest.raises(Conflict):  # the copy is edited at its source only
        news.update("36.03", carried["slug"], {"title": "diubah"}, caller=ED03)

    news.transition("36.71", source["slug"], "retract", caller=ED71)
    wait_for(lambda: copy() is None, what="retraction reaching the copy")
    with pytest.raises(NotFound):
        news.get_article("36.03", carried["slug"])


FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Portal Banten</title><link>https://bantenprov.go.id</link>
<description>Berita Provinsi Banten</description>{items}</channel></rss>"""
ITEM = """<item><title>{title}</title><link>https://bantenprov.go.id/berita/{n}</link>
<guid isPermaLink="false">banten-{n}</guid><pubDate>Fri, 27 Nov 2026 0{n}:00:00 +0000</pubDate>
<description>&lt;p&gt;Ringkasan {n}&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description></item>"""


class FeedServer:
    """A province portal on 127.0.0.1: serves `self.body`, counts requests, honours ETag."""

    def __init__(self, host="127.0.0.1"):
        self.body, self.status, self.requests, self.redirect = b"", 200, [], None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                server.requests.append(dict(self.headers))
                if server.redirect:
                    self.send_response(302)
                    self.send_header("Location", server.redirect)
                    self.end_headers()
                    return
                etag = f'"{hash(server.body)}"'
                if server.status == 200 and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(server.status)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.httpd.server_address[1]}/feed.xml"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def serve(self, *numbers):
        items = "".join(ITEM.format(n=n, title=f"Kabar Banten {n}") for n in numbers)
        self.body = FEED.format(items=items).encode()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_server():
    server = FeedServer()
    yield server
    server.close()


def make_due(mongo_db):
    """Let the retry time pass (replace: the embedded store stringifies datetimes in $set)."""
    for source in mongo_db.feed_sources.find({}):
        mongo_db.feed_sources.replace_one(
            {"_id": source["_id"]}, {**source, "next_fetch_at": utcnow(), "next_fetch_ms": 0})


def test_ingestion_is_deduplicated_by_entry_id(news, feed_server, mongo_db):
    feed_server.serve(1, 2)
    news.add_feed_source("36.02", feed_server.url, "Portal Banten", "pemerintahan", 15, caller=ED02)
    assert news.ingest_due() == {"fetched": 1, "failed": 0, "new_articles": 2}
    items = news.list_articles("36.02")["items"]
    assert [a["title"] for a in items] == ["Kabar Banten 2", "Kabar Banten 1"]
    assert items[0]["origin"] == "feed" and items[0]["source_name"] == "Portal Banten"
    assert items[0]["canonical_url"] == "https://bantenprov.go.id/berita/2"
    assert "<script" not in items[0]["body"] and items[0]["category"] == "pemerintahan"

    assert news.ingest_due()["fetched"] == 0  # not due again for 15 minutes
    make_due(mongo_db)
    assert news.ingest_due() == {"fetched": 1, "failed": 0, "new_articles": 0}  # 304, nothing new
    assert feed_server.requests[-1].get("If-None-Match")
    feed_server.serve(1, 2, 3)  # same entries again, plus one
    make_due(mongo_db)
    assert news.ingest_due() == {"fetched": 1, "failed": 0, "new_articles": 1}
    assert [a["title"] for a in news.list_articles("36.02")["items"]] == \
           ["Kabar Banten 3", "Kabar Banten 2", "Kabar Banten 1"]
    assert mongo_db.articles.count_documents({"region": "36.02"}) == 3


def test_broken_feeds_are_recorded_and_retried_later(news, feed_server, mongo_db):
    feed_server.status = 500
    news.add_feed_source("36.01", feed_server.url, "Portal rusak", caller=ED01)
    news.add_feed_source("36.01", "http://127.0.0.1:9/closed.xml", "Portal mati", caller=ED01)
    report = news.ingest_due()
    assert report == {"fetched": 0, "failed": 2, "new_articles": 0}
    sources = {s["name"]: s for s in news.feed_sources("36.01", caller=ED01)}
    assert sources["Portal rusak"]["last_error"] == "HTTP 500 from the feed"
    assert sources["Portal mati"]["last_error"].startswith("unreachable")
    assert all(s["failures"] == 1 and s["next_fetch_at"] > utcnow() for s in sources.values())
    assert news.ping()["ok"]  # the service itself is unharmed

    feed_server.status, feed_server.body = 200, b"<html><body>not a feed</body></html>"
    make_due(mongo_db)
    news.ingest_due()
    rusak = {s["name"]: s for s in news.feed_sources("36.01", caller=ED01)}["Portal rusak"]
    assert rusak["failures"] == 2 and "not" in rusak["last_error"]
    assert rusak["next_fetch_at"] > utcnow() + timedelta(minutes=50)  # backing off

    feed_server.serve(7)  # the portal is fixed: the next retry succeeds
    make_due(mongo_db)
    assert news.ingest_due()["new_articles"] == 1
    rusak = {s["name"]: s for s in news.feed_sources("36.01", caller=ED01)}["Portal rusak"]
    assert rusak["failures"] == 0 and rusak["last_error"] is None


def test_redelivered_and_out_of_order_events_change_nothing(news, config, mongo_db):
    """Syndication is idempotent by event_id and keeps the newest revision of a copy."""
    news.set_subscriptions("36.03", ["36.71"], caller=ED03)
    example = contract("article_published")["x-example"]["payload"]
    published = new_event("article_published", "news", "36.71", {**example, "revision": 3})
    corrected = new_event("article_updated", "news", "36.71",
                          {**example, "title": "Judul terbaru", "revision": 5})
    stale = new_event("article_updated", "news", "36.71", {**example, "title": "Judul lama", "revision": 4})
    dispatch = event_dispatcher(config)
    copy_id = f"36.03:syn:{example['article_id']}"
    for event_type, event in (("article_published", published), ("article_updated", corrected),
                              ("article_updated", stale), ("article_published", published)):
        dispatch("news", event_type, event)
    wait_for(lambda: mongo_db.applied_events.count_documents({}) == 3, what="three distinct events applied")
    assert mongo_db.articles.count_documents({"_id": copy_id}) == 1
    copy = mongo_db.articles.find_one({"_id": copy_id})
    assert copy["title"] == "Judul terbaru" and copy["source_revision"] == 5


def test_feeds_never_reach_internal_addresses(news, feed_server, mongo_db):
    """Only the configured 127.0.0.1/32 is fetched from: another loopback address is refused
    when the source is added, and behind a redirect at connect time; the editor sees no
    internal detail."""
    internal = FeedServer("127.0.0.2")  # stands for the broker's API, the store, cloud metadata
    try:
        internal.serve(1)
        for url in (internal.url, "http://169.254.169.254/latest/meta-data/", "http://[::1]/feed.xml",
                    "http://10.0.0.5/rss"):
            with pytest.raises(ValidationFailed, match="public address"):
                news.add_feed_source("36.01", url, "Langsung ke dalam", caller=ED01)
        feed_server.redirect = internal.url
        news.add_feed_source("36.01", feed_server.url, "Lewat pengalihan", caller=ED01)
        assert news.ingest_due() == {"fetched": 0, "failed": 1, "new_articles": 0}
        assert internal.requests == [] and len(feed_server.requests) == 1  # never reached inside
        [source] = news.feed_sources("36.01", caller=ED01)
        assert source["last_error"] == "refused: the feed's host (or a redirect) is not a public address"
        assert mongo_db.articles.count_documents({"region": "36.01"}) == 0
    finally:
        internal.close()


def test_default_config_fetches_from_no_private_address(feed_server):
    from services.news import ingest
    feed_server.serve(1)
    assert ingest.allowed_networks(None) == ()
    assert not ingest.names_public_host("https://localhost/feed.xml")
    assert not ingest.names_public_host("http://[fe80::1]/feed.xml")
    assert ingest.names_public_host("https://www.bantenprov.go.id/rss.xml")  # resolved when fetched
    for url in (feed_server.url, feed_server.url.replace("127.0.0.1", "localhost"),
                "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/feed.xml"):
        with pytest.raises(ingest.FeedError, match="^refused"):
            ingest.fetch(url, timeout=2)
    assert feed_server.requests == []
    assert len(ingest.fetch(feed_server.url, allowed=ingest.allowed_networks("127.0.0.1/32"))["entries"]) == 1
