"""News' pure domain: articles, the editorial workflow, slugs, sanitizing, scheduling.

No nameko, no pymongo, no clock reads: callers pass `now`.
"""
import base64
import binascii
import html
import json
import re
import unicodedata
from datetime import datetime, timedelta

import nh3

from services.servicekit import authority
from services.servicekit.authority import ANY, REGION, Target
from services.servicekit.contracts.news import BODY_TAGS, CATEGORIES, STATE_LABELS
from services.servicekit.envelope import isoformat
from services.servicekit.errors import Conflict, ValidationFailed
from services.servicekit.validation import strip_control

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

FIELDS = ("title", "slug", "summary", "body", "category", "tags", "cover_image_url",
          "author", "publish_at", "correction_note")
MAX_TITLE = 200
MAX_SUMMARY = 500
MAX_BODY = 100_000
MAX_TAGS = 10
MAX_TAG = 40
MAX_SLUG = 120
SUMMARY_FROM_BODY = 280
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL = re.compile(r"^https?://[^\s<>\"']+$")

BODY_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
                   "th": {"colspan", "rowspan", "scope"}, "td": {"colspan", "rowspan"},
                   "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_body(value):
    """HTML an article may show, whatever was sent (pasted control characters dropped)."""
    return nh3.clean(strip_control(value), tags=BODY_TAGS, attributes=BODY_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener noreferrer nofollow", strip_comments=True)


def strip_markup(value):
    """Text without any markup (script and style contents dropped), whitespace collapsed."""
    text = strip_control(html.unescape(nh3.clean(value, tags=set())))
    return " ".join(text.split())


def slugify(text):
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_SLUG].strip("-")


def canonical_url(region, slug):
    """The article's page on its region's own site (https, as the event contracts require),
    at the gateway's article path: where syndicated copies link back to."""
    return f"https://{region.domain}/berita/{region.code}/{slug}"


def _text(data, field, max_length, required=False):
    value = data.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationFailed.field(field, "is required")
        return None
    if not isinstance(value, str):
        raise ValidationFailed.field(field, "must be text")
    value = strip_markup(value)
    if required and not value:
        raise ValidationFailed.field(field, "is required (only markup was given)")
    if len(value) > max_length:
        raise ValidationFailed.field(field, f"is {len(value)} characters; at most {max_length} allowed")
    return value


def check_slug(slug):
    if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > MAX_SLUG:
        raise ValidationFailed.field(
            "slug", f"{str(slug)[:60]!r} is not a slug: use lowercase letters, digits and single "
                    f"hyphens, at most {MAX_SLUG} characters (e.g. banjir-di-ciledug)")
    return slug


def parse_moment(value, field):
    """An aware datetime from a datetime or an ISO-8601 string with a timezone."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationFailed.field(
                field, f"{value[:40]!r} is not an ISO-8601 date-time like 2026-12-01T07:00:00+07:00"
            ) from None
    if not isinstance(value, datetime):
        raise ValidationFailed.field(field, "must be an ISO-8601 date-time")
    if value.tzinfo is None:
        raise ValidationFailed.field(field, "needs a timezone, e.g. +07:00 or Z")
    return value


def _tags(data):
    tags = data.get("tags")
    if tags is None:
        return []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValidationFailed.field("tags", "must be a list of words")
    clean = []
    for tag in tags:
        slug = slugify(tag)
        if not slug or len(slug) > MAX_TAG:
            raise ValidationFailed.field("tags", f"{tag[:60]!r} must be 1-{MAX_TAG} letters or digits")
        if slug not in clean:
            clean.append(slug)
    if len(clean) > MAX_TAGS:
        raise ValidationFailed.field("tags", f"{len(clean)} given; at most {MAX_TAGS}")
    return clean


def _body(data):
    body = data.get("body")
    if not isinstance(body, str) or not body.strip():
        raise ValidationFailed.field("body", "is required")
    if len(body) > MAX_BODY:
        raise ValidationFailed.field("body", f"is {len(body)} characters; at most {MAX_BODY} allowed")
    body = sanitize_body(body)
    if not strip_markup(body) and "<img" not in body:
        raise ValidationFailed.field("body", "has no content left once scripts and markup are removed")
    return body


def _category(data):
    code = data.get("category")
    if not isinstance(code, str) or not code.strip():
        raise ValidationFailed.field("category", "is required; one of " + ", ".join(CATEGORIES))
    if code not in CATEGORIES:
        raise ValidationFailed.field(
            "category", f"{code[:40]!r} is unknown; choose one of " + ", ".join(CATEGORIES))
    return code


def _cover(data):
    url = data.get("cover_image_url")
    if url is None or url == "":
        return None
    if not isinstance(url, str) or not URL.match(url) or len(url) > 500:
        raise ValidationFailed.field("cover_image_url", f"{str(url)[:60]!r} is not an http(s) URL")
    return url


def validate_fields(data, status, now):
    """Clean article fields from an editor's input (all of them, as on create)."""
    if not isinstance(data, dict):
        raise ValidationFailed("the article must be a JSON object", {"field": "body"})
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ValidationFailed.field(unknown[0], "is not an article field; known: " + ", ".join(FIELDS))
    title = _text(data, "title", MAX_TITLE, required=True)
    body = _body(data)
    slug = data.get("slug")
    if slug is None or slug == "":
        slug = slugify(title)
        if not slug:
            raise ValidationFailed.field("slug", "cannot be made from this title; give one")
    check_slug(slug)
    summary = _text(data, "summary", MAX_SUMMARY) or _shorten(strip_markup(body), SUMMARY_FROM_BODY)
    publish_at = data.get("publish_at")
    if publish_at is not None:
        publish_at = parse_moment(publish_at, "publish_at")
        if status in {"draft", "in_review", "scheduled"} and publish_at < now:
            raise ValidationFailed.field(
                "publish_at", f"{isoformat(publish_at)} is in the past; give a future time, or "
                              "leave it out to publish when approved")
    return {
        "title": title, "slug": slug, "summary": summary, "body": body,
        "category": _category(data), "tags": _tags(data), "cover_image_url": _cover(data),
        "author": _text(data, "author", 120),
        "publish_at": publish_at,
    }


def _shorten(text, limit):
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def search_text(fields):
    return " ".join([fields["title"], fields["summary"], strip_markup(fields["body"]),
                     " ".join(fields["tags"])]).lower()


def new_article(data, region, article_id, actor, now):
    """A draft from an editor's input. Pure: the caller gives the id and the time."""
    fields = validate_fields(data, "draft", now)
    fields["author"] = fields["author"] or f"Redaksi {region.name}"
    return {
        "_id": article_id, "region": region.code, **fields, "origin": "local",
        "source_region": region.code, "canonical_url": canonical_url(region, fields["slug"]),
        "search_text": search_text(fields), "status": "draft", "created_at": now,
        "created_by": actor, "updated_at": now, "published_at": None, "corrections": [],
        "history": [{"action": "create", "to": "draft", "actor": actor, "at": now}],
    }


def edit(article, data, region, actor, now):
    """Changes to store for an edit; after publication it is a correction.

    A correction keeps `published_at` and the slug (links to it are out in
    the world), records when and why it was corrected, and is announced.
    """
    status = article["status"]
    if status not in EDITABLE:
        raise Conflict(f"a {status} article cannot be edited", {"field": "status"})
    if not isinstance(data, dict):
        raise ValidationFailed("the changes must be a JSON object", {"field": "body"})
    merged = {k: article.get(k) for k in FIELDS if k != "correction_note"}
    merged.update({k: v for k, v in data.items() if k != "correction_note"})
    if status == "published" or merged["publish_at"] == article.get("publish_at"):
        merged.pop("publish_at")  # only a new, unpublished schedule is checked against now
        fields = validate_fields(merged, status, now)
        fields["publish_at"] = article.get("publish_at")
    else:
        fields = validate_fields(merged, status, now)
    fields["author"] = fields["author"] or article["author"]
    changes = {**fields, "search_text": search_text(fields), "updated_at": now}
    if status == "published":
        if fields["slug"] != article["slug"]:
            raise Conflict("the slug of a published article cannot change: links point to it",
                           {"field": "slug"})
        note = _text(data, "correction_note", 500) or "corrected"
        changes["corrections"] = article.get("corrections", []) + [{"at": now, "note": note}]
    else:
        changes["canonical_url"] = canonical_url(region, fields["slug"])
    if status == "scheduled" and fields["publish_at"] is None:
        changes["status"] = "in_review"  # unscheduled: back to waiting for approval
    changes["history"] = article["history"] + [
        {"action": "correct" if status == "published" else "edit", "to": changes.get("status", status),
         "actor": actor, "at": now}]
    return changes


def transition(article, action, actor, now):
    """Changes to store for a workflow action. Pure."""
    if action not in TRANSITIONS:
        raise ValidationFailed.field("action", f"{action!r} unknown; one of {', '.join(TRANSITIONS)}")
    sources, target = TRANSITIONS[action]
    state = article["status"]
    if state not in sources:
        raise Conflict(f"cannot {action} an article that is {state}; allowed from "
                       + ", ".join(sorted(sources)), {"field": "action", "status": state})
    changes = {"updated_at": now}
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


def is_due(article, now):
    return article["status"] == "scheduled" and article["publish_at"] <= now


def publish_scheduled(article, now):
    """Changes that publish a scheduled article whose time has come."""
    return {"status": "published", "published_at": now, "updated_at": now,
            "history": article["history"] + [
                {"action": "publish", "from": "scheduled", "to": "published", "actor": "schedule",
                 "at": now}]}


def public_view(article):
    """What readers see. `created_by` (an editor's account) never leaves the service."""
    return {
        "id": article["_id"], "region": article["region"], "slug": article["slug"],
        "title": article["title"], "summary": article["summary"], "body": article["body"],
        "category": article["category"], "category_label": CATEGORIES.get(article["category"]),
        "tags": article["tags"], "cover_image_url": article.get("cover_image_url"),
        "author": article["author"], "published_at": article.get("published_at"),
        "updated_at": article["updated_at"], "corrections": article.get("corrections", []),
        "origin": article["origin"], "source_region": article["source_region"],
        "source_name": article.get("source_name"), "canonical_url": article["canonical_url"],
    }


def editor_view(article):
    return {**public_view(article), "status": article["status"],
            "status_label": STATE_LABELS[article["status"]], "version": article["version"],
            "publish_at": article.get("publish_at"), "created_at": article["created_at"],
            "history": [{k: v for k, v in h.items() if k != "actor"} for h in article["history"]]}


# events ---------------------------------------------------------------------
def event_payload(article, revision):
    """What other regions may carry: the article and its public byline, nothing more."""
    return {
        "article_id": article["_id"], "slug": article["slug"], "title": article["title"],
        "summary": article["summary"], "body": article["body"], "category": article["category"],
        "tags": article["tags"], "cover_image_url": article.get("cover_image_url"),
        "author": article["author"], "status": article["status"],
        "published_at": isoformat(article["published_at"]),
        "updated_at": isoformat(article["updated_at"]),
        "canonical_url": article["canonical_url"], "revision": revision,
    }


def retracted_payload(article, revision):
    return {"article_id": article["_id"], "slug": article["slug"],
            "canonical_url": article["canonical_url"],
            "retracted_at": isoformat(article["retracted_at"]), "revision": revision}


def syndicated_copy(event, subscriber_region, slug):
    """A subscriber region's copy of another region's article, from its event."""
    payload = event["payload"]
    body = sanitize_body(payload["body"])  # a partner's HTML is input like any other
    fields = {"title": strip_markup(payload["title"]), "summary": strip_markup(payload["summary"]),
              "body": body, "tags": payload["tags"]}
    return {
        "region": subscriber_region, "slug": slug, **fields,
        "category": payload["category"] if payload["category"] in CATEGORIES else "pengumuman",
        "cover_image_url": payload.get("cover_image_url"), "author": payload["author"],
        "status": payload["status"], "origin": "syndicated", "source_region": event["region"],
        "source_article_id": payload["article_id"], "source_revision": payload["revision"],
        "canonical_url": payload["canonical_url"], "search_text": search_text(fields),
        "published_at": parse_moment(payload["published_at"], "published_at"),
        "updated_at": parse_moment(payload["updated_at"], "updated_at"),
        "corrections": [], "history": [],
    }


def copy_slug(source_slug, source_region):
    return f"{source_slug}-{source_region.replace('.', '')}"[:MAX_SLUG]


# reading --------------------------------------------------------------------
MAX_LIMIT = 50
MAX_PAGE = 10_000
MAX_TERMS = 8


def page_size(limit):
    try:
        limit = int(limit)
    except (TypeError, ValueError):
        raise ValidationFailed.field("limit", "must be a whole number") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed.field("limit", f"must be between 1 and {MAX_LIMIT}")
    return limit


def page_number(page):
    try:
        page = int(page)
    except (TypeError, ValueError):
        raise ValidationFailed.field("page", "must be a whole number") from None
    if not 1 <= page <= MAX_PAGE:
        raise ValidationFailed.field("page", f"must be between 1 and {MAX_PAGE}")
    return page


def search_terms(q):
    """Regex-safe words of a search query, every one of which must match."""
    if q is None:
        return []
    if not isinstance(q, str) or len(q) > 200:
        raise ValidationFailed.field("q", "must be text of at most 200 characters")
    words = q.lower().split()[:MAX_TERMS]
    return [re.escape(w) for w in words]


def encode_cursor(article):
    raw = json.dumps([isoformat(article["published_at"]), article["_id"]]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor):
    """(published_at, id) of the last article of the previous page."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, article_id = json.loads(raw)
        return parse_moment(moment, "cursor"), str(article_id)
    except (ValueError, TypeError, binascii.Error, ValidationFailed):
        raise ValidationFailed.field("cursor", "is not a cursor this API gave out; start over "
                                               "without it") from None


# feed ingestion -------------------------------------------------------------
MAX_BACKOFF = timedelta(hours=6)


def next_attempt(failures, interval, now):
    """When to fetch a feed again: its interval, doubled after every failure in a row."""
    return now + min(interval * (2 ** failures), max(MAX_BACKOFF, interval))


def ingested_article(entry, source, region, article_id, slug, now):
    """An article from an external feed's entry (already parsed to a plain dict)."""
    body = sanitize_body(entry.get("content") or entry.get("summary") or "")
    title = strip_markup(entry.get("title") or "") or "(tanpa judul)"
    fields = {"title": title[:MAX_TITLE],
              "summary": _shorten(strip_markup(entry.get("summary") or body), SUMMARY_FROM_BODY),
              "body": body, "tags": []}
    published = entry.get("published") or now
    return {
        "_id": article_id, "region": region, "slug": slug, **fields,
        "category": source["category"], "cover_image_url": None,
        "author": strip_markup(entry.get("author") or "") or source["name"], "status": "published",
        "origin": "feed", "source_region": region, "source_name": source["name"],
        "feed_source": source["_id"], "entry_id": entry["id"],
        "canonical_url": entry.get("link") or source["url"], "search_text": search_text(fields),
        "published_at": published, "updated_at": published, "created_at": now,
        "corrections": [], "history": [],
    }


def authorize(action, caller, region_code):
    return authority.authorize(AUTHORITY, action, caller, Target(region_code))
