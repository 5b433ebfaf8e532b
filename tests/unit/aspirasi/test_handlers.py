"""AspirasiService's handlers over the in-memory store and outbox: no broker, no store.

Each test drives the nameko service class as its workers do (worker_factory), asserts on
what is stored and what is announced, and that a refusal stores and announces nothing.
"""
from datetime import datetime, timezone

import pytest
from nameko.testing.services import worker_factory

from services.aspirasi import clocks, service
from services.aspirasi.fake_repository import FakeOutbox, FakeTicketRepository
from services.aspirasi.service import AspirasiService
from services.gateway.web.templating import templates  # the gateway's page templates (tiket.html)
from services.servicekit.caller import Caller
from services.servicekit.errors import Conflict, ValidationFailed
from services.servicekit.regions import get_region

MONDAY = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)  # 10:00 in Tangerang
ADMIN = Caller("ani", "region_admin", "36.71")
PUPR = "Dinas Pekerjaan Umum dan Penataan Ruang"
PUPR_OFFICER = Caller("budi", "opd_officer", "36.71", opd=PUPR)
REPORT = {"category": "jalan-rusak", "description": "Jalan berlubang",
          "location": {"lat": -6.17, "long": 106.63},
          "reporter": {"name": "Sari", "phone": "081234567890", "email": "sari@example.id"}}


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def laksa(monkeypatch):
    return make_laksa(monkeypatch)


def make_laksa(monkeypatch, catalogue=None):
    repo = FakeTicketRepository(catalogue)
    outbox = FakeOutbox(repo)
    clock = Clock(MONDAY)
    for module in (service, clocks):
        monkeypatch.setattr(module, "utcnow", clock)
    return worker_factory(AspirasiService, repo=repo, outbox=outbox), repo, outbox, clock


def test_a_submission_stores_the_ticket_and_announces_it_once(laksa):
    svc, repo, outbox, _ = laksa
    view = svc.submit("36.71", REPORT)
    stored = repo.tickets[view["number"]]
    assert view["number"] == "LAKSA-3671-2026-000001" and view["tracking_secret"]
    assert stored["status"] == "submitted" and stored["version"] == 1 and stored["outbox"] == []
    assert stored["sla"] == {"verify": 3, "follow_up": 5}
    assert stored["verify_due_at"] == datetime(2026, 11, 26, 3, 0, tzinfo=timezone.utc)
    assert [h["action"] for h in stored["history"]] == ["submit"]
    assert view["sla"] == {"verify_days": 3, "follow_up_days": 5, "running": "verification"}
    [event] = outbox.published
    assert event["event_type"] == "aspirasi_submitted" and event["occurred_at"] == "2026-11-23T03:00:00Z"
    assert event["payload"] == {"number": view["number"], "category": "jalan-rusak", "opd": PUPR,
                                "submitted_at": "2026-11-23T03:00:00+00:00",
                                "location": {"lat": -6.17, "long": 106.63},
                                "receipt": True}  # the reporter gave a contact (REPORT)
    assert svc.submit("36.71", REPORT)["number"] == "LAKSA-3671-2026-000002"


@pytest.mark.parametrize("report, refused", [
    ({**REPORT, "category": "meteor"}, {"category": "unknown_category"}),
    ({**REPORT, "photos": ["https://x.id/1.jpg"] * 4}, {"photos": "too_many"}),
    ({**REPORT, "location": {"lat": 51.5, "long": -0.12}}, {"location": "outside_indonesia"}),
    ({**REPORT, "location": {}}, {"location": "location_missing"}),
    ({**REPORT, "location": {"lat": "utara", "long": "106"}}, {"location": "bad_coordinates"}),
    ({**REPORT, "reporter": None}, {"reporter": "reporter_required"}),
    ({**REPORT, "reporter": {"name": "Sari"}}, {"reporter": "contact_required"}),
    ({**REPORT, "description": "   ", "category": ""},
     {"category": "choose_category", "description": "required"}),
    ({**REPORT, "description": "<b>x</b>"}, {"description": "markup"}),
    ({**REPORT, "colour": "red"}, {"colour": "unknown_field"}),
])
def test_a_refused_submission_names_each_field_by_code_and_stores_nothing(laksa, report, refused):
    svc, repo, outbox, _ = laksa
    for call in (svc.submit, svc.check_submission):
        with pytest.raises(ValidationFailed) as caught:
            call("36.71", report)
        assert {f: p["code"] for f, p in caught.value.details["fields"].items()} == refused
    assert repo.tickets == {} and outbox.published == [] and repo.counters == {}


def test_a_retry_with_the_same_key_stores_one_ticket_and_announces_once(laksa):
    svc, repo, outbox, _ = laksa
    first = svc.submit("36.71", REPORT, "kunci-1")
    again = svc.submit("36.71", REPORT, "kunci-1")
    assert again["number"] == first["number"] and again["tracking_secret"] == first["tracking_secret"]
    assert list(repo.tickets) == [first["number"]] and len(outbox.published) == 1


def test_the_lifecycle_stores_each_step_and_announces_it(laksa):
    svc, repo, outbox, clock = laksa
    number = svc.submit("36.71", REPORT)["number"]
    svc.transition(number, "verify", caller=ADMIN, note="  dicek  ")
    svc.transition(number, "dispatch", caller=ADMIN)
    svc.transition(number, "start", caller=PUPR_OFFICER)
    clock.now = datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)
    view = svc.transition(number, "resolve", caller=PUPR_OFFICER, note="sudah ditambal")
    stored = repo.tickets[number]
    assert stored["status"] == view["status"] == "resolved" and stored["version"] == 5
    assert [(h["from"], h["to"], h["note"]) for h in stored["history"]] == [
        (None, "submitted", ""), ("submitted", "verified", "dicek"), ("verified", "dispatched", ""),
        ("dispatched", "in_progress", ""), ("in_progress", "resolved", "sudah ditambal")]
    assert stored["opd_due_at"] == datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc)
    assert stored["resolved_at"] == clock.now
    announced = [(e["event_type"], e["payload"].get("to"), e["payload"].get("on_time"))
                 for e in outbox.published]
    assert announced == [
        ("aspirasi_submitted", None, None), ("aspirasi_status_changed", "verified", True),
        ("aspirasi_status_changed", "dispatched", True), ("aspirasi_status_changed", "in_progress", True),
        ("aspirasi_status_changed", "resolved", True)]


@pytest.mark.parametrize("action, caller, params, error, code", [
    ("dispatch", ADMIN, {}, Conflict, None),                                  # not verified yet
    ("reject", ADMIN, {"reason": "bosan"}, ValidationFailed, "not_allowed"),
    ("reject", ADMIN, {}, ValidationFailed, "required"),
    ("verify", ADMIN, {"note": "<i>x</i>"}, ValidationFailed, "markup"),
    ("teleport", ADMIN, {}, ValidationFailed, "unknown_action"),
])
def test_a_refused_transition_stores_nothing_and_announces_nothing(laksa, action, caller, params, error,
                                                                   code):
    svc, repo, outbox, _ = laksa
    number = svc.submit("36.71", REPORT)["number"]
    before, published = repo.get(number), list(outbox.published)
    with pytest.raises(error) as caught:
        svc.transition(number, action, caller=caller, **params)
    if code:
        assert [p["code"] for p in caught.value.details["fields"].values()] == [code]
    assert repo.get(number) == before and outbox.published == published


def test_a_dispatch_to_an_unknown_opd_is_refused_by_code(laksa):
    svc, repo, outbox, _ = laksa
    number = svc.submit("36.71", REPORT)["number"]
    svc.transition(number, "verify", caller=ADMIN)
    with pytest.raises(ValidationFailed) as caught:
        svc.transition(number, "dispatch", caller=ADMIN, opd="Dinas Antah Berantah")
    assert caught.value.details["fields"]["opd"]["code"] == "unknown_opd"
    assert repo.tickets[number]["status"] == "verified" and len(outbox.published) == 2


def test_the_verification_clock_runs_until_dispatch(laksa):
    svc, repo, outbox, clock = laksa
    number = svc.submit("36.71", REPORT)["number"]
    svc.transition(number, "verify", caller=ADMIN)  # verified, not yet dispatched: the clock runs on
    clock.now = datetime(2026, 11, 26, 3, 1, tzinfo=timezone.utc)
    assert svc.check_sla() == 1 and svc.check_sla() == 0
    assert repo.tickets[number]["breaches"] == ["verification"]
    breach = outbox.published[-1]
    assert breach["event_type"] == "aspirasi_sla_breached"
    assert breach["payload"]["clock"] == "verification" and breach["payload"]["status"] == "verified"
    assert breach["payload"]["due_at"] == "2026-11-26T03:00:00+00:00"


# One data change: the category's follow-up days (catalogue.yaml's `sla`, copied per region).
ONE_DAY = [{"code": "jalan-rusak", "name": "Jalan rusak", "opd": PUPR, "sla": {"follow_up": 1}}]
DEFAULT = [{"code": "jalan-rusak", "name": "Jalan rusak", "opd": PUPR}]


@pytest.mark.parametrize("catalogue, follow_up_days, due, breaches, on_time", [
    (DEFAULT, 5, "2026-11-30T03:00:00Z", 0, 1),
    (ONE_DAY, 1, "2026-11-24T03:00:00Z", 1, 0),
])
def test_one_categorys_follow_up_days_move_every_clock_that_reads_them(monkeypatch, catalogue, follow_up_days,
                                                                      due, breaches, on_time):
    svc, _, _, clock = make_laksa(monkeypatch, catalogue)
    number = svc.submit("36.71", REPORT)["number"]
    svc.transition(number, "verify", caller=ADMIN)
    svc.transition(number, "dispatch", caller=ADMIN)
    view = svc.get_ticket(number)
    assert view["sla"] == {"verify_days": 3, "follow_up_days": follow_up_days, "running": "follow_up"}
    page = templates.get_template("tiket.html").render(ticket=view, region=get_region("36.71"),
                                                       just_sent=True)
    assert f"dinas menindaklanjuti dalam {follow_up_days} hari kerja, paling lambat" in page
    [request] = svc.open311_requests("36.71", ids=[number])
    assert request["expected_datetime"] == due
    assert request["service_notice"] == (f"Verifikasi dalam 3 hari kerja, tindak lanjut OPD dalam "
                                         f"{follow_up_days} hari kerja")
    clock.now = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)  # two working days on
    assert svc.check_sla() == breaches
    svc.transition(number, "start", caller=PUPR_OFFICER)
    svc.transition(number, "resolve", caller=PUPR_OFFICER)
    figures = svc.kinerja("36.71", "2026-11", caller=ADMIN)["total"]
    assert (figures["resolved"], figures["resolved_on_time"]) == (1, on_time)


def test_officers_see_the_running_clock_in_the_queue_and_on_the_ticket(laksa):
    svc, _, _, clock = laksa
    number = svc.submit("36.71", REPORT)["number"]
    svc.transition(number, "verify", caller=ADMIN)
    clock.now = datetime(2026, 11, 26, 4, 0, tzinfo=timezone.utc)  # verification ran out an hour ago
    [item] = svc.officer_queue("36.71", caller=ADMIN)["items"]
    assert (item["number"], item["status"], item["overdue"]) == (number, "verified", True)
    assert item["due_at"] == datetime(2026, 11, 26, 3, 0, tzinfo=timezone.utc)
    private = svc.get_ticket_private(number, caller=ADMIN)
    assert private["overdue"] is True and private["due_at"] == item["due_at"]
    assert private["actions"] == ["dispatch", "reject", "mark_duplicate"]
    assert private["reporter"] == {"name": "Sari", "phone": "081234567890", "email": "sari@example.id"}
