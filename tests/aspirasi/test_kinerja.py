"""Kinerja and queue ordering: pure functions over ticket documents."""
from datetime import datetime, timedelta, timezone

import pytest

from services.aspirasi import kinerja
from services.servicekit.errors import ValidationFailed

UTC = timezone.utc
NOW = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)


def ticket(number, status, submitted, opd="DLH", history=(), **fields):
    entries = [{"actor": "citizen", "role": "citizen", "action": "submit", "at": submitted}]
    entries += [{"actor": who, "role": role, "action": action, "at": at} for who, role, action, at in history]
    return {"_id": number, "status": status, "submitted_at": submitted, "opd": opd, "history": entries,
            "breaches": [], **fields}


def test_queue_puts_open_tickets_by_running_clock_overdue_first_then_closed_newest_first():
    late = ticket("A", "dispatched", NOW - timedelta(days=9), opd_due_at=NOW - timedelta(hours=1))
    soon = ticket("B", "submitted", NOW - timedelta(days=1), verify_due_at=NOW + timedelta(days=2))
    later = ticket("C", "verified", NOW - timedelta(days=1), verify_due_at=NOW + timedelta(days=3),
                   opd_due_at=NOW - timedelta(days=5))  # a stale follow-up clock does not run yet
    old_done = ticket("D", "resolved", NOW - timedelta(days=30))
    new_done = ticket("E", "rejected", NOW - timedelta(days=2))
    ordered = kinerja.queue([new_done, later, old_done, soon, late], NOW)
    assert [t["_id"] for t in ordered] == ["A", "B", "C", "E", "D"]
    assert [t["overdue"] for t in ordered] == [True, False, False, False, False]
    assert ordered[0]["due_at"] == NOW - timedelta(hours=1) and ordered[3]["due_at"] is None


def test_a_recorded_breach_is_overdue_even_after_a_new_clock_started():
    assert kinerja.is_overdue(ticket("A", "in_progress", NOW, opd_due_at=NOW + timedelta(days=1),
                                     breaches=["verification"]), NOW)


def test_counts_list_every_status():
    counts = kinerja.counts([ticket("A", "submitted", NOW), ticket("B", "submitted", NOW)])
    assert counts["submitted"] == 2 and counts["resolved"] == 0 and len(counts) == 7


def test_month_is_the_regions_local_month():
    start, end = kinerja.month_bounds("2026-12", "Asia/Jakarta")
    assert start.astimezone(UTC) == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    for bad in ("2026-13", "11-2026", "", None):
        with pytest.raises(ValidationFailed) as refused:
            kinerja.month_bounds(bad, "Asia/Jakarta")
        assert refused.value.details["field"] == "month"


def test_month_figures_per_opd_and_per_officer():
    nov = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
    october = datetime(2026, 10, 28, 2, 0, tzinfo=UTC)
    resolved_on_time = ticket("A", "resolved", nov, verified_at=nov + timedelta(hours=4),
                              resolved_at=nov + timedelta(hours=50), history=[
                                  ("admin", "region_admin", "verify", nov + timedelta(hours=4)),
                                  ("admin", "region_admin", "dispatch", nov + timedelta(hours=5)),
                                  ("budi", "opd_officer", "start", nov + timedelta(hours=20)),
                                  ("budi", "opd_officer", "resolve", nov + timedelta(hours=50))])
    resolved_late = ticket("B", "resolved", october, verified_at=october + timedelta(hours=2),
                           resolved_at=nov + timedelta(hours=10), breaches=["follow_up"], history=[
                               ("admin", "region_admin", "verify", october + timedelta(hours=2)),
                               ("budi", "opd_officer", "start", october + timedelta(days=1)),
                               ("budi", "opd_officer", "resolve", nov + timedelta(hours=10))])
    backlog = ticket("C", "in_progress", nov, opd="PUPR", opd_due_at=NOW - timedelta(hours=1), history=[
        ("sari", "opd_officer", "start", nov + timedelta(days=1))])
    report = kinerja.kinerja([resolved_on_time, resolved_late, backlog], "2026-11", "Asia/Jakarta", NOW)
    dlh = report["by_opd"]["DLH"]
    assert (dlh["received"], dlh["resolved"], dlh["resolved_on_time"], dlh["share_on_time"]) == (1, 2, 1, 0.5)
    assert dlh["median_hours_to_verify"] == 4.0  # B was verified in October
    late_hours = (nov + timedelta(hours=10) - october).total_seconds() / 3600
    assert dlh["median_hours_to_resolve"] == (50 + late_hours) / 2
    assert (report["by_opd"]["PUPR"]["backlog"], report["by_opd"]["PUPR"]["overdue"]) == (1, 1)
    assert report["total"]["received"] == 2
    budi, sari, admin = (report["by_officer"][n] for n in ("budi", "sari", "admin"))
    assert (budi["received"], budi["resolved"], budi["resolved_on_time"]) == (1, 2, 1)  # took up A in Nov
    assert (sari["backlog"], sari["overdue"]) == (1, 1)
    assert (admin["received"], admin["median_hours_to_verify"]) == (1, 4.0)
