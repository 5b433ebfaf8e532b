"""The live view's news section applies article events to its headlines (pure)."""
from services.gateway.news.live import NewsSection
from tests.helpers import assert_live_item

SECTION = NewsSection()


def event(event_type, article_id, published_at, status="published", title="Judul", region="36.71"):
    payload = {"article_id": article_id, "slug": f"s-{article_id}", "revision": 2}
    if event_type != "article_retracted":
        payload.update(title=title, summary="ringkas", category="pengumuman", status=status,
                       published_at=published_at)
    return {"event_type": event_type, "region": region, "payload": payload}


def test_published_news_goes_on_top_and_the_list_stays_short():
    data = {"headlines": []}
    for day in range(1, 8):
        data = SECTION.apply(data, event("article_published", f"a{day}", f"2026-11-0{day}T01:00:00Z"))
    assert [h["id"] for h in data["headlines"]] == ["a7", "a6", "a5", "a4", "a3"]
    assert data["headlines"][0] == {"id": "a7", "title": "Judul", "slug": "s-a7", "summary": "ringkas",
                                    "published_at": "2026-11-07T01:00:00Z", "category": "pengumuman",
                                    "source_region": "36.71"}


def test_correction_archive_and_retraction():
    data = {"headlines": []}
    for day in (1, 2, 3):
        data = SECTION.apply(data, event("article_published", f"a{day}", f"2026-11-0{day}T01:00:00Z"))
    data = SECTION.apply(data, event("article_updated", "a2", "2026-11-02T01:00:00Z", title="Diperbaiki"))
    assert [h["title"] for h in data["headlines"]] == ["Judul", "Diperbaiki", "Judul"]
    data = SECTION.apply(data, event("article_updated", "a3", "2026-11-03T01:00:00Z", status="archived"))
    data = SECTION.apply(data, event("article_retracted", "a1", None))
    assert [h["id"] for h in data["headlines"]] == ["a2"]


def test_applied_headlines_have_the_documented_shape():
    """The service's `headlines` RPC is held to the same shape in test_service."""
    applied = SECTION.apply({"headlines": []}, event("article_published", "a1", "2026-11-01T01:00:00Z"))
    assert_live_item("article_published", applied["headlines"][0])
