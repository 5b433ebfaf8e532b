"""Kinerja and queue ordering: pure functions over ticket documents."""
from datetime import datetime, timedelta, timezone

import pytest

from services.aspirasi import kinerja
from services.servicekit.errors import ValidationFailed
from services.servicekit.regions import Region

UTC = timezone.utc
NOW = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)
TANGERANG = Region("36.71", "Kota Tangerang", "Banten")
DENPASAR = Region("51.71", "Kota Denpasar", "Bali", timezone="Asia/Makassar")


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
    report = kinerja.kinerja([resolved_on_time, resolved_late, backlog], "2026-11", TANGERANG, NOW)
    dlh = report["by_opd"]["DLH"]
    assert (dlh["received"], dlh["resolved"], dlh["resolved_on_time"], dlh["share_on_time"]) == (1, 2, 1, 0.5)
    assert dlh["median_working_days_to_verify"] == round(4 / 24, 3)  # B was verified in October
    # A: Tue 09:00 to Thu 11:00 WIB, 2 days 2 hours; B: Wed 28 Oct 09:00 to Tue 3 Nov 19:00 WIB,
    # 15 h + 29, 30 Oct, 2 Nov + 19 h (the weekend left out), 4 days 10 hours
    assert dlh["median_working_days_to_resolve"] == 3.25  # (2 1/12 + 4 5/12) / 2
    assert (report["by_opd"]["PUPR"]["backlog"], report["by_opd"]["PUPR"]["overdue"]) == (1, 1)
    assert report["total"]["received"] == 2
    budi, sari, admin = (report["by_officer"][n] for n in ("budi", "sari", "admin"))
    assert (budi["received"], budi["resolved"], budi["resolved_on_time"]) == (1, 2, 1)  # took up A in Nov
    assert (sari["backlog"], sari["overdue"]) == (1, 1)
    assert (admin["received"], admin["median_working_days_to_verify"]) == (1, 0.167)


def resolved(number, submitted, resolved_at, actor="budi"):
    return ticket(number, "resolved", submitted, verified_at=submitted, resolved_at=resolved_at,
                  history=[(actor, "opd_officer", "resolve", resolved_at)])


def test_durations_leave_out_the_weekend():
    # Friday 6 Nov 2026 17:00 WIB to Monday 9 Nov 09:00 WIB: 64 hours on the clock,
    # Friday's last 7 and Monday's first 9 on working days
    friday_evening = datetime(2026, 11, 6, 10, 0, tzinfo=UTC)
    report = kinerja.kinerja([resolved("A", friday_evening, datetime(2026, 11, 9, 2, 0, tzinfo=UTC))],
                             "2026-11", TANGERANG, NOW)
    assert report["total"]["median_working_days_to_resolve"] == round(16 / 24, 3) == 0.667
    assert report["by_officer"]["budi"]["median_working_days_to_resolve"] == 0.667
    saturday = datetime(2026, 11, 7, 3, 0, tzinfo=UTC)  # counts from Monday 00:00, as the SLA does
    report = kinerja.kinerja([resolved("A", saturday, datetime(2026, 11, 9, 2, 0, tzinfo=UTC))],
                             "2026-11", TANGERANG, NOW)
    assert report["by_opd"]["DLH"]["median_working_days_to_resolve"] == 0.375


def test_durations_leave_out_national_holidays_and_cuti_bersama():
    # Thursday 27 Mar 2025 10:00 WIB to Tuesday 8 Apr 10:00 WIB: Nyepi and its leave,
    # Idul Fitri and its leave and two weekends lie between; one working day passed
    report = kinerja.kinerja([resolved("A", datetime(2025, 3, 27, 3, 0, tzinfo=UTC),
                                       datetime(2025, 4, 8, 3, 0, tzinfo=UTC))], "2025-04", TANGERANG, NOW)
    assert report["total"]["median_working_days_to_resolve"] == 1.0


def test_a_regional_day_off_is_left_out_only_in_its_region():
    # Tuesday 22 Apr 2025 to Thursday 24 Apr 2025, same instants: Galungan (23 Apr) is
    # Denpasar's day off, a working day in Kota Tangerang
    tickets = [resolved("A", datetime(2025, 4, 22, 2, 0, tzinfo=UTC),
                        datetime(2025, 4, 24, 2, 0, tzinfo=UTC))]
    for region, days in ((DENPASAR, 1.0), (TANGERANG, 2.0)):
        report = kinerja.kinerja(tickets, "2025-04", region, NOW)
        assert report["total"]["median_working_days_to_resolve"] == days
