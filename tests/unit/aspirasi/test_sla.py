"""Working-day clocks: weekends, national holidays, cuti bersama and regional days off do not count."""
import random
from datetime import date, datetime, timedelta, timezone

import holidays
import pytest

from services.aspirasi import sla
from services.servicekit import working_days


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def test_weekdays_only():
    # Monday 23 Nov 2026, 10:00 WIB (03:00 UTC) + 3 working days = Thursday 26 Nov
    assert sla.add_working_days(utc(2026, 11, 23, 3), 3) == utc(2026, 11, 26, 3)
    # Thursday + 3 working days skips the weekend: Tuesday 1 Dec
    assert sla.add_working_days(utc(2026, 11, 26, 3), 3) == utc(2026, 12, 1, 3)


def test_weekend_submission_counts_from_monday_morning():
    # Saturday 28 Nov: the clock starts Monday 30 Nov 00:00 WIB; due Thursday 3 Dec 00:00 WIB
    assert sla.add_working_days(utc(2026, 11, 28, 3), 3) == utc(2026, 12, 2, 17)


def test_a_national_holiday_is_skipped():
    # Independence Day, Monday 17 Aug 2026: Friday 14 Aug + 1 working day = Tuesday 18 Aug
    assert not working_days.is_working_day(datetime(2026, 8, 17).date())
    assert sla.add_working_days(utc(2026, 8, 14, 3), 1) == utc(2026, 8, 18, 3)


LEBARAN_2025_LEAVE = [date(2025, 3, 28), date(2025, 4, 2), date(2025, 4, 3), date(2025, 4, 4),
                      date(2025, 4, 7)]


def test_the_calendar_has_the_2025_cuti_bersama_of_the_joint_decree():
    # SKB 3 Menteri 2025: Nyepi leave 28 Mar; Idul Fitri 31 Mar-1 Apr and leave 2, 3, 4, 7 Apr
    days_off = working_days.national_days_off(2025)
    assert set(LEBARAN_2025_LEAVE) <= set(days_off)
    assert {date(2025, 3, 31), date(2025, 4, 1)} <= set(days_off)
    assert {date(2025, 12, 25), date(2025, 12, 26)} <= set(days_off)
    # public holidays alone would miss them: that is why the GOVERNMENT category is read
    assert not set(LEBARAN_2025_LEAVE) & set(holidays.Indonesia(years=2025))


def test_a_report_before_lebaran_2025_is_not_due_inside_the_leave():
    # Thursday 27 Mar 2025 10:00 WIB. Off: 28 Mar (Nyepi leave), 29 Mar (Nyepi), weekend,
    # 31 Mar-1 Apr (Idul Fitri), 2-4 Apr (leave), weekend, 7 Apr (leave). Working again 8 Apr.
    reported = utc(2025, 3, 27, 3)
    verify_due = sla.add_working_days(reported, 3)
    follow_up_due = sla.add_working_days(reported, 5)
    assert verify_due == utc(2025, 4, 10, 3)      # 8, 9, 10 Apr
    assert follow_up_due == utc(2025, 4, 14, 3)   # 8, 9, 10, 11, 14 Apr
    assert verify_due.date() not in LEBARAN_2025_LEAVE


def test_christmas_and_new_year_are_skipped():
    # Wed 24 Dec 2025: 25 Dec (Natal), 26 Dec (leave), weekend; 29, 30, 31 Dec count
    assert sla.add_working_days(utc(2025, 12, 24, 3), 3) == utc(2025, 12, 31, 3)
    # five days run into the new year's calendar: 1 Jan off; 2 and 5 Jan count
    assert sla.add_working_days(utc(2025, 12, 24, 3), 5) == utc(2026, 1, 5, 3)
    # 2026: Christmas leave falls on Thu 24 Dec, Christmas on Fri 25 Dec
    assert sla.add_working_days(utc(2026, 12, 23, 3), 1) == utc(2026, 12, 28, 3)


def test_a_regional_day_off_counts_only_in_its_region():
    # Galungan, Wed 23 Apr 2025: a day off in Bali (SE Gubernur Bali 16/2024), not in Banten
    assert not working_days.is_working_day(date(2025, 4, 23), "51.71")
    assert working_days.is_working_day(date(2025, 4, 23), "36.71")
    tuesday = utc(2025, 4, 22, 2)  # 10:00 WITA, 09:00 WIB
    assert sla.add_working_days(tuesday, 1, "Asia/Makassar", "51.71") == utc(2025, 4, 24, 2)
    assert sla.add_working_days(tuesday, 1, "Asia/Jakarta", "36.71") == utc(2025, 4, 23, 2)


def test_local_day_of_the_region_decides():
    # 23:30 WIB Friday is already Saturday 00:30 WITA in Makassar
    friday_night = utc(2026, 11, 27, 16, 30)
    assert sla.add_working_days(friday_night, 1, "Asia/Jakarta") == utc(2026, 11, 30, 16, 30)
    assert sla.add_working_days(friday_night, 1, "Asia/Makassar") == utc(2026, 11, 30, 16)


def test_working_time_over_a_weekend_leaves_the_weekend_out():
    # Friday 6 Nov 2026 17:00 WIB to Monday 9 Nov 09:00 WIB: 64 wall-clock hours, of
    # which Friday's last 7 and Monday's first 9 fall on working days (the SLA's
    # 1-day clock from Friday 17:00 runs to Monday 17:00)
    friday_evening, monday_morning = utc(2026, 11, 6, 10), utc(2026, 11, 9, 2)
    assert sla.working_days_between(friday_evening, monday_morning) == pytest.approx(16 / 24)
    # a Saturday report's clock starts Monday 00:00: Monday's 9 hours
    assert sla.working_days_between(utc(2026, 11, 7, 3), monday_morning) == 9 / 24 == 0.375
    # within one working day: 09:00 to 13:00 WIB
    assert sla.working_days_between(utc(2026, 11, 9, 2), utc(2026, 11, 9, 6)) == pytest.approx(4 / 24)
    assert sla.working_days_between(monday_morning, friday_evening) == 0


def test_working_time_skips_the_lebaran_2025_holidays_and_leave():
    # Thursday 27 Mar 2025 10:00 WIB to Tuesday 8 Apr 10:00 WIB: 12 calendar days, of
    # which only 27 Mar from 10:00 and 8 Apr to 10:00 are working time
    reported = utc(2025, 3, 27, 3)
    assert sla.working_days_between(reported, utc(2025, 4, 8, 3)) == pytest.approx(1)
    # across the day off alone: 28 Mar (Nyepi leave) counts nothing
    assert sla.working_days_between(utc(2025, 3, 27, 17), utc(2025, 3, 28, 17)) == 0


def test_working_time_skips_a_regional_day_off_only_in_its_region():
    # Tuesday 22 Apr 2025 10:00 WITA to Thursday 24 Apr 10:00 WITA (09:00 WIB both):
    # Galungan (23 Apr) is off in Denpasar, a working day in Kota Tangerang
    tuesday, thursday = utc(2025, 4, 22, 2), utc(2025, 4, 24, 2)
    assert sla.working_days_between(tuesday, thursday, "Asia/Makassar", "51.71") == pytest.approx(1)
    assert sla.working_days_between(tuesday, thursday, "Asia/Jakarta", "36.71") == pytest.approx(2)


@pytest.mark.parametrize("start", [utc(2026, 11, 23, 3), utc(2026, 11, 27, 16, 30), utc(2026, 11, 28, 3),
                                   utc(2025, 3, 27, 3), utc(2025, 12, 24, 3), utc(2025, 4, 22, 2)])
@pytest.mark.parametrize("zone, region", [("Asia/Jakarta", "36.71"), ("Asia/Makassar", "51.71")])
def test_a_clock_of_n_working_days_spans_n_working_days(start, zone, region):
    for days in (3, 5):
        due = sla.add_working_days(start, days, zone, region)
        assert sla.working_days_between(start, due, zone, region) == pytest.approx(days)
        assert sla.working_days_between(start, due + timedelta(minutes=1), zone, region) > days


@pytest.mark.parametrize("region", ["36.71", "51.71"])
def test_working_days_are_counted_as_a_walk_over_the_calendar_would(region):
    """The counted shortcut (weeks and a search of the days off) agrees with the definition,
    a walk day by day, over spans across years, holidays, cuti bersama and regional days."""
    rnd = random.Random(region)
    for _ in range(400):
        first = date(2024, 12, 1) + timedelta(days=rnd.randrange(800))
        stop = first + timedelta(days=rnd.randrange(-3, 420))
        walked = sum(working_days.is_working_day(first + timedelta(days=n), region)
                     for n in range((stop - first).days))
        assert working_days.count_working_days(first, stop, region) == walked, (first, stop)


def test_breaches_are_reported_once():
    ticket = {"status": "submitted", "verify_due_at": utc(2026, 11, 26, 3), "breaches": []}
    assert sla.breaches(ticket, utc(2026, 11, 26, 4)) == ["verification"]
    assert sla.breaches({**ticket, "breaches": ["verification"]}, utc(2026, 11, 26, 4)) == []
    assert sla.breaches(ticket, utc(2026, 11, 26, 2)) == []


# status -> the clock that runs in it (None: closed), written out
RUNNING = {"submitted": "verification", "verified": "verification", "dispatched": "follow_up",
           "in_progress": "follow_up", "resolved": None, "rejected": None, "duplicate": None}


@pytest.mark.parametrize("status, clock", sorted(RUNNING.items()))
def test_one_rule_says_which_clock_runs(status, clock):
    stage = sla.running(status)
    assert (stage.name if stage else None) == clock
    ticket = {"status": status, "verify_due_at": utc(2026, 11, 26, 3), "opd_due_at": utc(2026, 11, 30, 3),
              "breaches": []}
    assert sla.due_at(ticket) == {"verification": utc(2026, 11, 26, 3), "follow_up": utc(2026, 11, 30, 3),
                                  None: None}[clock]
    assert sla.breaches(ticket, utc(2026, 12, 1, 3)) == ([clock] if clock else [])


def test_a_reopen_restarts_the_follow_up_clock_from_the_tickets_own_days():
    ticket = {"status": "resolved", "sla": {"follow_up": 2}, "breaches": ["verification", "follow_up"]}
    monday = utc(2026, 11, 23, 3)
    assert sla.started("reopen", ticket, monday, "Asia/Jakarta", "36.71") == {
        "opd_due_at": utc(2026, 11, 25, 3), "breaches": ["verification"]}
    assert sla.started("start", ticket, monday, "Asia/Jakarta", "36.71") == {}
    assert sla.view(ticket) == {"verify_days": 3, "follow_up_days": 2, "running": None}
