"""The editorial workflow: who may do what, which action leads where, scheduled
publication, and which change other regions hear about (the event it announces).

Beside the state machine, its authority table (servicekit.authority)."""
from datetime import datetime
from typing import Any

from services.news.domain.views import event_payload, retracted_payload
from services.servicekit import authority
from services.servicekit.authority import ANY, REGION, Target
from services.servicekit.decision import Decision
from services.servicekit.envelope import new_event
from services.servicekit.errors import Conflict, ValidationFailed

Article = dict[str, Any]

# action -> (states it may start from, state it leads to). `publish` of an
# article whose publish_at is still ahead leads to `scheduled` instead.
TRANSITIONS = {
    "submit": ({"draft"}, "in_review"),
    "publish": ({"in_review"}, "published"),
    "archive": ({"published"}, "archived"),
    "retract": ({"published", "archived"}, "retracted"),
}
# Who may do what (action -> role -> scope; servicekit.authority): a region's
# editors run its newsroom; reading published news is public.
EDITORS = {"editor": REGION, "platform_operator": ANY}
AUTHORITY = {"write_article": EDITORS, "read_newsroom": EDITORS, "set_subscriptions": EDITORS,
             "manage_feed_sources": EDITORS}
EDITABLE = {"draft", "in_review", "scheduled", "published"}
# States whose changes other regions (and the live view) hear about.
ANNOUNCED = {"published", "archived"}


def authorize(action: str, caller: Any, region_code: str) -> Any:
    return authority.authorize(AUTHORITY, action, caller, Target(region_code))


def transition(article: Article, action: Any, actor: str, now: datetime) -> dict[str, Any]:
    """Changes to store for a workflow action. Pure."""
    if action not in TRANSITIONS:
        raise ValidationFailed.field("action", f"{action!r} unknown; one of {', '.join(TRANSITIONS)}",
                                     code="not_allowed", allowed=list(TRANSITIONS))
    sources, target = TRANSITIONS[action]
    state = article["status"]
    if state not in sources:
        raise Conflict(f"cannot {action} an article that is {state}; allowed from "
                       + ", ".join(sorted(sources)), {"field": "action", "status": state})
    changes: dict[str, Any] = {"updated_at": now}
    if action == "publish":
        publish_at = article.get("publish_at")
        if publish_at is not None and publish_at > now:
            target = "scheduled"
        else:
            changes["published_at"] = now
    if action == "retract":
        changes["retracted_at"] = now
    changes["status"] = target
    changes["history"] = article["history"] + [
        {"action": action, "from": state, "to": target, "actor": actor, "at": now}]
    return changes


def is_due(article: Article, now: datetime) -> bool:
    return article["status"] == "scheduled" and article["publish_at"] <= now


def publish_scheduled(article: Article, now: datetime) -> dict[str, Any]:
    """Changes that publish a scheduled article whose time has come."""
    return {"status": "published", "published_at": now, "updated_at": now,
            "history": article["history"] + [
                {"action": "publish", "from": "scheduled", "to": "published", "actor": "schedule",
                 "at": now}]}


def announcement(before: Article, after: Article, revision: int, now: datetime) -> dict[str, Any] | None:
    """The event a change announces: publication, correction, archiving, retraction."""
    region, status = after["region"], after["status"]
    if status == "retracted":
        return new_event("article_retracted", "news", region, retracted_payload(after, revision), now)
    if status == "published" and before["status"] != "published":
        return new_event("article_published", "news", region, event_payload(after, revision), now)
    if status == "published" or (status in ANNOUNCED and before["status"] != status):
        return new_event("article_updated", "news", region, event_payload(after, revision), now)
    return None


def decided(article: Article, changes: dict[str, Any], now: datetime) -> Decision:
    """A change to a stored article: the changes to store (at the article's next version)
    and the event it announces, if any."""
    event = announcement(article, {**article, **changes}, article["version"] + 1, now)
    return Decision(changes, [event] if event else [])


def act(article: Article, action: Any, actor: str, now: datetime) -> Decision:
    """The transition command: submit, publish (or schedule), archive or retract."""
    return decided(article, transition(article, action, actor, now), now)


def publish_due(article: Article, now: datetime) -> Decision:
    """The scheduler's command: publish a scheduled article whose time has come."""
    return decided(article, publish_scheduled(article, now), now)


def check_version(article: Article, expected_version: Any) -> None:
    """An editor's change is made to the version they saw, or refused (Conflict)."""
    if expected_version is not None and expected_version != article["version"]:
        raise Conflict(f"article {article['slug']!r} is at version {article['version']}, not "
                       f"{expected_version}; reload and retry", {"field": "version"})


def check_own(article: Article) -> Article:
    """Only the region's own articles are edited here; a copy is edited at its source."""
    if article["origin"] != "local":
        source = article.get("source_name") or article["source_region"]
        raise Conflict(f"{article['slug']!r} comes from {source}; edit it at its source", {"field": "slug"})
    return article
