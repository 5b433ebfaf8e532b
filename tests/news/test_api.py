"""News end to end: HTTP -> gateway -> news service, feeds with 304s, live view, syndication."""
import uuid

import feedparser

from tests.helpers import wait_for
from tools import demo_data

ARTICLE = {"category": "pengumuman", "tags": ["layanan"],
           "body": "<p>Layanan Mal Pelayanan Publik buka hari Sabtu.</p><img src=x onerror=alert(1)>"}


def publish(http, platform, headers, region, title):
    base = f"{platform.url}/api/v1/regions/{region}/news"
    created = http.post(base, json={**ARTICLE, "title": title}, headers=headers, timeout=10)
    assert created.status_code == 201, created.text
    slug = created.json()["slug"]
    for action in ("submit", "publish"):
        response = http.post(f"{base}/{slug}/{action}", headers=headers, timeout=10)
        assert response.status_code == 200, response.text
    return response.json()


def test_editorial_workflow_over_http(platform, http, token):
    editor = token("editor", "36.71")
    title = f"MPP buka Sabtu {uuid.uuid4().hex[:6]}"
    base = f"{platform.url}/api/v1/regions/36.71/news"
    assert http.post(base, json={**ARTICLE, "title": title}, timeout=5).status_code == 401
    other = http.post(base, json={**ARTICLE, "title": title}, headers=token("editor", "36.74"), timeout=5)
    assert other.status_code == 403 and other.json()["error"]["details"]["field"] == "region"
    citizen = http.post(base, json={**ARTICLE, "title": title}, headers=token("citizen", "36.71"), timeout=5)
    assert citizen.status_code == 403

    article = publish(http, platform, editor, "36.71", title)
    assert article["status"] == "published" and "onerror" not in article["body"]
    public = http.get(f"{base}/{article['slug']}", timeout=5)
    assert public.status_code == 200 and public.json()["title"] == title
    found = http.get(base, params={"q": title, "limit": 5}, timeout=5).json()["items"]
    assert [a["slug"] for a in found] == [article["slug"]]

    missing_title = http.post(base, json=ARTICLE, headers=editor, timeout=5)
    assert missing_title.status_code == 400 and missing_title.json()["error"]["details"]["field"] == "title"
    duplicate = http.post(base, json={**ARTICLE, "title": title}, headers=editor, timeout=5)
    assert duplicate.status_code == 409 and duplicate.json()["error"]["details"]["field"] == "slug"
    stale = http.patch(f"{base}/{article['slug']}", json={"title": "x y z"},
                       headers={**editor, "If-Match": "1"}, timeout=5)
    assert stale.status_code == 409
    bad_action = http.post(f"{base}/{article['slug']}/delete", headers=editor, timeout=5)
    assert bad_action.status_code == 400 and bad_action.json()["error"]["details"]["field"] == "action"
    operator = publish(http, platform, token("platform_operator", "36.71"), "36.74", title)
    assert operator["region"] == "36.74"


def test_feeds_parse_and_answer_304_until_something_changes(platform, http, token):
    editor = token("editor", "36.72")
    article = publish(http, platform, editor, "36.72", f"Jadwal posyandu <{uuid.uuid4().hex[:6]}>")
    rss_url = f"{platform.url}/feeds/36.72/rss.xml"
    rss = http.get(rss_url, timeout=5)
    assert rss.status_code == 200 and rss.headers["Content-Type"].startswith("application/rss+xml")
    parsed = feedparser.parse(rss.content)
    assert parsed.bozo == 0 and parsed.version == "rss20"
    entry = next(e for e in parsed.entries if e.id == f"urn:uuid:{article['id']}")
    assert entry.title == article["title"] and entry.link == f"{platform.url}/berita/36.72/{article['slug']}"
    # every link leads to a page this gateway serves (PUBLIC_BASE_URL is the platform's address)
    assert parsed.feed.link == f"{platform.url}/r/36.72/berita"
    for link in [parsed.feed.link] + [e.link for e in parsed.entries]:
        assert link.startswith(platform.url) and http.get(link, timeout=5).status_code == 200, link

    atom = feedparser.parse(http.get(f"{platform.url}/feeds/36.72/atom.xml", timeout=5).content)
    assert atom.bozo == 0 and atom.version == "atom10"
    assert any(e.id == f"urn:uuid:{article['id']}" for e in atom.entries)
    category_url = f"{platform.url}/feeds/36.72/pengumuman/atom.xml"
    category = feedparser.parse(http.get(category_url, timeout=5).content)
    assert category.bozo == 0 and any(e.title == article["title"] for e in category.entries)
    assert http.get(f"{platform.url}/feeds/36.72/kesehatan/rss.xml", timeout=5).status_code == 200
    assert http.get(f"{platform.url}/feeds/36.72/gosip/rss.xml", timeout=5).status_code == 404

    etag, modified = rss.headers["ETag"], rss.headers["Last-Modified"]
    again = http.get(rss_url, headers={"If-None-Match": etag}, timeout=5)
    assert again.status_code == 304 and again.content == b""
    assert http.get(rss_url, headers={"If-Modified-Since": modified}, timeout=5).status_code == 304

    corrected = http.patch(f"{platform.url}/api/v1/regions/36.72/news/{article['slug']}",
                           json={"title": article["title"] + " (diperbarui)"}, headers=editor, timeout=5)
    assert corrected.status_code == 200 and corrected.json()["published_at"] == article["published_at"]
    changed = http.get(rss_url, headers={"If-None-Match": etag}, timeout=5)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert any(e.title.endswith("(diperbarui)") for e in feedparser.parse(changed.content).entries)


def headlines(http, platform, region):
    body = http.get(f"{platform.url}/api/v1/regions/{region}/live", timeout=5).json()
    return body["sections"]["news"].get("headlines", [])


def test_live_view_and_syndication(platform, http, token):
    editor = token("editor", "36.73")
    headlines(http, platform, "36.73")  # the section is built before the news arrives
    subscribed = http.put(f"{platform.url}/api/v1/regions/36.04/news-subscriptions",
                          json={"sources": ["36.73"]}, headers=token("editor", "36.04"), timeout=5)
    assert subscribed.status_code == 200 and subscribed.json()["sources"] == ["36.73"]

    title = f"Festival Banten Lama {uuid.uuid4().hex[:6]}"
    article = publish(http, platform, editor, "36.73", title)
    wait_for(lambda: any(h["title"] == title for h in headlines(http, platform, "36.73")),
             what="headline in the live view")

    def carried():
        items = http.get(f"{platform.url}/api/v1/regions/36.04/news", params={"q": title},
                         timeout=5).json()["items"]
        return items[0] if items else None

    copy = wait_for(carried, what="syndicated copy in 36.04")
    assert copy["source_region"] == "36.73" and copy["canonical_url"] == article["canonical_url"]

    retracted = http.post(f"{platform.url}/api/v1/regions/36.73/news/{article['slug']}/retract",
                          headers=editor, timeout=5)
    assert retracted.status_code == 200 and retracted.json()["status"] == "retracted"
    wait_for(lambda: not any(h["title"] == title for h in headlines(http, platform, "36.73")),
             what="retraction in the live view")
    wait_for(lambda: carried() is None, what="retraction of the copy")
    gone = http.get(f"{platform.url}/api/v1/regions/36.73/news/{article['slug']}", timeout=5)
    assert gone.status_code == 404


def test_demo_news_loads_and_reloads(platform, http):
    demo_data.load_news(http, platform.url)
    demo_data.load_news(http, platform.url)  # `make run` on kept data loads it again
    url = f"{platform.url}/api/v1/regions/36.03/news"

    def listed():
        return http.get(url, params={"limit": 50}, timeout=5).json()["items"]

    own = sorted(a["title"] for a in listed() if a["source_region"] == "36.03")
    assert own == sorted(a["title"] for region, a in demo_data.DEMO_NEWS if region == "36.03")
    wait_for(lambda: any(a["source_region"] == "36.71" and a["title"].startswith("Car Free Day")
                         for a in listed()), what="36.71's demo news carried by 36.03")
