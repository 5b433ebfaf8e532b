"""An editor's article: its fields checked (commands.NEW_ARTICLE / ARTICLE for the shape,
here what a schema cannot say), a new draft, and an edit (a correction once published).

Every bad field is named at once: the schema's refusals and the domain's in one
ValidationFailed. `None` for a field means not given."""
from datetime import datetime
from typing import Any, Callable

from services.news import commands
from services.news.domain.copies import unknown_category
from services.news.domain.text import (
    SUMMARY_FROM_BODY,
    canonical_url,
    parse_moment,
    sanitize_body,
    search_text,
    shorten,
    slugify,
    strip_markup,
)
from services.news.domain.workflow import EDITABLE, decided
from services.servicekit.contracts.news import CATEGORIES
from services.servicekit.decision import Decision
from services.servicekit.envelope import isoformat
from services.servicekit.errors import Conflict, ValidationFailed, problem
from services.servicekit.regions import Region
from services.servicekit.validation import check_body

Article = dict[str, Any]
FIELDS = tuple(commands.ARTICLE["properties"])
UNSCHEDULED = {"draft", "in_review", "scheduled"}


class Refused(Exception):
    """One field's problem, collected with the others (never leaves this module)."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.problem = problem(code, message, **params)


def sent(schema: dict[str, Any], data: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields given (None dropped) and the schema's problems with them."""
    if not isinstance(data, dict):
        raise ValidationFailed.field("body", "the article must be a JSON object", code="wrong_type",
                                     expected="object")
    given = {k: v for k, v in data.items() if v is not None}
    try:
        check_body(schema, given)
    except ValidationFailed as exc:
        return given, dict(exc.details["fields"])
    return given, {}


def _title(fields: dict[str, Any]) -> str:
    title = strip_markup(fields.get("title") or "")
    if not title:
        raise Refused("required", "is required (only markup was given)" if fields.get("title")
                      else "is required")
    return title


def _body(fields: dict[str, Any]) -> str:
    body = sanitize_body(fields.get("body") or "")
    if not strip_markup(body) and "<img" not in body:
        raise Refused("required", "has no content left once scripts and markup are removed"
                      if (fields.get("body") or "").strip() else "is required")
    return body


def _category(fields: dict[str, Any]) -> str:
    code = fields.get("category")
    if not code or not code.strip():
        raise Refused("required", "is required; one of " + ", ".join(CATEGORIES))
    if code not in CATEGORIES:
        found = unknown_category(code)
        raise Refused(found.pop("code"), found.pop("message"), **found)
    return code


def _tags(fields: dict[str, Any]) -> list[str]:
    clean: list[str] = []
    for tag in fields.get("tags") or []:
        slug = slugify(tag)
        if not slug:
            raise Refused("bad_tag", f"{tag[:60]!r} must be 1-{commands.MAX_TAG} letters or digits",
                          tag=tag[:60], max=commands.MAX_TAG)
        if slug not in clean:
            clean.append(slug)
    return clean


def _publish_at(status: str, now: datetime) -> Callable[[dict[str, Any]], datetime | None]:
    def check(fields: dict[str, Any]) -> datetime | None:
        if fields.get("publish_at") is None:
            return None
        moment = _moment(fields["publish_at"])
        if status in UNSCHEDULED and moment < now:
            raise Refused("publish_at_past", f"{isoformat(moment)} is in the past; give a future time, or "
                                             "leave it out to publish when approved",
                          publish_at=isoformat(moment))
        return moment
    return check


def _moment(value: Any) -> datetime:
    try:
        return parse_moment(value, "publish_at")
    except ValidationFailed as exc:
        found = dict(exc.details["fields"]["publish_at"])
        raise Refused(found.pop("code"), found.pop("message"), **found) from None


def _plain(name: str) -> Callable[[dict[str, Any]], str | None]:
    return lambda fields: strip_markup(fields[name]) or None if fields.get(name) else None


def _refused(name: str, problems: dict[str, Any]) -> bool:
    """Whether the schema refused `name` or a part of it (`tags[3]`)."""
    return any(found == name or found.startswith((name + "[", name + ".")) for found in problems)


def clean_fields(fields: dict[str, Any], status: str, now: datetime,
                 problems: dict[str, Any]) -> dict[str, Any]:
    """An article's fields (all of them, as on create) cleaned; raises naming every bad
    field, those in `problems` (the schema's) and the ones found here."""
    checks = {"title": _title, "body": _body, "category": _category, "tags": _tags,
              "publish_at": _publish_at(status, now), "summary": _plain("summary"),
              "author": _plain("author"), "cover_image_url": lambda f: f.get("cover_image_url") or None}
    clean: dict[str, Any] = {}
    for name, check in checks.items():
        if not _refused(name, problems):
            try:
                clean[name] = check(fields)
            except Refused as exc:
                problems[name] = exc.problem
    if not _refused("slug", problems) and "title" in clean:
        clean["slug"] = fields.get("slug") or slugify(clean["title"])
        if not clean["slug"]:
            problems["slug"] = problem("no_slug", "cannot be made from this title; give one")
    if problems:
        raise ValidationFailed.of(problems)
    clean["summary"] = clean["summary"] or shorten(strip_markup(clean["body"]), SUMMARY_FROM_BODY)
    return {k: clean[k] for k in ("title", "slug", "summary", "body", "category", "tags", "cover_image_url",
                                  "author", "publish_at")}


def new_article(data: Any, region: Region, article_id: str, actor: str, now: datetime) -> Article:
    """A draft from an editor's input. Pure: the caller gives the id and the time."""
    given, problems = sent(commands.NEW_ARTICLE, data)
    if "correction_note" in given:
        given.pop("correction_note")
    fields = clean_fields(given, "draft", now, problems)
    fields["author"] = fields["author"] or f"Redaksi {region.name}"
    return {
        "_id": article_id, "region": region.code, **fields, "origin": "local",
        "source_region": region.code, "canonical_url": canonical_url(region, fields["slug"]),
        "search_text": search_text(fields), "status": "draft", "created_at": now,
        "created_by": actor, "updated_at": now, "published_at": None, "corrections": [],
        "history": [{"action": "create", "to": "draft", "actor": actor, "at": now}],
    }


def create(data: Any, region: Region, article_id: str, actor: str, now: datetime) -> Decision:
    """The create command: a draft, announced to nobody (drafts stay in the newsroom)."""
    return Decision(new_article(data, region, article_id, actor, now), [])


def edit(article: Article, data: Any, region: Region, actor: str, now: datetime) -> dict[str, Any]:
    """Changes to store for an edit; after publication it is a correction.

    A correction keeps `published_at` and the slug (links to it are out in
    the world), records when and why it was corrected, and is announced.
    A field sent as None is cleared (a summary made again from the body, a
    schedule removed).
    """
    status = article["status"]
    if status not in EDITABLE:
        raise Conflict(f"a {status} article cannot be edited", {"field": "status"})
    given, problems = sent(commands.UPDATE_ARTICLE, data)
    merged = {k: article.get(k) for k in FIELDS if k != "correction_note"}
    merged.update({k: v for k, v in data.items() if k != "correction_note"})
    keep_schedule = status == "published" or merged["publish_at"] == article.get("publish_at")
    if keep_schedule:
        merged.pop("publish_at")  # only a new, unpublished schedule is checked against now
    fields = clean_fields(merged, status, now, problems)
    if keep_schedule:
        fields["publish_at"] = article.get("publish_at")
    fields["author"] = fields["author"] or article["author"]
    changes = {**fields, "search_text": search_text(fields), "updated_at": now}
    if status == "published":
        if fields["slug"] != article["slug"]:
            raise Conflict("the slug of a published article cannot change: links point to it",
                           {"field": "slug"})
        note = strip_markup(given.get("correction_note") or "") or "corrected"
        changes["corrections"] = article.get("corrections", []) + [{"at": now, "note": note}]
    else:
        changes["canonical_url"] = canonical_url(region, fields["slug"])
    if status == "scheduled" and fields["publish_at"] is None:
        changes["status"] = "in_review"  # unscheduled: back to waiting for approval
    changes["history"] = article["history"] + [
        {"action": "correct" if status == "published" else "edit", "to": changes.get("status", status),
         "actor": actor, "at": now}]
    return changes


def update(article: Article, data: Any, region: Region, actor: str, now: datetime) -> Decision:
    """The update command: the edit's changes, and (once published) the correction announced."""
    return decided(article, edit(article, data, region, actor, now), now)
