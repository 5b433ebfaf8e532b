"""The newsroom's workflow and authority table pinned from an independent spec (written out
here, never read from `TRANSITIONS` or `AUTHORITY`), and scheduled publishing to the second.
"""
import copy
from datetime import datetime, timedelta, timezone

import pytest

from services.news.domain import workflow
from services.servicekit.caller import Caller
from services.servicekit.errors import Conflict, Forbidden, Unauthorized

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)
SECOND = timedelta(seconds=1)
ARTICLE_ID = "0f9c2d4e-6a1b-4c3d-8e5f-7a9b1c2d3e4f"
STATES = ("draft", "in_review", "scheduled", "published", "archived", "retracted")
# action -> {state: target}; every other state is a conflict. A scheduled article waits for
# its time (the scheduler publishes it; an editor unschedules it by editing publish_at):
# it is not public yet, so there is nothing to archive or retract. A retracted article is
# final: its retraction stays on record for the regions that copied it.
TARGETS = {
    "submit": {"draft": "in_review"},
    "publish": {"in_review": "published"},
    "archive": {"published": "archived"},
    "retract": {"published": "retracted", "archived": "retracted"},
}
# the event each allowed move announces to other regions (None: it stays in the newsroom)
ANNOUNCES = {("submit", "draft"): None, ("publish", "in_review"): "article_published",
             ("archive", "published"): "article_updated", ("retract", "published"): "article_retracted",
             ("retract", "archived"): "article_retracted"}


def article(status, **extra):
    return {"_id": ARTICLE_ID, "slug": "banjir-cipondoh", "region": "36.71", "status": status, "version": 4,
            "origin": "local", "title": "Banjir di Cipondoh", "summary": "Air surut", "body": "Isi",
            "category": "umum", "tags": [], "author": "Humas", "image": None,
            "published_at": NOW - timedelta(days=1), "updated_at": NOW - timedelta(days=1),
            "created_at": NOW - timedelta(days=2), "publish_at": None,
            "canonical_url": "https://berita.tangerangkota.go.id/berita/banjir-cipondoh",
            "history": [{"action": "create", "from": None, "to": "draft", "actor": "eka", "at": NOW}],
            **extra}


@pytest.mark.parametrize("action, state", [(a, s) for a in TARGETS for s in STATES])
def test_each_action_from_each_state_leads_where_the_spec_says_or_conflicts(action, state):
    before = article(state)
    kept = copy.deepcopy(before)
    target = TARGETS[action].get(state)
    if target is None:
        with pytest.raises(Conflict):
            workflow.act(before, action, "eka", NOW)
        assert before == kept
        return
    changes, events = workflow.act(before, action, "eka", NOW)
    assert before == kept
    assert changes["status"] == target and changes["history"][-1] == {
        "action": action, "from": state, "to": target, "actor": "eka", "at": NOW}
    assert [e["event_type"] for e in events] == [t for t in [ANNOUNCES[(action, state)]] if t]


def test_the_spec_names_every_action_the_code_has():
    assert set(workflow.TRANSITIONS) == set(TARGETS)


@pytest.mark.parametrize("publish_at, status, published_at", [
    (None, "published", NOW), (NOW, "published", NOW), (NOW + SECOND, "scheduled", None)])
def test_publishing_before_its_time_schedules_it(publish_at, status, published_at):
    changes = workflow.transition(article("in_review", published_at=None, publish_at=publish_at),
                                  "publish", "eka", NOW)
    assert (changes["status"], changes.get("published_at")) == (status, published_at)


@pytest.mark.parametrize("now, due", [(NOW - SECOND, False), (NOW, True), (NOW + SECOND, True)])
def test_a_scheduled_article_is_due_from_the_second_of_its_publish_at(now, due):
    scheduled = article("scheduled", publish_at=NOW, published_at=None)
    assert workflow.is_due(scheduled, now) is due
    assert workflow.is_due(article("in_review", publish_at=NOW), now) is False
    if due:
        changes, [event] = workflow.publish_due(scheduled, now)
        assert (changes["status"], changes["published_at"], event["event_type"]) == (
            "published", now, "article_published")


WHO = {"editor": Caller("eka", "editor", "36.71"), "editor_other_region": Caller("edo", "editor", "36.01"),
       "operator": Caller("op", "platform_operator", None), "admin": Caller("ani", "region_admin", "36.71"),
       "opd_officer": Caller("budi", "opd_officer", "36.71", opd="Diskominfo"),
       "citizen": Caller("warga", "citizen", None), "service": Caller.service("notifications"),
       "signed_out": None}
# The newsroom is the region's editors' (and the platform operator's); the region admin runs
# LAKSA and Pencaker, not the newsroom.
EDITORS_ONLY = ("ok", "region", "ok", "role", "role", "role", "role", "sign_in")
ROWS = {action: EDITORS_ONLY for action in
        ("write_article", "read_newsroom", "set_subscriptions", "manage_feed_sources")}


def _outcome(action, caller):
    try:
        workflow.authorize(action, caller, "36.71")
    except Unauthorized:
        return "sign_in"
    except Forbidden as refused:
        return refused.details["field"]
    return "ok"


@pytest.mark.parametrize("action, who, expected", [
    (action, who, outcome) for action, row in ROWS.items() for who, outcome in zip(WHO, row, strict=True)])
def test_each_newsroom_action_is_allowed_or_refused_by_name_per_role_and_scope(action, who, expected):
    assert set(workflow.AUTHORITY) == set(ROWS)
    assert _outcome(action, WHO[who]) == expected
