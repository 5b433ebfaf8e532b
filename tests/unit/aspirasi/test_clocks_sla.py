"""LAKSA's SLA clocks pinned: which clock runs in which state, the breach at the deadline's
next second (never at the deadline itself), raised exactly once, and again after a reopen.

Expected clocks and due times are written out here, from the SLA as the region publishes it
(verification 3 working days, follow-up 5), not read from `sla.STAGES`.
"""
from datetime import datetime, timedelta, timezone

import pytest
from nameko.testing.services import worker_factory

from services.aspirasi import clocks, domain, service, sla
from services.aspirasi.fake_repository import FakeOutbox, FakeTicketRepository
from services.aspirasi.service import AspirasiService
from services.servicekit.caller import Caller
from services.servicekit.errors import Conflict

UTC = timezone.utc
NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # Friday 10:00 in Tangerang
VERIFY_DUE = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
OPD_DUE = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
DLH = "Dinas Lingkungan Hidup"
# state -> the clock that runs in it (None: no clock runs, the ticket is closed). A verified
# ticket waits on the admin still: verification runs until it is dispatched.
RUNS = {"submitted": "verification", "verified": "verification", "dispatched": "follow_up",
        "in_progress": "follow_up", "resolved": None, "rejected": None, "duplicate": None}
DUE_OF = {"verification": VERIFY_DUE, "follow_up": OPD_DUE}


def ticket(status, **extra):
    return {"_id": "LAKSA-3671-2026-000123", "region": "36.71", "category": "sampah", "opd": DLH,
            "status": status, "sla": {"verify": 3, "follow_up": 5}, "verify_due_at": VERIFY_DUE,
            "opd_due_at": OPD_DUE, "breaches": [], "history": [], "resolved_at": NOW, **extra}


@pytest.mark.parametrize("state", RUNS)
def test_each_state_breaches_its_own_clock_one_second_after_the_deadline_and_only_once(state):
    clock = RUNS[state]
    if clock is None:
        assert domain.breached(ticket(state), OPD_DUE + timedelta(days=30)) is None
        return
    due = DUE_OF[clock]
    assert domain.breached(ticket(state), due) is None
    record, [event] = domain.breached(ticket(state), due + SECOND)
    assert record["breaches"] == [clock] and record["status"] == state
    assert (event["event_type"], event["payload"]["clock"], event["payload"]["due_at"],
            event["payload"]["status"]) == ("aspirasi_sla_breached", clock, due.isoformat(), state)
    assert domain.breached(record, due + timedelta(days=30)) is None  # once


@pytest.mark.parametrize("state", RUNS)
def test_overdue_is_true_past_the_running_clock_only(state):
    clock = RUNS[state]
    due = DUE_OF.get(clock, OPD_DUE)
    assert sla.is_overdue(ticket(state), due) is False
    assert sla.is_overdue(ticket(state), due + SECOND) is (clock is not None)


def test_an_in_progress_ticket_past_its_opd_deadline_is_overdue_though_verification_was_on_time():
    started = ticket("in_progress", verify_due_at=NOW - timedelta(days=5))
    assert sla.is_overdue(started, OPD_DUE + SECOND) is True
    assert domain.breached(started, OPD_DUE + SECOND).record["breaches"] == ["follow_up"]


def test_a_verification_breach_then_dispatch_still_raises_the_follow_up_breach_once():
    late = {**ticket("dispatched"), "breaches": ["verification"]}
    record, [event] = domain.breached(late, OPD_DUE + SECOND)
    assert record["breaches"] == ["verification", "follow_up"] and event["payload"]["clock"] == "follow_up"
    assert domain.breached(record, OPD_DUE + timedelta(days=1)) is None


def test_dispatch_starts_five_working_days_of_follow_up():
    record = domain.transition(ticket("verified"), "dispatch", Caller("ani", "region_admin", "36.71"),
                               NOW).record
    assert record["opd_due_at"] == datetime(2026, 12, 4, 3, 0, tzinfo=UTC)  # Mon..Fri after Friday


def test_a_reopen_runs_a_new_follow_up_clock_that_breaches_once_again():
    resolved = {**ticket("resolved"), "breaches": ["verification", "follow_up"]}
    owner = Caller.anonymous().owning(resolved["_id"])
    reopened = domain.transition(resolved, "reopen", owner, NOW).record
    new_due = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
    assert (reopened["status"], reopened["opd_due_at"]) == ("in_progress", new_due)
    assert reopened["breaches"] == ["verification"]  # the follow-up runs anew
    assert domain.breached(reopened, new_due) is None
    record, [event] = domain.breached(reopened, new_due + SECOND)
    assert record["breaches"] == ["verification", "follow_up"] and event["payload"]["clock"] == "follow_up"
    assert domain.breached(record, new_due + timedelta(days=9)) is None


@pytest.mark.parametrize("resolved_ago, allowed", [
    (timedelta(days=14), True), (timedelta(days=14, seconds=1), False)])
def test_a_reopen_is_allowed_up_to_the_fourteenth_day_exactly(resolved_ago, allowed):
    resolved = ticket("resolved", resolved_at=NOW - resolved_ago)
    owner = Caller.anonymous().owning(resolved["_id"])
    if allowed:
        assert domain.transition(resolved, "reopen", owner, NOW).record["status"] == "in_progress"
    else:
        with pytest.raises(Conflict, match="14 days"):
            domain.transition(resolved, "reopen", owner, NOW)


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


REPORT = {"category": "jalan-rusak", "description": "Jalan berlubang",
          "location": {"lat": -6.17, "long": 106.63}, "reporter": {"name": "Sari", "phone": "081234567890"}}
PUPR = "Dinas Pekerjaan Umum dan Penataan Ruang"


def test_the_clock_handler_raises_each_breach_once_through_a_reopen(monkeypatch):
    repo = FakeTicketRepository()
    outbox = FakeOutbox(repo)
    now = Clock(NOW)
    for module in (service, clocks):
        monkeypatch.setattr(module, "utcnow", now)
    svc = worker_factory(AspirasiService, repo=repo, outbox=outbox)
    admin, officer = Caller("ani", "region_admin", "36.71"), Caller("budi", "opd_officer", "36.71", opd=PUPR)
    number = svc.submit("36.71", REPORT)["number"]
    assert repo.tickets[number]["verify_due_at"] == datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    now.now = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    assert svc.check_sla() == 0
    now.now += SECOND
    assert (svc.check_sla(), svc.check_sla()) == (1, 0)
    svc.transition(number, "verify", caller=admin)
    svc.transition(number, "dispatch", caller=admin)
    assert svc.check_sla() == 0  # verification was recorded; follow-up runs to 9 December
    due = repo.tickets[number]["opd_due_at"]
    assert due == datetime(2026, 12, 9, 3, 0, 1, tzinfo=UTC)
    svc.transition(number, "start", caller=officer)
    now.now = due
    assert svc.check_sla() == 0
    now.now = due + SECOND
    assert (svc.check_sla(), svc.check_sla()) == (1, 0)
    svc.transition(number, "resolve", caller=officer)
    now.now += timedelta(days=1)
    assert svc.check_sla() == 0
    repo.tickets[number]["tracking_hash"] = domain.tracking_hash("rahasia")  # the reporter's proof
    svc.transition(number, "reopen", caller=Caller.anonymous(), tracking_secret="rahasia")
    reopened = repo.tickets[number]
    assert reopened["breaches"] == ["verification"] and reopened["opd_due_at"] > now.now
    now.now = reopened["opd_due_at"] + SECOND
    assert (svc.check_sla(), svc.check_sla()) == (1, 0)
    raised = [e["payload"]["clock"] for e in outbox.published if e["event_type"] == "aspirasi_sla_breached"]
    assert raised == ["verification", "follow_up", "follow_up"]
