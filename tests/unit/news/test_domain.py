"""News' pure domain: validation, sanitizing, workflow, scheduling, corrections, paging."""
from datetime import datetime, timedelta, timezone

import pytest

from services.news import domain
from services.servicekit.errors import Conflict, ValidationFailed
from services.servicekit.regions import get_region

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)
REGION = get_region("36.71")
ARTICLE = {"title": "Banjir di Ciledug surut", "body": "<p>Air mulai surut sejak pagi.</p>",
           "category": "lingkungan", "tags": ["Banjir", "ciledug", "banjir"]}


def draft(**overrides):
    article = domain.new_article({**ARTICLE, **overrides}, REGION, "a1", "editor@36.71", NOW)
    return {**article, "version": 1}


def apply(article, changes):
    return {**article, **changes, "version": article["version"] + 1}


def field_of(excinfo):
    return excinfo.value.details["field"]


# validation ------------------------------------------------------------------
@pytest.mark.parametrize("data, field", [
    ({k: v for k, v in ARTICLE.items() if k != "title"}, "title"),
    ({**ARTICLE, "title": "   "}, "title"),
    ({**ARTICLE, "title": "<script>alert(1)</script>"}, "title"),
    ({**ARTICLE, "category": "gosip"}, "category"),
    ({**ARTICLE, "category": None}, "category"),
    ({**ARTICLE, "body": ""}, "body"),
    ({**ARTICLE, "body": "<script>alert(1)</script>"}, "body"),
    ({**ARTICLE, "slug": "Bad Slug!"}, "slug"),
    ({**ARTICLE, "slug": "double--hyphen"}, "slug"),
    ({**ARTICLE, "tags": "banjir"}, "tags"),
    ({**ARTICLE, "tags": [f"t{i}" for i in range(11)]}, "tags"),
    ({**ARTICLE, "cover_image_url": "javascript:alert(1)"}, "cover_image_url"),
    ({**ARTICLE, "publish_at": "tomorrow"}, "publish_at"),
    ({**ARTICLE, "publish_at": "2026-12-01T07:00:00"}, "publish_at"),
    ({**ARTICLE, "nik": "3671010101010001"}, "nik"),
])
def test_bad_input_names_the_field(data, field):
    with pytest.raises(ValidationFailed) as excinfo:
        domain.new_article(data, REGION, "a1", "editor", NOW)
    assert field_of(excinfo) == field
    assert excinfo.value.message.startswith(f"{field}: ")


def test_unknown_category_lists_the_choices():
    with pytest.raises(ValidationFailed) as excinfo:
        domain.new_article({**ARTICLE, "category": "gosip"}, REGION, "a1", "editor", NOW)
    assert "'gosip' is unknown" in excinfo.value.message and "kesehatan" in excinfo.value.message


def test_publish_at_in_the_past_for_a_draft_is_refused():
    with pytest.raises(ValidationFailed) as excinfo:
        domain.new_article({**ARTICLE, "publish_at": (NOW - timedelta(minutes=1)).isoformat()},
                           REGION, "a1", "editor", NOW)
    assert field_of(excinfo) == "publish_at" and "in the past" in excinfo.value.message


def test_new_article_defaults():
    article = draft()
    assert article["slug"] == "banjir-di-ciledug-surut"
    assert article["tags"] == ["banjir", "ciledug"]
    assert article["summary"] == "Air mulai surut sejak pagi."
    assert article["author"] == "Redaksi Kota Tangerang"
    assert article["canonical_url"] == "https://tangerangkota.go.id/berita/36.71/banjir-di-ciledug-surut"
    assert article["status"] == "draft" and article["published_at"] is None
    assert domain.slugify("Ça déjà vu: Pasar Lama  (2026)!") == "ca-deja-vu-pasar-lama-2026"


# sanitizing ------------------------------------------------------------------
XSS = [
    "<script>alert('xss')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">klik</a>",
    "<a href=\"JaVaScRiPt&#58;alert(1)\">klik</a>",
    "<a href=\"  javascript:alert(1)\">klik</a>",
    "<svg onload=alert(1)><circle r=1></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<div style=\"width: expression(alert(1))\">gaya</div>",
    "<p style=\"background:url(javascript:alert(1))\">gaya</p>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<body onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">d</a>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<form action=\"javascript:alert(1)\"><input type=submit></form>",
    "<!-- <script>alert(1)</script> -->",
    "<p onmouseover=\"alert(1)\">hover</p>",
]


@pytest.mark.parametrize("payload", XSS)
def test_known_xss_payloads_come_out_clean(payload):
    clean = domain.sanitize_body(f"<p>Berita</p>{payload}")
    lowered = clean.lower()
    for danger in ("<script", "javascript:", "onerror", "onload", "onmouseover", "expression(",
                   "style=", "<svg", "<iframe", "<object", "<form", "data:text", "<!--"):
        assert danger not in lowered, (payload, clean)
    assert clean.startswith("<p>Berita</p>")


def test_sanitizing_keeps_ordinary_markup():
    body = ('<h2>Jadwal</h2><p>Datang <strong>pagi</strong>, lihat '
            '<a href="https://tangerangkota.go.id/x">pengumuman</a>.</p><ul><li>satu</li></ul>'
            '<img src="https://tangerangkota.go.id/a.jpg" alt="foto">')
    clean = domain.sanitize_body(body)
    assert "<h2>Jadwal</h2>" in clean and "<strong>pagi</strong>" in clean and "<li>satu</li>" in clean
    assert 'href="https://tangerangkota.go.id/x"' in clean and 'rel="noopener noreferrer nofollow"' in clean
    assert '<img src="https://tangerangkota.go.id/a.jpg" alt="foto">' in clean


def test_stored_body_is_sanitized_and_title_is_plain_text():
    article = draft(title="<b>Banjir</b> surut", body="<p onclick=x>Air surut</p><script>x()</script>")
    assert article["title"] == "Banjir surut"
    assert article["body"] == "<p>Air surut</p>"


# workflow --------------------------------------------------------------------
def test_workflow_draft_review_published_archived():
    article = draft()
    article = apply(article, domain.transition(article, "submit", "ed", NOW))
    assert article["status"] == "in_review"
    article = apply(article, domain.transition(article, "publish", "ed", NOW))
    assert article["status"] == "published" and article["published_at"] == NOW
    later = NOW + timedelta(days=30)
    article = apply(article, domain.transition(article, "archive", "ed", later))
    assert article["status"] == "archived" and article["published_at"] == NOW
    article = apply(article, domain.transition(article, "retract", "ed", later))
    assert article["status"] == "retracted" and article["retracted_at"] == later
    assert [h["action"] for h in article["history"]] == ["create", "submit", "publish", "archive",
                                                         "retract"]


@pytest.mark.parametrize("status, action", [
    ("draft", "publish"), ("draft", "archive"), ("draft", "retract"), ("in_review", "submit"),
    ("published", "publish"), ("archived", "publish"), ("retracted", "publish"),
    ("scheduled", "publish"),
])
def test_illegal_transitions_conflict(status, action):
    with pytest.raises(Conflict) as excinfo:
        domain.transition({**draft(), "status": status}, action, "ed", NOW)
    assert excinfo.value.details["status"] == status


def test_unknown_action():
    with pytest.raises(ValidationFailed) as excinfo:
        domain.transition(draft(), "delete", "ed", NOW)
    assert field_of(excinfo) == "action"


# scheduling ------------------------------------------------------------------
def test_publish_with_future_publish_at_schedules_until_due():
    article = draft(publish_at=(NOW + timedelta(hours=2)).isoformat())
    article = apply(article, domain.transition(article, "submit", "ed", NOW))
    article = apply(article, domain.transition(article, "publish", "ed", NOW))
    assert article["status"] == "scheduled" and article["published_at"] is None
    assert not domain.is_due(article, NOW + timedelta(hours=1))
    due = NOW + timedelta(hours=2, seconds=1)
    assert domain.is_due(article, due)
    article = apply(article, domain.publish_scheduled(article, due))
    assert article["status"] == "published" and article["published_at"] == due


def test_schedule_that_passed_during_review_publishes_at_once():
    article = draft(publish_at=(NOW + timedelta(minutes=5)).isoformat())
    article = apply(article, domain.transition(article, "submit", "ed", NOW))
    later = NOW + timedelta(hours=1)
    article = apply(article, domain.transition(article, "publish", "ed", later))
    assert article["status"] == "published" and article["published_at"] == later


def test_removing_the_schedule_returns_it_to_review():
    article = draft(publish_at=(NOW + timedelta(hours=2)).isoformat())
    article = apply(article, domain.transition(article, "submit", "ed", NOW))
    article = apply(article, domain.transition(article, "publish", "ed", NOW))
    article = apply(article, domain.edit(article, {"publish_at": None}, REGION, "ed", NOW))
    assert article["status"] == "in_review" and article["publish_at"] is None


def test_moving_a_schedule_into_the_past_is_refused():
    article = draft(publish_at=(NOW + timedelta(hours=2)).isoformat())
    with pytest.raises(ValidationFailed) as excinfo:
        domain.edit(article, {"publish_at": (NOW - timedelta(hours=1)).isoformat()}, REGION, "ed", NOW)
    assert field_of(excinfo) == "publish_at"


# corrections -----------------------------------------------------------------
def published():
    article = draft()
    article = apply(article, domain.transition(article, "submit", "ed", NOW))
    return apply(article, domain.transition(article, "publish", "ed", NOW))


def test_correction_keeps_published_date_and_records_updated_date():
    article = published()
    later = NOW + timedelta(hours=3)
    changes = domain.edit(article, {"title": "Banjir di Ciledug sudah surut",
                                    "correction_note": "judul diperbaiki"}, REGION, "ed", later)
    article = apply(article, changes)
    assert article["published_at"] == NOW and article["updated_at"] == later
    assert article["title"] == "Banjir di Ciledug sudah surut"
    assert article["corrections"] == [{"at": later, "note": "judul diperbaiki"}]
    assert article["slug"] == "banjir-di-ciledug-surut"


def test_published_slug_is_frozen_and_archived_is_read_only():
    article = published()
    with pytest.raises(Conflict) as excinfo:
        domain.edit(article, {"slug": "judul-baru"}, REGION, "ed", NOW)
    assert excinfo.value.details["field"] == "slug"
    with pytest.raises(Conflict):
        domain.edit({**article, "status": "archived"}, {"title": "x y z"}, REGION, "ed", NOW)


def test_draft_slug_change_moves_canonical_url():
    article = apply(draft(), domain.edit(draft(), {"slug": "banjir-surut"}, REGION, "ed", NOW))
    assert article["canonical_url"].endswith("/berita/36.71/banjir-surut")


# events and views ------------------------------------------------------------
def test_views_and_events_carry_no_editor_account():
    article = published()
    assert "created_by" not in domain.public_view(article)
    assert all("actor" not in h for h in domain.editor_view(article)["history"])
    payload = domain.event_payload(article, 3)
    assert "editor" not in str(payload) and payload["author"] == "Redaksi Kota Tangerang"


def test_syndicated_copy_links_back_and_is_sanitized_again():
    event = {"region": "36.71", "payload": {**domain.event_payload(published(), 3),
                                            "body": "<p>ok</p><img src=x onerror=alert(1)>"}}
    copy = domain.syndicated_copy(event, "36.03", domain.copy_slug("banjir-di-ciledug-surut", "36.71"))
    assert copy["slug"] == "banjir-di-ciledug-surut-3671" and copy["region"] == "36.03"
    assert copy["source_region"] == "36.71" and copy["origin"] == "syndicated"
    assert copy["canonical_url"] == "https://tangerangkota.go.id/berita/36.71/banjir-di-ciledug-surut"
    assert "onerror" not in copy["body"] and copy["published_at"] == NOW


# paging ----------------------------------------------------------------------
def test_cursor_round_trip_and_bad_cursor():
    article = {"_id": "abc", "published_at": NOW}
    assert domain.decode_cursor(domain.encode_cursor(article)) == (NOW, "abc")
    for bad in ("not-a-cursor", "e30", ""):
        with pytest.raises(ValidationFailed) as excinfo:
            domain.decode_cursor(bad)
        assert field_of(excinfo) == "cursor"


def test_limits_and_search_terms():
    assert domain.page_size("10") == 10
    for bad in (0, 51, "x"):
        with pytest.raises(ValidationFailed):
            domain.page_size(bad)
    assert domain.search_terms("Banjir  C++") == ["banjir", r"c\+\+"]


def test_backoff_doubles_and_is_capped():
    interval = timedelta(minutes=15)
    assert domain.next_attempt(0, interval, NOW) == NOW + interval
    assert domain.next_attempt(2, interval, NOW) == NOW + 4 * interval
    assert domain.next_attempt(20, interval, NOW) == NOW + domain.MAX_BACKOFF


def test_a_refused_article_names_every_field_with_its_code_and_parameters():
    with pytest.raises(ValidationFailed) as excinfo:
        domain.new_article({"title": "x" * 201, "body": "<script>x()</script>", "tags": ["ok", 7],
                            "cover_image_url": "javascript:alert(1)", "publish_at": "2026-12-01T07:00:00"},
                           REGION, "a1", "editor", NOW)
    fields = excinfo.value.details["fields"]
    assert {name: found["code"] for name, found in fields.items()} == {
        "title": "too_long", "tags[1]": "wrong_type", "cover_image_url": "bad_url", "body": "required",
        "category": "required", "publish_at": "no_timezone"}
    assert fields["title"]["max"] == 200 and fields["tags[1]"]["expected"] == "string"


def test_an_edit_is_checked_like_a_new_article_and_may_clear_the_schedule():
    later = (NOW + timedelta(days=1)).isoformat()
    scheduled = {**draft(publish_at=later), "status": "scheduled"}
    with pytest.raises(ValidationFailed) as excinfo:
        domain.edit(scheduled, {"category": "gosip", "slug": "Bad"}, REGION, "ed", NOW)
    assert {n: f["code"] for n, f in excinfo.value.details["fields"].items()} == {
        "slug": "bad_slug", "category": "unknown_news_category"}
    changes = domain.edit(scheduled, {"publish_at": None}, REGION, "ed", NOW)
    assert (changes["publish_at"], changes["status"]) == (None, "in_review")
