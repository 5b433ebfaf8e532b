"""The newsroom workflow's refusals and records, rule by rule: an unknown action names the
allowed ones, a move from a wrong state names the state, every move stamps updated_at, the
scheduler's publication is recorded as the schedule's, events carry the moment of the
change, and stale versions or copies from another region are refused naming the field."""
from datetime import datetime, timedelta, timezone

import pytest

from services.news.domain import workflow
from services.servicekit.errors import Conflict, ValidationFailed

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)
NOW_TEXT = "2026-11-27T03:00:00Z"
EARLIER = NOW - timedelta(days=1)
CREATED = {"action": "create", "from": None, "to": "draft", "actor": "eka", "at": EARLIER}


def article(status, **extra):
    return {"_id": "0f9c2d4e-6a1b-4c3d-8e5f-7a9b1c2d3e4f", "slug": "banjir-cipondoh", "region": "36.71",
            "status": status, "version": 4, "origin": "local", "title": "Banjir di Cipondoh",
            "summary": "Air surut", "body": "Isi", "category": "umum", "tags": [], "author": "Humas",
            "image": None, "published_at": EARLIER, "updated_at": EARLIER, "created_at": EARLIER,
            "publish_at": None, "history": [CREATED],
            "canonical_url": "https://berita.tangerangkota.go.id/berita/banjir-cipondoh", **extra}


@pytest.mark.parametrize("action", ["delete", None, "PUBLISH"])
def test_an_unknown_action_is_refused_naming_the_allowed_ones(action):
    with pytest.raises(ValidationFailed) as raised:
        workflow.transition(article("draft"), action, "eka", NOW)
    problem = raised.value.details["fields"]["action"]
    assert problem["code"] == "not_allowed"
    assert problem["allowed"] == ["submit", "publish", "archive", "retract"]
    assert problem["message"] == f"{action!r} unknown; one of submit, publish, archive, retract"


def test_a_move_from_a_wrong_state_names_the_state_and_where_it_is_allowed_from():
    with pytest.raises(Conflict) as raised:
        workflow.transition(article("draft"), "retract", "eka", NOW)
    assert raised.value.details == {"field": "action", "status": "draft"}
    assert raised.value.message == "cannot retract an article that is draft; allowed from archived, published"


@pytest.mark.parametrize(("action", "state"), [("submit", "draft"), ("publish", "in_review"),
                                               ("archive", "published"), ("retract", "archived")])
def test_every_move_stamps_the_moment_it_was_made(action, state):
    changes = workflow.transition(article(state), action, "eka", NOW)
    assert changes["updated_at"] == NOW
    assert changes["history"][:-1] == [CREATED]


def test_the_schedulers_publication_is_recorded_as_the_schedules():
    scheduled = article("scheduled", publish_at=NOW, published_at=None)
    assert workflow.publish_scheduled(scheduled, NOW) == {
        "status": "published", "published_at": NOW, "updated_at": NOW,
        "history": [CREATED, {"action": "publish", "from": "scheduled", "to": "published",
                              "actor": "schedule", "at": NOW}]}


@pytest.mark.parametrize(("decide", "event_type"), [
    (lambda: workflow.act(article("in_review"), "publish", "eka", NOW), "article_published"),
    (lambda: workflow.act(article("published"), "archive", "eka", NOW), "article_updated"),
    (lambda: workflow.act(article("published"), "retract", "eka", NOW), "article_retracted"),
    (lambda: workflow.publish_due(article("scheduled", publish_at=NOW, published_at=None), NOW),
     "article_published"),
], ids=["publish", "archive", "retract", "scheduled"])
def test_each_event_carries_the_moment_of_the_change_and_the_next_revision(decide, event_type):
    _, [event] = decide()
    assert (event["event_type"], event["occurred_at"], event["region"]) == (event_type, NOW_TEXT, "36.71")
    assert event["payload"]["revision"] == 5


def test_a_change_to_another_version_is_refused_naming_the_version():
    workflow.check_version(article("draft"), 4)
    workflow.check_version(article("draft"), None)  # no version given: the editor's own risk
    with pytest.raises(Conflict) as raised:
        workflow.check_version(article("draft"), 3)
    assert raised.value.details == {"field": "version"}
    assert raised.value.message == "article 'banjir-cipondoh' is at version 4, not 3; reload and retry"


@pytest.mark.parametrize(("extra", "source"), [
    ({"source_name": "Kota Tangerang Selatan", "source_region": "36.74"}, "Kota Tangerang Selatan"),
    ({"source_region": "36.74"}, "36.74")])
def test_a_copy_from_another_region_is_edited_at_its_source(extra, source):
    copied = article("published", origin="shared", **extra)
    with pytest.raises(Conflict) as raised:
        workflow.check_own(copied)
    assert raised.value.details == {"field": "slug"}
    assert raised.value.message == f"'banjir-cipondoh' comes from {source}; edit it at its source"
    own = article("published")
    assert workflow.check_own(own) is own
