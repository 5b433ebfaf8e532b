"""RSS and Atom feeds parse cleanly with feedparser and round-trip what they carry."""
from datetime import datetime, timedelta, timezone

import feedparser
import pytest

from services.news import domain, feeds
from services.servicekit.regions import get_region

REGION = get_region("36.71")
T0 = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)


def articles():
    result = []
    for i in range(3):
        article = domain.new_article(
            {"title": f"Berita ke-{i} & <em>sorotan</em> \"kota\"", "body": f"<p>Isi {i} &amp; lagi</p>",
             "category": "kesehatan" if i else "pengumuman"},
            REGION, f"00000000-0000-4000-8000-00000000000{i}", "ed", T0)
        published = T0 - timedelta(hours=i)
        result.append({**article, "published_at": published, "updated_at": published + timedelta(minutes=i)})
    return result


def struct_to_datetime(struct):
    return datetime(*struct[:6], tzinfo=timezone.utc)


@pytest.mark.parametrize("kind, version", [("rss", "rss20"), ("atom", "atom10")])
def test_feed_parses_without_bozo_and_round_trips(kind, version):
    items = articles()
    built = feeds.build(REGION, items, kind)
    parsed = feedparser.parse(built["body"])
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == version
    assert parsed.feed.title == "Berita Kota Tangerang"
    assert [e.id for e in parsed.entries] == [f"urn:uuid:{a['_id']}" for a in items]
    assert [e.title for e in parsed.entries] == [a["title"] for a in items]
    # links lead to the pages the gateway serves: the article, and the berita page for the channel
    assert [e.link for e in parsed.entries] == [f"https://tangerangkota.go.id/berita/36.71/{a['slug']}"
                                                for a in items]
    assert parsed.feed.link == "https://tangerangkota.go.id/r/36.71/berita"
    assert [struct_to_datetime(e.published_parsed) for e in parsed.entries] == \
           [a["published_at"] for a in items]
    if kind == "atom":  # RSS 2.0 has no per-item updated date
        assert [struct_to_datetime(e.updated_parsed) for e in parsed.entries] == \
               [a["updated_at"] for a in items]
    assert parsed.entries[0].summary == items[0]["summary"]
    assert built["last_modified"] == max(a["updated_at"] for a in items)


def test_category_feed_has_its_own_title_and_self_link():
    built = feeds.build(REGION, articles()[1:], "atom", "kesehatan")
    parsed = feedparser.parse(built["body"])
    assert parsed.bozo == 0 and parsed.feed.title == "Berita Kota Tangerang: Kesehatan"
    assert any(link.href.endswith("/feeds/36.71/kesehatan/atom.xml") for link in parsed.feed.links)


def test_etag_is_stable_and_changes_with_a_correction():
    items = articles()
    first, again = feeds.build(REGION, items, "rss"), feeds.build(REGION, items, "rss")
    assert first["etag"] == again["etag"] and first["body"] == again["body"]
    corrected = [{**items[0], "title": "Judul diperbaiki", "updated_at": T0 + timedelta(hours=1)}] + items[1:]
    changed = feeds.build(REGION, corrected, "rss")
    assert changed["etag"] != first["etag"]
    assert changed["last_modified"] == T0 + timedelta(hours=1)


def test_empty_feed_is_still_valid():
    for kind in feeds.KINDS:
        parsed = feedparser.parse(feeds.build(REGION, [], kind)["body"])
        assert parsed.bozo == 0 and parsed.entries == []
