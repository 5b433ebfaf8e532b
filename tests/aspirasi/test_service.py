"""The aspirasi service on the real broker and store."""
from datetime import timedelta

import eventlet
import pytest
from nameko.events import event_handler
from nameko.testing.services import entrypoint_waiter

from services.aspirasi.service import AspirasiService
from services.servicekit.envelope import utcnow
from services.servicekit.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.helpers import rpc, signed, start_with_recorder

ADMIN = signed("region_admin", "36.71")
PUPR = "Dinas Pekerjaan Umum dan Penataan Ruang"
REPORT = {"category": "jalan-rusak", "description": "Jalan berlubang",
          "location": {"lat": -6.17, "long": 106.63},
          "reporter": {"name": "Budi", "nik": "3671011708900001", "phone": "081234567890",
                       "email": "budi@example.id"}}


class Recorder:
    name = "recorder"
    seen = []

    @event_handler("aspirasi", "aspirasi_submitted")
    def submitted(self, event):
        Recorder.seen.append(event)

    @event_handler("aspirasi", "aspirasi_sla_breached")
    def breached(self, event):
        Recorder.seen.append(event)


@pytest.fixture
def aspirasi(container_factory, service_config):
    return start_with_recorder(container_factory, service_config("aspirasi"), AspirasiService, Recorder)


def test_retried_submission_with_the_same_key_yields_one_ticket(aspirasi, mongo_db):
    container, recorder = aspirasi
    with entrypoint_waiter(recorder, "submitted", timeout=10):
        first = rpc(container, "submit", "36.71", REPORT, "device-42-attempt")
    again = rpc(container, "submit", "36.71", REPORT, "device-42-attempt")
    assert again["number"] == first["number"]
    assert again["tracking_secret"] == first["tracking_secret"]  # a lost answer loses nothing
    stored = mongo_db.tickets.find_one({"_id": first["number"]})
    assert first["tracking_secret"] not in repr(stored)  # only its hash is kept
    assert mongo_db.tickets.count_documents({}) == 1
    other = rpc(container, "submit", "36.71", REPORT, "another-key")
    assert other["number"] != first["number"]


def test_concurrent_submissions_with_one_key_yield_one_ticket(aspirasi, mongo_db):
    container, _ = aspirasi
    threads = [eventlet.spawn(rpc, container, "submit", "36.71", REPORT, "same-key") for _ in range(5)]
    numbers = {t.wait()["number"] for t in threads}
    assert len(numbers) == 1 and mongo_db.tickets.count_documents({}) == 1


def test_events_carry_no_personal_data(aspirasi):
    container, recorder = aspirasi
    with entrypoint_waiter(recorder, "submitted", timeout=10):
        rpc(container, "submit", "36.71", REPORT)
    text = repr(Recorder.seen[0])
    for secret in ("3671011708900001", "081234567890", "budi@example.id", "Budi"):
        assert secret not in text


def test_a_nik_from_another_region_is_accepted_and_flagged_for_officers(aspirasi, mongo_db):
    container, _ = aspirasi
    commuter = {**REPORT, "reporter": {**REPORT["reporter"], "nik": "3602011708900001"}}
    ticket = rpc(container, "submit", "36.71", commuter)
    assert ticket["status"] == "submitted" and "nik_outside_region" not in ticket
    assert mongo_db.tickets.find_one({"_id": ticket["number"]})["nik_outside_region"] in (True, 1)
    details = rpc(container, "get_ticket_private", ticket["number"], caller=ADMIN)
    assert (details["nik_outside_region"], details["nik_note"]) == (True, "NIK dari luar daerah")
    own = rpc(container, "submit", "36.71", REPORT)
    resident = rpc(container, "get_ticket_private", own["number"], caller=ADMIN)
    assert (resident["nik_outside_region"], resident["nik_note"]) == (False, None)


def test_a_service_reads_a_contact_only_for_the_tickets_region(aspirasi, mongo_db):
    """A forged or mistaken event of Pandeglang (36.01) naming a Kota Tangerang ticket: the
    notifications service asks for the region of that event, and gets nothing."""
    container, _ = aspirasi
    number = rpc(container, "submit", "36.71", REPORT)["number"]
    notifications = signed("service", subject="notifications")
    assert rpc(container, "notification_recipient", number, caller=notifications, acting_for="36.71") == {
        "phone": "081234567890", "email": "budi@example.id"}
    before = mongo_db.tickets.find_one({"_id": number})
    for acting_for in ("36.01", None):
        with pytest.raises(Forbidden, match="the record is of region 36.71"):
            rpc(container, "notification_recipient", number, caller=notifications, acting_for=acting_for)
    with pytest.raises(Forbidden):  # nor the whole ticket, for any region
        rpc(container, "get_ticket_private", number, caller=notifications)
    assert mongo_db.tickets.find_one({"_id": number}) == before


def test_two_officers_at_once_one_wins(aspirasi):
    container, _ = aspirasi
    ticket = rpc(container, "submit", "36.71", REPORT)
    details = rpc(container, "get_ticket_private", ticket["number"], caller=ADMIN)
    version = details["version"]
    first = rpc(container, "transition", ticket["number"], "verify", caller=ADMIN, note="ok",
                expected_version=version)
    assert first["status"] == "verified"
    with pytest.raises(Conflict):  # the second officer acted on the version they had seen
        rpc(container, "transition", ticket["number"], "reject", caller=ADMIN, note="spam?",
            expected_version=version, reason="spam")
    assert rpc(container, "get_ticket", ticket["number"])["status"] == "verified"


def test_forbidden_and_invalid_transitions_change_nothing(aspirasi):
    container, _ = aspirasi
    number = rpc(container, "submit", "36.71", REPORT)["number"]
    with pytest.raises(Forbidden):
        rpc(container, "transition", number, "verify", caller=signed("region_admin", "36.03"))
    with pytest.raises(Conflict):
        rpc(container, "transition", number, "resolve", caller=signed("opd_officer", "36.71", opd=PUPR))
    with pytest.raises(Forbidden):
        rpc(container, "get_ticket_private", number, caller=signed("region_admin", "36.03"))
    with pytest.raises(Forbidden):  # an OPD officer reads contact of their own OPD's tickets only
        rpc(container, "get_ticket_private", number, caller=signed("opd_officer", "36.71", opd="DLH"))
    with pytest.raises(ValidationFailed, match="note"):
        rpc(container, "transition", number, "verify", caller=ADMIN, note=["x"])
    with pytest.raises(NotFound):
        rpc(container, "get_ticket", "LAKSA-3671-2026-999999")
    with pytest.raises(ValidationFailed):
        rpc(container, "submit", "36.71", {**REPORT, "category": "meteor"})
    ticket = rpc(container, "get_ticket", number)
    assert ticket["status"] == "submitted" and len(ticket["history"]) == 1


def test_full_lifecycle_and_statistics(aspirasi):
    container, _ = aspirasi
    submitted = rpc(container, "submit", "36.71", REPORT)
    number = submitted["number"]
    officer = signed("opd_officer", "36.71", opd=PUPR)
    for action, caller in (("verify", ADMIN), ("dispatch", ADMIN), ("start", officer),
                           ("resolve", officer)):
        rpc(container, "transition", number, action, caller=caller, note=f"{action} ok")
    ticket = rpc(container, "get_ticket", number)
    assert [h["to"] for h in ticket["history"]] == [
        "submitted", "verified", "dispatched", "in_progress", "resolved"]
    assert ticket["opd_due_at"] is not None
    stats = rpc(container, "stats", "36.71")
    assert stats["received"] == 1 and stats["resolved"] == 1 and stats["share_resolved"] == 1.0
    assert stats["by_opd"]["Dinas Pekerjaan Umum dan Penataan Ruang"]["resolved"] == 1
    stranger = signed("citizen", "36.71", subject="orang-lain")
    with pytest.raises(Forbidden):  # a citizen without the ticket's tracking secret
        rpc(container, "transition", number, "reopen", caller=stranger, note="bukan punya saya")
    with pytest.raises(Forbidden, match="tracking_secret"):
        rpc(container, "transition", number, "reopen", caller=stranger, tracking_secret="tebakan")
    assert rpc(container, "get_ticket", number)["status"] == "resolved"
    reopened = rpc(container, "transition", number, "reopen", caller=stranger, note="belum beres",
                   tracking_secret=submitted["tracking_secret"])
    assert reopened["status"] == "in_progress"


def test_overdue_ticket_raises_sla_breached_once(aspirasi, mongo_db):
    container, recorder = aspirasi
    number = rpc(container, "submit", "36.71", REPORT)["number"]
    stored = mongo_db.tickets.find_one({"_id": number})  # the verification clock ran out
    mongo_db.tickets.replace_one({"_id": number},
                                 {**stored, "verify_due_at": utcnow() - timedelta(minutes=1)})
    with entrypoint_waiter(recorder, "breached", timeout=10):
        assert rpc(container, "check_sla") == 1
    assert rpc(container, "check_sla") == 0
    assert rpc(container, "get_ticket", number)["overdue"] is True
    breached = [e for e in Recorder.seen if e["event_type"] == "aspirasi_sla_breached"]
    assert len(breached) == 1 and breached[0]["payload"]["clock"] == "verification"


def test_duplicate_suggestions_for_officers(aspirasi):
    container, _ = aspirasi
    first = rpc(container, "submit", "36.71", REPORT)["number"]
    near = {**REPORT, "location": {"lat": -6.1702, "long": 106.63}}  # about 22 m away
    second = rpc(container, "submit", "36.71", near)["number"]
    details = rpc(container, "get_ticket_private", second, caller=ADMIN)
    assert [d["number"] for d in details["likely_duplicates"]] == [first]


def test_categories_are_data_editable_per_region(aspirasi):
    container, _ = aspirasi
    with pytest.raises(Forbidden):
        rpc(container, "set_category", "36.02", "longsor", "Tanah longsor", "BPBD Kab. Lebak",
            caller=ADMIN)
    rpc(container, "set_category", "36.02", "longsor", "Tanah longsor", "BPBD Kab. Lebak",
        caller=signed("region_admin", "36.02"))
    lebak = {c["code"]: c for c in rpc(container, "categories", "36.02")}
    assert lebak["longsor"]["opd"] == "BPBD Kab. Lebak"
    assert "longsor" not in {c["code"] for c in rpc(container, "categories", "36.71")}


def test_listing_filters_by_date_and_status(aspirasi):
    container, _ = aspirasi
    numbers = {rpc(container, "submit", "36.71", REPORT)["number"] for _ in range(2)}
    now = utcnow()
    recent = rpc(container, "list_tickets", "36.71", None, None, now - timedelta(hours=1), now)
    assert {t["number"] for t in recent} == numbers
    assert rpc(container, "list_tickets", "36.71", None, None, now + timedelta(minutes=1)) == []
    assert len(rpc(container, "list_tickets", "36.71", ["submitted"])) == 2
    assert rpc(container, "list_tickets", "36.71", ["resolved"]) == []
