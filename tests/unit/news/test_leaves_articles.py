"""What leaves the news service, key by key: the reader's article and its corrections, the
editor's view and its history, and each event other regions carry. The expected sets are
written out here; a new key fails until it is added on purpose."""
from datetime import datetime, timedelta, timezone

import pytest

from services.news import domain
from services.servicekit.regions import get_region

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)
LATER = NOW + timedelta(hours=3)
REGION = get_region("36.71")
ARTICLE = {"title": "Banjir di Ciledug surut", "body": "<p>Air mulai surut sejak pagi.</p>",
           "category": "lingkungan", "tags": ["banjir"]}

PUBLIC_ARTICLE = {"id", "region", "slug", "title", "summary", "body", "category", "category_label",
                  "tags", "cover_image_url", "author", "published_at", "updated_at", "corrections",
                  "origin", "source_region", "source_name", "canonical_url"}
CORRECTION = {"at", "note"}
EDITOR_ARTICLE = PUBLIC_ARTICLE | {"status", "status_label", "version", "publish_at", "created_at",
                                   "history"}
EDITOR_HISTORY_ENTRY = {"action", "from", "to", "at"}  # never the editor's account (`actor`)
ENVELOPE = {"event_id", "event_type", "schema_version", "source", "region", "occurred_at", "payload"}
ARTICLE_PAYLOAD = {"article_id", "slug", "title", "summary", "body", "category", "tags",
                   "cover_image_url", "author", "status", "published_at", "updated_at",
                   "canonical_url", "revision"}
EVENT_PAYLOADS = {"article_published": ARTICLE_PAYLOAD, "article_updated": ARTICLE_PAYLOAD,
                  "article_retracted": {"article_id", "slug", "canonical_url", "retracted_at",
                                        "revision"}}


def stored(article, decision):
    return {**article, **decision.record, "version": article["version"] + 1}


ARTICLE_ID = "0f0e0d0c-0b0a-4908-8706-050403020100"  # the event contract wants a UUID


def draft():
    return {**domain.new_article(ARTICLE, REGION, ARTICLE_ID, "editor-7@36.71", NOW), "version": 1}


def published():
    article = stored(draft(), domain.act(draft(), "submit", "editor-7@36.71", NOW))
    decision = domain.act(article, "publish", "editor-7@36.71", NOW)
    return stored(article, decision), decision


def corrected():
    article, _ = published()
    decision = domain.update(article, {"title": "Banjir di Ciledug sudah surut",
                                       "correction_note": "judul diperbaiki"}, REGION,
                             "editor-7@36.71", LATER)
    return stored(article, decision), decision


def retracted():
    article, _ = corrected()
    decision = domain.act(article, "retract", "editor-7@36.71", LATER)
    return stored(article, decision), decision


def test_the_reader_sees_exactly_the_public_keys_and_each_correction_its_own():
    article, _ = corrected()
    view = domain.public_view(article)
    assert set(view) == PUBLIC_ARTICLE
    assert [set(entry) for entry in view["corrections"]] == [CORRECTION]
    assert "editor-7" not in repr(view)


def test_a_correction_with_more_stored_keeps_them_inside():
    article, _ = corrected()
    article["corrections"][0]["by"] = "editor-7@36.71"
    assert domain.public_view(article)["corrections"] == [{"at": LATER, "note": "judul diperbaiki"}]


def test_the_editor_view_and_its_history_carry_exactly_their_keys():
    article, _ = retracted()
    view = domain.editor_view(article)
    assert set(view) == EDITOR_ARTICLE
    # create and correct name no `from` (an article is made, or stays where it is)
    assert [set(entry) for entry in view["history"]] == [
        EDITOR_HISTORY_ENTRY - {"from"}, EDITOR_HISTORY_ENTRY, EDITOR_HISTORY_ENTRY,
        EDITOR_HISTORY_ENTRY - {"from"}, EDITOR_HISTORY_ENTRY]
    assert [entry["action"] for entry in view["history"]] == [
        "create", "submit", "publish", "correct", "retract"]
    assert "editor-7" not in repr(view)


@pytest.mark.parametrize("decide, event_type", [
    (published, "article_published"), (corrected, "article_updated"),
    (retracted, "article_retracted")])
def test_each_event_carries_exactly_its_payload(decide, event_type):
    _, decision = decide()
    [event] = decision.events
    assert event["event_type"] == event_type
    assert set(event) == ENVELOPE
    assert set(event["payload"]) == EVENT_PAYLOADS[event_type]
    assert "editor-7" not in repr(event)
