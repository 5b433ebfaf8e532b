"""Issue #32.3 and #32.4 in the domain: every reference an action takes is checked (a
duplicate's original, a dispatch's OPD), an OPD hands a misrouted ticket back with a
reason, and each note is public or internal. Every refusal names its field and code and
leaves the ticket exactly as it was. Expected values are written out here."""
import copy
from datetime import datetime, timedelta, timezone

import pytest

from services.aspirasi import domain
from services.aspirasi.domain import Category
from services.servicekit.caller import Caller
from services.servicekit.errors import Conflict, ValidationFailed
from services.servicekit.regions import get_region

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)  # a Monday, 10:00 in Tangerang
LATER = NOW + timedelta(days=8)  # the OPD's 5 working days have run out
TANGERANG = get_region("36.71")
CATEGORIES = {"sampah": Category("sampah", "Sampah", "DLH")}
REPORT = {"category": "sampah", "description": "Sampah menumpuk",
          "location": {"lat": -6.17, "long": 106.63},
          "reporter": {"name": "Budi", "phone": "081234567890"}}
NUMBER = "LAKSA-3671-2026-000001"
ORIGINAL = "LAKSA-3671-2026-000007"
ADMIN = Caller("admin-7", "region_admin", "36.71")
OFFICER = Caller("officer-9", "opd_officer", "36.71", opd="DLH")
OPDS = {"DLH", "PUPR"}


def step(ticket, action, caller, now=NOW, note=None, **params):
    return domain.transition(ticket, action, caller, now, note, opds=OPDS, region=TANGERANG, **params)


def new(number=NUMBER):
    fields = domain.validate_submission(REPORT, TANGERANG, CATEGORIES)
    return domain.submitted(number, TANGERANG, fields, NOW, "hash", None).record


def dispatched():
    return step(step(new(), "verify", ADMIN).record, "dispatch", ADMIN, opd="DLH").record


def original(**extra):
    return {**new(ORIGINAL), **extra}


@pytest.mark.parametrize("given, found, code", [
    (NUMBER, None, "duplicate_of_itself"),
    (ORIGINAL, None, "duplicate_unknown"),                          # no ticket has that number
    (ORIGINAL, original(region="36.03"), "duplicate_other_region"),
    (ORIGINAL, original(status="duplicate", duplicate_of="LAKSA-3671-2026-000003"), "duplicate_of_duplicate"),
    # a lookup of another number than the one given proves nothing
    (ORIGINAL, {**new("LAKSA-3671-2026-000008")}, "duplicate_unknown"),
])
def test_a_duplicate_names_a_real_original_of_the_region_or_is_refused_by_name(given, found, code):
    before = new()
    kept = copy.deepcopy(before)
    with pytest.raises(ValidationFailed) as refused:
        step(before, "mark_duplicate", ADMIN, duplicate_of=given, original=found)
    assert refused.value.details["field"] == "duplicate_of"
    assert refused.value.details["fields"]["duplicate_of"]["code"] == code
    assert before == kept


def test_a_duplicate_of_a_duplicate_names_the_original_to_give_instead():
    chained = original(status="duplicate", duplicate_of="LAKSA-3671-2026-000003")
    with pytest.raises(ValidationFailed) as refused:
        step(new(), "mark_duplicate", ADMIN, duplicate_of=ORIGINAL, original=chained)
    problem = refused.value.details["fields"]["duplicate_of"]
    assert (problem["number"], problem["original"]) == (ORIGINAL, "LAKSA-3671-2026-000003")


@pytest.mark.parametrize("status", ["submitted", "in_progress", "resolved", "rejected"])
def test_an_original_of_the_region_in_any_state_but_duplicate_is_accepted(status):
    marked = step(new(), "mark_duplicate", ADMIN, duplicate_of=f" {ORIGINAL} ",
                  original=original(status=status)).record
    assert (marked["status"], marked["duplicate_of"]) == ("duplicate", ORIGINAL)


def test_a_dispatch_to_an_opd_the_region_does_not_have_is_refused_and_changes_nothing():
    before = step(new(), "verify", ADMIN).record
    kept = copy.deepcopy(before)
    with pytest.raises(ValidationFailed) as refused:
        step(before, "dispatch", ADMIN, opd="Dinas Antah")
    assert refused.value.details["fields"]["opd"]["code"] == "unknown_opd"
    assert before == kept


def test_an_opd_hands_a_ticket_back_to_the_admin_with_its_reason_on_a_fresh_verification_clock():
    ticket = dispatched()
    assert ticket["breaches"] == [] and ticket["opd_due_at"] is not None
    late = domain.breached(ticket, LATER).record  # the OPD's clock ran out first
    back, [event] = step(late, "hand_back", OFFICER, LATER, "  Bukan kewenangan kami: jalan provinsi  ")
    assert back["status"] == "verified" and back["opd"] == "DLH"  # the admin sees who sent it back
    assert back["handed_back_at"] == LATER and back["opd_due_at"] is None
    # 3 working days from Tuesday 1 December 10:00 local: Friday 4 December 10:00 (03:00 UTC)
    assert back["verify_due_at"] == datetime(2026, 12, 4, 3, 0, tzinfo=timezone.utc)
    assert back["breaches"] == ["follow_up"]  # the OPD's lateness stays on record
    assert back["history"][-1] == {"from": "dispatched", "to": "verified", "action": "hand_back",
                                   "actor": "officer-9", "role": "opd_officer",
                                   "note": "Bukan kewenangan kami: jalan provinsi",
                                   "readers": "internal", "at": LATER}
    assert event["payload"]["note"] == ""  # the reporter is not told the officers' exchange
    again = step(back, "dispatch", ADMIN, LATER, opd="PUPR").record
    assert again["status"] == "dispatched" and again["opd"] == "PUPR"


@pytest.mark.parametrize("note", [None, "", "   "])
def test_handing_back_without_a_reason_is_refused_and_changes_nothing(note):
    before = dispatched()
    kept = copy.deepcopy(before)
    with pytest.raises(ValidationFailed) as refused:
        step(before, "hand_back", OFFICER, note=note)
    assert refused.value.details["field"] == "note"
    assert before == kept


def test_only_a_ticket_at_the_opd_can_be_handed_back():
    with pytest.raises(Conflict):
        step(new(), "hand_back", OFFICER, note="bukan kewenangan kami")


def test_internal_notes_never_reach_the_public_view_but_officers_read_them_all():
    ticket = step(step(new(), "verify", ADMIN, note="Lokasi valid, cek RT").record, "dispatch", ADMIN,
                  note="Mohon DLH angkut sebelum Jumat", opd="DLH").record
    ticket = step(ticket, "start", OFFICER, note="Truk berangkat besok pagi").record
    ticket = {**ticket, "version": 3}
    public = domain.public_view(ticket)
    assert [e["note"] for e in public["history"]] == ["", "", "", "Truk berangkat besok pagi"]
    assert "Mohon DLH" not in repr(public) and "cek RT" not in repr(public)
    officer = domain.officer_ticket(ticket, [], ADMIN, NOW)
    assert [(e["note"], e["readers"]) for e in officer["history"]] == [
        ("", "public"), ("Lokasi valid, cek RT", "internal"), ("Mohon DLH angkut sebelum Jumat", "internal"),
        ("Truk berangkat besok pagi", "public")]


def test_entries_stored_before_notes_had_readers_follow_their_action():
    ticket = {**dispatched(), "version": 2}
    for entry in ticket["history"]:
        entry.pop("readers", None)
        entry["note"] = "catatan lama " + entry["action"]
    shown = [e["note"] for e in domain.public_view(ticket)["history"]]
    assert shown == ["catatan lama submit", "", ""]  # an old dispatch instruction stays internal
