"""LAKSA's lifecycle rules, value by value: what each action records, the refusals' codes
and details, the status event's payload and the breach's (the gaps `make mutate` found:
mutants of lifecycle.py that no test told apart). Expected values are written out here."""
from datetime import datetime, timedelta, timezone

import pytest

from services.aspirasi import domain
from services.aspirasi.domain import Category
from services.servicekit.caller import Caller
from services.servicekit.errors import Conflict, ValidationFailed
from services.servicekit.regions import get_region

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)  # a Monday, 10:00 in Tangerang
LATER = NOW + timedelta(hours=2)
TANGERANG = get_region("36.71")
CATEGORIES = {"sampah": Category("sampah", "Sampah", "DLH")}
REPORT = {"category": "sampah", "description": "Sampah menumpuk",
          "location": {"lat": -6.17, "long": 106.63},
          "reporter": {"name": "Budi", "nik": "3671011708900001", "phone": "081234567890"}}
NUMBER = "LAKSA-3671-2026-000001"
ADMIN = Caller("admin-7", "region_admin", "36.71")
OFFICER = Caller("officer-9", "opd_officer", "36.71", opd="DLH")
PUPR_OFFICER = Caller("officer-2", "opd_officer", "36.71", opd="PUPR")
CITIZEN = Caller("citizen", "citizen", None, owns=(NUMBER,))
OPDS = {"DLH", "PUPR"}


def new():
    fields = domain.validate_submission(REPORT, TANGERANG, CATEGORIES)
    return domain.submitted(NUMBER, TANGERANG, fields, NOW, "hash", None).record


def step(ticket, action, caller, now=NOW, note=None, **params):
    return domain.transition(ticket, action, caller, now, note, opds=OPDS, region=TANGERANG, **params)


def verified():
    return step(new(), "verify", ADMIN).record


def dispatched(opd="DLH"):
    return step(verified(), "dispatch", ADMIN, opd=opd).record


def started():
    return step(dispatched(), "start", OFFICER).record


def resolved(at=NOW):
    return step(started(), "resolve", OFFICER, at).record


def test_each_action_records_its_moment():
    assert verified()["verified_at"] == NOW
    assert step(verified(), "dispatch", ADMIN, LATER, opd="DLH").record["dispatched_at"] == LATER
    assert resolved(LATER)["resolved_at"] == LATER
    reopened = step(resolved(), "reopen", CITIZEN, LATER).record
    assert reopened["reopened_at"] == LATER
    assert "verified_at" not in new() and "dispatched_at" not in verified()


def test_the_first_response_is_the_first_start_and_a_second_start_keeps_it():
    ticket = step(dispatched(), "start", OFFICER, LATER).record
    assert ticket["first_response_at"] == LATER
    later = LATER + timedelta(days=1)
    ticket = step(step(step(ticket, "resolve", OFFICER, later).record, "reopen", CITIZEN,
                       later).record, "resolve", OFFICER, later).record
    assert ticket["first_response_at"] == LATER
    assert "first_response_at" not in dispatched()


def test_a_dispatch_names_the_opd_or_keeps_the_categorys():
    assert dispatched("PUPR")["opd"] == "PUPR"
    assert step(verified(), "dispatch", ADMIN).record["opd"] == "DLH"
    assert step(dispatched("PUPR"), "start", PUPR_OFFICER).record["status"] == "in_progress"


def test_a_dispatch_to_an_unknown_opd_is_refused_by_code_with_the_allowed_list():
    ticket = verified()
    with pytest.raises(ValidationFailed) as caught:
        step(ticket, "dispatch", ADMIN, opd="Dinas Antah")
    assert caught.value.details["fields"]["opd"]["code"] == "unknown_opd"
    assert caught.value.details["fields"]["opd"]["allowed"] == ["DLH", "PUPR"]
    assert ticket["status"] == "verified" and ticket["opd"] == "DLH"


def test_a_rejection_keeps_its_reason_and_a_duplicate_its_original():
    assert step(new(), "reject", ADMIN, reason="spam").record["reject_reason"] == "spam"
    original = {"_id": "LAKSA-3671-2026-000000", "region": "36.71", "status": "resolved"}
    marked = step(verified(), "mark_duplicate", ADMIN, duplicate_of=original["_id"], original=original).record
    assert marked["duplicate_of"] == "LAKSA-3671-2026-000000"
    assert marked["status"] == "duplicate"


def test_a_ticket_is_never_a_duplicate_of_itself():
    with pytest.raises(ValidationFailed) as caught:
        step(verified(), "mark_duplicate", ADMIN, duplicate_of=NUMBER)
    assert caught.value.details["fields"]["duplicate_of"]["code"] == "duplicate_of_itself"


@pytest.mark.parametrize("after, allowed", [
    (timedelta(days=14), True), (timedelta(days=14, seconds=1), False)])
def test_a_reopen_is_allowed_up_to_the_fourteenth_day_to_the_second(after, allowed):
    ticket = resolved()
    if allowed:
        assert step(ticket, "reopen", CITIZEN, NOW + after).record["status"] == "in_progress"
    else:
        with pytest.raises(Conflict) as caught:
            step(ticket, "reopen", CITIZEN, NOW + after)
        assert caught.value.details == {"field": "action"}


def test_an_unknown_action_names_the_field_its_code_and_the_actions():
    with pytest.raises(ValidationFailed) as caught:
        step(new(), "teleport", ADMIN)
    refusal = caught.value.details["fields"]["action"]
    assert refusal["code"] == "unknown_action"
    assert refusal["allowed"] == list(domain.TRANSITIONS)
    assert "teleport" in refusal["message"]


def test_a_wrong_state_is_a_conflict_naming_the_action_and_the_state():
    with pytest.raises(Conflict) as caught:
        step(new(), "resolve", OFFICER)
    assert caught.value.details == {"field": "action", "status": "submitted"}
    assert "resolve" in caught.value.message and "submitted" in caught.value.message


def test_the_status_event_says_what_moved_who_and_whether_on_time():
    [event] = step(dispatched(), "start", OFFICER, LATER, "mulai dikerjakan").events
    assert event["event_type"] == "aspirasi_status_changed"
    assert event["payload"] == {"number": NUMBER, "category": "sampah", "opd": "DLH",
                                "from": "dispatched", "to": "in_progress", "action": "start",
                                "role": "opd_officer", "at": LATER.isoformat(), "on_time": True,
                                "note": "mulai dikerjakan"}
    late = {**dispatched(), "breaches": ["verification"]}
    [event] = step(late, "start", OFFICER, LATER).events
    assert event["payload"]["on_time"] is False and event["payload"]["note"] == ""


def test_the_history_entry_says_who_did_what_and_when():
    ticket = step(dispatched(), "start", OFFICER, LATER, "  mulai  ").record
    assert ticket["history"][-1] == {"from": "dispatched", "to": "in_progress", "action": "start",
                                     "actor": "officer-9", "role": "opd_officer",
                                     "note": "mulai", "readers": "public", "at": LATER}
    assert ticket["updated_at"] == LATER and len(ticket["history"]) == 4


def test_a_breach_is_recorded_once_with_its_event():
    ticket = verified()
    due = ticket["verify_due_at"]
    assert domain.breached(ticket, due) is None
    decision = domain.breached(ticket, due + timedelta(seconds=1))
    assert decision is not None
    assert decision.record["breaches"] == ["verification"]
    [event] = decision.events
    assert event["event_type"] == "aspirasi_sla_breached"
    assert event["payload"] == {"number": NUMBER, "category": "sampah", "opd": "DLH",
                                "clock": "verification", "due_at": due.isoformat(),
                                "status": "verified"}
    assert domain.breached(decision.record, due + timedelta(days=3)) is None
