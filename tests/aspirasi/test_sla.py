"""Working-day clocks: weekends and Indonesian national holidays do not count."""
from datetime import datetime, timezone

from services.aspirasi import sla


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
    assert not sla.is_working_day(datetime(2026, 8, 17).date())
    assert sla.add_working_days(utc(2026, 8, 14, 3), 1) == utc(2026, 8, 18, 3)


def test_due_time_across_a_holiday_week():
    # Nyepi Thu 19 Mar 2026, Idul Fitri Sat-Sun 21-22 Mar: Wed 18 Mar + 3 = Tue 24 Mar
    assert sla.add_working_days(utc(2026, 3, 18, 3), 3) == utc(2026, 3, 24, 3)
    # five working days for the OPD from the same Wednesday: Thu 26 Mar
    assert sla.add_working_days(utc(2026, 3, 18, 3), 5) == utc(2026, 3, 26, 3)


def test_local_day_of_the_region_decides():
    # 23:30 WIB Friday is already Saturday 00:30 WITA in Makassar
    friday_night = utc(2026, 11, 27, 16, 30)
    assert sla.add_working_days(friday_night, 1, "Asia/Jakarta") == utc(2026, 11, 30, 16, 30)
    assert sla.add_working_days(friday_night, 1, "Asia/Makassar") == utc(2026, 11, 30, 16)


def test_breaches_are_reported_once():
    ticket = {"status": "submitted", "verify_due_at": utc(2026, 11, 26, 3), "breaches": []}
    assert sla.breaches(ticket, utc(2026, 11, 26, 4)) == ["verification"]
    assert sla.breaches({**ticket, "breaches": ["verification"]}, utc(2026, 11, 26, 4)) == []
    assert sla.breaches(ticket, utc(2026, 11, 26, 2)) == []
