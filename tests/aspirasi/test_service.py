"""The aspirasi service on the real broker and store."""
import hashlib
import time
from datetime import datetime, timedelta

import eventlet
import pytest
from nameko.events import event_handler
from nameko.testing.services import entrypoint_waiter

from services.aspirasi.domain import proves_ownership
from services.aspirasi.repository import TicketRepository
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
    stored = repr(list(mongo_db.tickets.find())) + repr(list(mongo_db.idempotency.find()))
    assert first["tracking_secret"] not in stored  # only its hash is kept
    assert "device-42-attempt" not in stored  # nor the key: only its hash
    assert mongo_db.tickets.count_documents({}) == 1
    other = rpc(container, "submit", "36.71", REPORT, "another-key")
    assert other["number"] != first["number"]


def test_a_retry_after_the_window_gets_the_ticket_but_not_the_secret(aspirasi, mongo_db):
    container, _ = aspirasi
    key = "phone-lost-the-answer-7"
    first = rpc(container, "submit", "36.71", REPORT, key)
    [claim] = mongo_db.idempotency.find()
    assert claim["_id"] == "36.71:" + hashlib.sha256(key.encode()).hexdigest()
    assert 9 * 60 < claim["sealed_until"] - time.time() <= 10 * 60
    # ten minutes later (the claim's deadline moved back, as the clock would have moved on)
    mongo_db.idempotency.update_one({"_id": claim["_id"]}, {"$set": {"sealed_until": time.time() - 1}})
    late = rpc(container, "submit", "36.71", REPORT, key)
    assert late["number"] == first["number"] and "tracking_secret" not in late
    assert mongo_db.tickets.count_documents({}) == 1
    # and the seal clock forgets the sealed secret; the claim stays, still finding the ticket
    assert TicketRepository(mongo_db).drop_sealed_secrets(time.time()) == 1
    assert set(mongo_db.idempotency.find_one({"_id": claim["_id"]})) == {"_id", "number", "key_hashed"}
    assert rpc(container, "submit", "36.71", REPORT, key)["number"] == first["number"]


def test_the_tracking_secret_is_random_not_derived_from_the_key(aspirasi, mongo_db):
    """The same key on a fresh store (or any attacker who knows a key and the server's
    secrets) yields a different secret: nothing derives it."""
    container, _ = aspirasi
    first = rpc(container, "submit", "36.71", REPORT, "same-key-fresh-store")
    mongo_db.idempotency.delete_many({})
    mongo_db.tickets.delete_many({})
    second = rpc(container, "submit", "36.71", REPORT, "same-key-fresh-store")
    assert len(first["tracking_secret"]) >= 22 and first["tracking_secret"] != second["tracking_secret"]


def test_tickets_stored_with_raw_keys_keep_their_secret_and_lose_the_key(container_factory, service_config,
                                                                         mongo_db):
    """Stored before only hashes were kept: the claim's id and the ticket held the raw key.
    At start both get its hash instead; the old secret still proves ownership (its SHA-256
    was stored all along), and a retry with the old key finds the ticket but no secret."""
    old_secret, key = "oldsecretderivedfromkey", "legacy-key-1"
    container = container_factory(AspirasiService, service_config("aspirasi"))
    container.start()
    number = rpc(container, "submit", "36.71", REPORT, key)["number"]
    container.stop()
    mongo_db.idempotency.delete_many({})  # as the old code stored them, in a database
    mongo_db.migrations.delete_many({})  # that no release had migrated yet
    mongo_db.idempotency.insert_one({"_id": f"36.71:{key}", "number": number})
    mongo_db.tickets.update_one({"_id": number}, {"$set": {
        "idempotency_key": key, "tracking_hash": hashlib.sha256(old_secret.encode()).hexdigest()},
        "$unset": {"idempotency_hash": ""}})
    container = container_factory(AspirasiService, service_config("aspirasi"))
    container.start()
    stored = repr(list(mongo_db.tickets.find())) + repr(list(mongo_db.idempotency.find()))
    assert key not in stored
    ticket = mongo_db.tickets.find_one({"_id": number})
    assert ticket["idempotency_hash"] == hashlib.sha256(key.encode()).hexdigest() and ticket["version"] == 2
    assert isinstance(ticket["submitted_at"], datetime)  # the update left the ticket's dates as they were
    assert proves_ownership(ticket, old_secret)
    retried = rpc(container, "submit", "36.71", REPORT, key)
    assert retried["number"] == number and "tracking_secret" not in retried


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
    notifications = signed("service", subject="notifications", service="aspirasi")
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


def test_a_retired_category_is_no_longer_offered_but_its_tickets_keep_it(aspirasi, mongo_db):
    container, _ = aspirasi
    serang = signed("region_admin", "36.04")
    report = {**REPORT, "category": "sampah", "location": {"lat": -6.12, "long": 106.15}}
    number = rpc(container, "submit", "36.04", report)["number"]
    with pytest.raises(Forbidden):
        rpc(container, "retire_category", "36.04", "sampah", caller=ADMIN)  # another region's admin
    rpc(container, "retire_category", "36.04", "sampah", caller=serang)
    assert "sampah" not in {c["code"] for c in rpc(container, "categories", "36.04")}
    assert "sampah" not in {s["service_code"] for s in rpc(container, "open311_services", "36.04")}
    assert len(rpc(container, "categories", "36.04")) == 7  # the template's other seven
    with pytest.raises(ValidationFailed) as refused:
        rpc(container, "submit", "36.04", report)
    assert refused.value.details["field"] == "category"
    ticket = rpc(container, "get_ticket", number)
    assert ticket["category"] == "sampah" and ticket["history"]
    # the template is seeded once per region: a seeder run again (a restart) does not bring it back
    TicketRepository(mongo_db).seed_categories("36.04")
    assert "sampah" not in {c["code"] for c in rpc(container, "categories", "36.04")}
    assert mongo_db.categories.find_one({"_id": "36.04:sampah"})["retired_at"]
    with pytest.raises(NotFound):
        rpc(container, "retire_category", "36.04", "sampah", caller=serang)
    rpc(container, "set_category", "36.04", "sampah", "Sampah", "Dinas Lingkungan Hidup", caller=serang)
    assert "sampah" in {c["code"] for c in rpc(container, "categories", "36.04")}


@pytest.mark.parametrize("code, name, opd, fields", [
    ("sampah", "Sampah", "DLH\x00", {"opd"}),
    ("s" * 1_000_000, "Sampah", "DLH", {"code"}),
    ("Sampah Liar", "a\x1b[31m", "", {"code", "name", "opd"}),
    ("sampah\x00", "<b>x</b>", "x" * 61, {"code", "name", "opd"}),
])
def test_a_category_is_refused_naming_every_bad_field_and_nothing_changes(aspirasi, mongo_db, code, name,
                                                                           opd, fields):
    container, _ = aspirasi
    before = rpc(container, "categories", "36.71")
    with pytest.raises(ValidationFailed) as refused:
        rpc(container, "set_category", "36.71", code, name, opd, caller=signed("region_admin", "36.71"))
    assert set(refused.value.details["fields"]) == fields
    assert rpc(container, "categories", "36.71") == before
