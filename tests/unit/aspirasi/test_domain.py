"""LAKSA's pure domain: submissions, every transition, NIK, duplicates, statistics."""
from datetime import datetime, timedelta, timezone

import pytest

from services.aspirasi import domain
from services.aspirasi.domain import AUTHORITY, TRANSITIONS, Category
from services.servicekit.caller import Caller
from services.servicekit.errors import Conflict, Forbidden, ValidationFailed
from services.servicekit.nik import check_nik, outside_region
from services.servicekit.regions import get_region

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)
TANGERANG = get_region("36.71")
CATEGORIES = {"sampah": Category("sampah", "Sampah", "Dinas Lingkungan Hidup")}
VALID = {"category": "sampah", "description": "Sampah menumpuk",
         "location": {"lat": -6.17, "long": 106.63},
         "reporter": {"name": "Budi", "nik": "3671011708900001", "phone": "081234567890"}}
STATES = set(domain.STATE_LABELS)
NUMBER = "LAKSA-3671-2026-000123"
# One caller per role, each allowed on the test ticket (own region, own OPD, owner).
CALLERS = {"region_admin": Caller("ani", "region_admin", "36.71"),
           "opd_officer": Caller("ani", "opd_officer", "36.71", opd="DLH"),
           "citizen": Caller("ani", "citizen", None, owns=(NUMBER,)),
           "service": Caller.service("notifications"),
           "platform_operator": Caller("op", "platform_operator", "36.71")}
ROLE_FOR = {action: sorted(AUTHORITY[action])[0] for action in TRANSITIONS}
CALLER_FOR = {action: CALLERS[role] for action, role in ROLE_FOR.items()}
ORIGINAL = {"_id": "LAKSA-3671-2026-000001", "region": "36.71", "status": "in_progress"}
PARAMS = {"reject": {"reason": "spam"},
          "mark_duplicate": {"duplicate_of": ORIGINAL["_id"], "original": ORIGINAL},
          "hand_back": {"note": "bukan kewenangan kami"}}
# Notes between officers (written out here, not read from the domain's table): the admin's
# check and instruction to an OPD, and an OPD's reason for handing a ticket back.
INTERNAL = {"verify", "dispatch", "hand_back"}


def ticket(status, **extra):
    return {"_id": NUMBER, "region": "36.71", "category": "sampah", "status": status, "opd": "DLH",
            "version": 1, "resolved_at": NOW - timedelta(days=1), "history": [], **extra}


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
@pytest.mark.parametrize("state", sorted(STATES))
def test_every_transition_is_allowed_exactly_where_the_table_says(action, state):
    sources, target = TRANSITIONS[action]
    params = {"note": "catatan", **PARAMS.get(action, {})}
    run = lambda: domain.transition(ticket(state), action, CALLER_FOR[action], NOW, **params)  # noqa: E731
    if state in sources:
        ticket_after, events = run()
        entry = ticket_after["history"][-1]
        assert ticket_after["status"] == target and ticket_after["updated_at"] == NOW
        assert [e["event_type"] for e in events] == ["aspirasi_status_changed"]
        readers = "internal" if action in INTERNAL else "public"
        assert entry == {"from": state, "to": target, "action": action, "actor": "ani",
                         "role": ROLE_FOR[action], "note": params["note"], "readers": readers, "at": NOW}
        # the reporter is told (notifications) only what is public
        assert events[0]["payload"]["note"] == ("" if readers == "internal" else params["note"])
    else:
        with pytest.raises(Conflict) as caught:
            run()
        assert state in caught.value.message


def test_the_happy_path_reaches_resolved():
    state = "submitted"
    for action in ("verify", "dispatch", "start", "resolve"):
        state = domain.transition(ticket(state), action, CALLER_FOR[action], NOW).record["status"]
    assert state == "resolved"


def test_wrong_role_is_forbidden_and_unknown_action_is_invalid():
    with pytest.raises(Forbidden):
        domain.transition(ticket("submitted"), "verify", CALLERS["citizen"], NOW)
    with pytest.raises(ValidationFailed, match="action"):
        domain.transition(ticket("submitted"), "teleport", CALLERS["region_admin"], NOW)


def test_reopen_only_within_fourteen_days():
    fresh = ticket("resolved", resolved_at=NOW - timedelta(days=13))
    assert domain.transition(fresh, "reopen", CALLERS["citizen"], NOW).record["status"] == "in_progress"
    stale = ticket("resolved", resolved_at=NOW - timedelta(days=15))
    with pytest.raises(Conflict, match="14 days"):
        domain.transition(stale, "reopen", CALLERS["citizen"], NOW)


def test_reject_needs_a_reason_and_duplicate_needs_the_original():
    with pytest.raises(ValidationFailed, match="reason"):
        domain.transition(ticket("submitted"), "reject", CALLERS["region_admin"], NOW)
    with pytest.raises(ValidationFailed, match="duplicate_of"):
        domain.transition(ticket("submitted"), "mark_duplicate", CALLERS["region_admin"], NOW)


# Every role x scope cell of the authority table, on a ticket of 36.71 / DLH / NUMBER.
CELLS = {
    "own": {"region_admin": Caller("a", "region_admin", "36.71"),
            "opd_officer": Caller("o", "opd_officer", "36.71", opd="DLH"),
            "citizen": Caller("c", "citizen", None, owns=(NUMBER,)),
            "service": Caller.service("notifications"),
            "platform_operator": Caller("p", "platform_operator", "36.71"),
            "editor": Caller("e", "editor", "36.71"),
            "disnaker_officer": Caller("d", "disnaker_officer", "36.71")},
    "other_region": {"region_admin": Caller("a", "region_admin", "36.03"),
                     "opd_officer": Caller("o", "opd_officer", "36.03", opd="DLH"),
                     "service": Caller.service("notifications")},  # acting for a 36.03 event
    "other_opd": {"opd_officer": Caller("o", "opd_officer", "36.71", opd="Dinas PUPR")},
    "stranger": {"citizen": Caller("c", "citizen", "36.71", owns=("LAKSA-3671-2026-000999",))},
}


@pytest.mark.parametrize("action", sorted(AUTHORITY))
@pytest.mark.parametrize("cell, role", [(cell, role) for cell, roles in CELLS.items() for role in roles])
def test_authority_table_decides_every_role_and_scope(action, cell, role):
    scope = AUTHORITY[action].get(role)
    allowed = scope is not None and (cell == "own" or scope == "any")
    caller = CELLS[cell][role]
    acting_for = "36.71" if cell == "own" else "36.03"  # the region a service's call is for
    if allowed:
        assert domain.authorize(action, caller, ticket("submitted"), acting_for) is caller
    else:
        with pytest.raises(Forbidden):
            domain.authorize(action, caller, ticket("submitted"), acting_for)


@pytest.mark.parametrize("note", [["x"], {"a": 1}, 7, "<b>x</b>", "x" * 2001])
def test_a_note_must_be_plain_text(note):
    with pytest.raises(ValidationFailed, match="note"):
        domain.transition(ticket("submitted"), "verify", CALLERS["region_admin"], NOW, note)


@pytest.mark.parametrize("opd", [["DLH"], {"$ne": 1}, 3, "Dinas Antah Berantah"])
def test_dispatch_names_one_of_the_regions_known_opds(opd):
    with pytest.raises(ValidationFailed, match="opd"):
        domain.transition(ticket("verified"), "dispatch", CALLERS["region_admin"], NOW,
                          opds={"DLH", "Dinas PUPR"}, opd=opd)
    dispatched = domain.transition(ticket("verified"), "dispatch", CALLERS["region_admin"], NOW,
                                   opds={"DLH", "Dinas PUPR"}, opd="Dinas PUPR").record
    assert dispatched["opd"] == "Dinas PUPR"


def test_tracking_secret_proves_ownership():
    stored = ticket("resolved", tracking_hash=domain.tracking_hash("rahasia-123"))
    assert domain.proves_ownership(stored, "rahasia-123")
    assert not domain.proves_ownership(stored, "rahasia-124")
    assert not domain.proves_ownership(stored, None)
    assert not domain.proves_ownership(ticket("resolved"), "rahasia-123")


def test_valid_submission_is_cleaned():
    fields = domain.validate_submission(VALID, TANGERANG, CATEGORIES)
    assert fields["opd"] == "Dinas Lingkungan Hidup" and fields["reporter"]["nik"] == "3671011708900001"


def test_every_bad_field_is_reported_at_once():
    report = {**VALID, "category": "meteor", "description": "", "location": {"lat": "abc", "long": 1},
              "reporter": {"name": "", "nik": "12345", "phone": "12", "email": "bukan-email"}}
    with pytest.raises(ValidationFailed) as refused:
        domain.validate_submission(report, TANGERANG, CATEGORIES)
    fields = list(refused.value.details["fields"])
    # the e-mail's shape is the schema's (#31), checked before the domain's own checks
    assert fields == ["category", "reporter.email", "reporter.name", "reporter.nik", "reporter.phone",
                      "description", "location"]
    assert refused.value.details["field"] == "category"


@pytest.mark.parametrize("change, field", [
    ({"category": "meteor"}, "category"),
    ({"description": ""}, "description"),
    ({"description": "x" * 4001}, "description"),
    ({"description": "<script>alert(1)</script>"}, "description"),
    ({"location": {"lat": 51.5, "long": -0.12}}, "location"),
    ({"location": {"lat": "abc", "long": 106}}, "location"),
    ({"location": None}, "location"),
    ({"photos": ["http://a/1"] * 6}, "photos"),
    ({"photos": ["javascript:alert(1)"]}, "photos[0]"),
    ({"reporter": {"name": "Budi", "nik": "12345", "phone": "0812345678"}}, "reporter.nik"),
    ({"reporter": {"name": "Budi", "phone": "call me"}}, "reporter.phone"),
    ({"reporter": {"name": "Budi"}}, "reporter"),
    ({"reporter": None}, "reporter"),
])
def test_bad_submissions_name_the_field(change, field):
    with pytest.raises(ValidationFailed) as caught:
        domain.validate_submission({**VALID, **change}, TANGERANG, CATEGORIES)
    assert caught.value.details["field"] == field


@pytest.mark.parametrize("report, receipt, owed", [
    (VALID, True, True),  # a phone given: the receipt goes to it
    ({**VALID, "reporter": {"name": "Budi", "email": "budi@contoh.id"}}, True, True),
    (VALID, False, False),  # the SMS inbox answered with the number itself
    ({**VALID, "anonymous": True, "reporter": None}, True, False),  # nobody to tell
])
def test_the_submitted_event_says_whether_a_receipt_is_owed(report, receipt, owed):
    fields = domain.validate_submission(report, TANGERANG, CATEGORIES)
    [event] = domain.submitted(NUMBER, TANGERANG, fields, NOW, "hash", None, receipt).events
    assert event["payload"]["receipt"] is owed and "phone" not in repr(event["payload"])


def test_anonymous_reports_need_no_contact_and_show_no_name():
    fields = domain.validate_submission({**VALID, "anonymous": True, "reporter": None},
                                        TANGERANG, CATEGORIES)
    assert fields["reporter"] is None
    view = domain.public_view({"_id": "T", "region": "36.71", **fields, "status": "submitted",
                               "submitted_at": NOW, "updated_at": NOW, "history": []})
    assert view["reporter_name"] is None


def test_public_view_never_shows_contact_details():
    fields = domain.validate_submission(VALID, TANGERANG, CATEGORIES)
    view = domain.public_view({"_id": "T", "region": "36.71", **fields, "status": "submitted",
                               "submitted_at": NOW, "updated_at": NOW, "history": []})
    text = repr(view)
    assert "3671011708900001" not in text and "081234567890" not in text
    assert view["reporter_name"] is None and "Budi" not in text  # the name only when opted in
    fields = domain.validate_submission({**VALID, "show_name": True}, TANGERANG, CATEGORIES)
    view = domain.public_view({"_id": "T", "region": "36.71", **fields, "status": "submitted",
                               "submitted_at": NOW, "updated_at": NOW, "history": []})
    assert view["reporter_name"] == "Budi"
    with pytest.raises(ValidationFailed, match="show_name"):
        domain.validate_submission({**VALID, "show_name": "ya"}, TANGERANG, CATEGORIES)


def test_the_notifications_service_gets_the_contact_only():
    fields = domain.validate_submission(VALID, TANGERANG, CATEGORIES)
    contact = domain.notification_contact(fields)
    assert contact and set(contact) <= {"email", "phone"} and "nik" not in repr(contact)
    assert domain.notification_contact({**fields, "reporter": None}) is None


@pytest.mark.parametrize("nik, ok", [
    ("3671011708900001", True),
    ("3671015708900001", True),     # women: day + 40
    ("3671 0117 0890 0001", True),  # spaces as printed on the card
    ("3603011708900001", True),     # Kab. Tangerang prefix: a NIK is for life, people move
    ("367101170890000", False),     # 15 digits
    ("367101170890000X", False),
    ("３６７１０１１７０８９０００１", False),  # not ASCII digits
    ("3671013208900001", False),    # day 32
    ("3671017208900001", False),    # day 72 (a woman's 32)
    ("3671011713900001", False),    # month 13
    ("3671011700900001", False),    # month 00
    ("3671011708900000", False),    # serial 0000
])
def test_nik_shape_and_birth_date_digits(nik, ok):
    if ok:
        assert check_nik(nik) == nik.replace(" ", "")
    else:
        with pytest.raises(ValidationFailed) as excinfo:
            check_nik(nik)
        assert excinfo.value.details["field"] == "nik"


def test_a_nik_from_another_region_is_accepted_and_flagged_for_officers():
    report = {**VALID, "reporter": {"name": "Budi", "nik": "3603011708900001", "phone": "081234567890"}}
    fields = domain.validate_submission(report, TANGERANG, CATEGORIES)
    assert fields["reporter"]["nik"] == "3603011708900001" and fields["nik_outside_region"] is True
    own = domain.validate_submission(VALID, TANGERANG, CATEGORIES)
    assert own["nik_outside_region"] is False and outside_region("3674011708900001", TANGERANG)
    stored = {**ticket("submitted"), "region": "36.71", **fields, "submitted_at": NOW, "updated_at": NOW}
    view = domain.officer_view(stored, [])
    assert (view["nik_outside_region"], view["nik_note"]) == (True, "NIK dari luar daerah")
    assert view["reporter"]["nik"] == "3603011708900001"
    assert "nik_outside_region" not in domain.public_view(stored)
    anonymous = domain.validate_submission({**VALID, "anonymous": True}, TANGERANG, CATEGORIES)
    assert "nik_outside_region" not in anonymous


def test_ticket_number_is_human_readable():
    assert domain.ticket_number("36.71", 2026, 123) == "LAKSA-3671-2026-000123"


def test_distance_and_duplicate_suggestion():
    here = {"lat": -6.178100, "long": 106.631900}
    # 0.0004 degrees of latitude is about 44.5 m; 0.0005 about 55.6 m
    assert 44 < domain.distance_m(here, {"lat": -6.1785, "long": 106.6319}) < 45
    base = {"category": "sampah", "status": "submitted", "submitted_at": NOW - timedelta(days=1)}
    candidates = [
        {"_id": "near", **base, "location": {"lat": -6.1785, "long": 106.6319}},
        {"_id": "far", **base, "location": {"lat": -6.1786, "long": 106.6319}},
        {"_id": "other-category", **base, "category": "banjir", "location": here},
        {"_id": "closed", **base, "status": "resolved", "location": here},
        {"_id": "old", **base, "submitted_at": NOW - timedelta(days=31), "location": here},
        {"_id": "address-only", **base, "location": {"address": "Jl. Merdeka"}},
    ]
    found = domain.likely_duplicates({"_id": "new", "category": "sampah", "location": here},
                                     candidates, NOW)
    assert [d["number"] for d in found] == ["near"]


def test_statistics():
    day = timedelta(hours=24)
    tickets = [
        {"status": "resolved", "opd": "A", "submitted_at": NOW, "verified_at": NOW + day,
         "resolved_at": NOW + 4 * day, "breaches": []},
        {"status": "resolved", "opd": "A", "submitted_at": NOW, "verified_at": NOW + 3 * day,
         "resolved_at": NOW + 8 * day, "breaches": ["follow_up"]},
        {"status": "in_progress", "opd": "A", "submitted_at": NOW, "verified_at": NOW + 2 * day,
         "breaches": ["follow_up"]},
        {"status": "submitted", "opd": "A", "submitted_at": NOW, "breaches": []},
    ]
    stats = domain.statistics(tickets, TANGERANG)
    assert stats["received"] == 4 and stats["resolved"] == 2
    assert stats["share_resolved"] == 0.5 and stats["share_resolved_on_time"] == 0.5
    assert stats["median_hours_to_first_response"] == 48.0
    assert stats["median_hours_to_resolution"] == 144.0
    # From Friday 10:00 WIB: verified Saturday, Sunday and Monday 10:00 took 0.583 (the
    # rest of Friday), 0.583 and 1 working day; resolved Tuesday 10:00 took 2 (Friday's
    # rest, Monday, Tuesday's first 10 h), next Saturday 10:00 5.583: median 3.792.
    assert stats["median_working_days_to_first_response"] == 0.583
    assert stats["median_working_days_to_resolution"] == 3.792
    assert stats["overdue"] == 1
