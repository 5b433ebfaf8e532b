"""Pencaker's clocks and boundaries pinned: a vacancy at its validThrough and one second
after, an AK/1 card at the end of its validity and of each report, the report window's
first second, and the years a seeker may give. Dates are written out, not computed by the
module under test (two years' validity, reports every six months, a 30-day window).
"""
from datetime import datetime, timedelta, timezone

import pytest

from services.pencaker.domain import cards, seekers, vacancies
from services.servicekit.errors import Conflict, ValidationFailed
from services.servicekit.regions import get_region

UTC = timezone.utc
SECOND = timedelta(seconds=1)
ISSUED = datetime(2026, 8, 31, 3, 0, tzinfo=UTC)
VALID_UNTIL = datetime(2028, 8, 31, 3, 0, tzinfo=UTC)
# Six-monthly report dates of a card issued on 31 August (a month's end: February has 28).
REPORTS = [datetime(2027, 2, 28, 3, 0, tzinfo=UTC), datetime(2027, 8, 31, 3, 0, tzinfo=UTC),
           datetime(2028, 2, 29, 3, 0, tzinfo=UTC)]
SEEKER_ID = "S0123456789abcde"


def seeker(**extra):
    card = cards.issue("AK1-3671-2026-000001", ISSUED)
    return {"_id": SEEKER_ID, "region": "36.71", "status": "active", **card, **extra}


def test_a_card_is_valid_two_years_and_first_reports_six_months_on():
    card = cards.issue("AK1-3671-2026-000001", ISSUED)
    assert (card["valid_until"], card["next_report_due"]) == (VALID_UNTIL, REPORTS[0])
    assert cards.report_dates(ISSUED) == REPORTS  # none at or after the card's end


@pytest.mark.parametrize("now, status", [
    (REPORTS[0], ("active", None)), (REPORTS[0] + SECOND, ("expired", "report_missed"))])
def test_a_missed_report_expires_the_card_one_second_after_its_due_moment(now, status):
    assert cards.seeker_status(seeker(), now) == status
    lapsed = seekers.expire(seeker(), now)
    assert (lapsed and lapsed.record["expiry_reason"]) == (status[1] or None)


@pytest.mark.parametrize("now, status", [
    (VALID_UNTIL - SECOND, ("active", None)), (VALID_UNTIL, ("expired", "validity_ended"))])
def test_the_card_ends_at_the_moment_of_its_validity(now, status):
    reported = seeker(next_report_due=VALID_UNTIL)  # every report made
    assert cards.seeker_status(reported, now) == status


def test_a_placed_seeker_never_expires():
    later = VALID_UNTIL + timedelta(days=400)
    assert cards.seeker_status(seeker(status="placed"), later) == ("placed", "placed")


WINDOW_OPENS = datetime(2027, 1, 29, 3, 0, tzinfo=UTC)  # 30 days before 28 February


@pytest.mark.parametrize("now, opens", [(WINDOW_OPENS - SECOND, False), (WINDOW_OPENS, True)])
def test_the_report_window_opens_thirty_days_before_the_due_moment(now, opens):
    window = seekers.announce_report_window(seeker(), now)
    assert (window is not None) is opens
    if opens:
        assert window.record["report_window_announced"] == REPORTS[0].isoformat()
        assert [e["event_type"] for e in window.events] == ["seeker_report_window_opened"]
        assert seekers.announce_report_window(window.record, now + timedelta(days=10)) is None  # once
        assert seekers.report(seeker(), now).record["next_report_due"] == REPORTS[1]
    else:
        with pytest.raises(Conflict) as early:
            seekers.report(seeker(), now)
        assert early.value.details["code"] == "report_too_early"


def test_no_window_is_announced_for_an_expired_card():
    assert seekers.announce_report_window(seeker(), REPORTS[0] + SECOND) is None


def test_each_report_moves_the_due_date_on_the_schedule_and_never_past_the_cards_end():
    card = seeker()
    for due, next_due in zip(REPORTS, [*REPORTS[1:], VALID_UNTIL], strict=True):
        card = {**card, **cards.record_report(card, due - timedelta(days=3))}
        assert card["next_report_due"] == next_due
    assert len(card["reports"]) == 3
    with pytest.raises(Conflict) as ended:
        cards.record_report(card, VALID_UNTIL)
    assert ended.value.details["code"] == "card_not_active"


def test_a_report_after_its_due_moment_is_refused_as_the_card_lapsed():
    with pytest.raises(Conflict) as late:
        seekers.report(seeker(), REPORTS[0] + SECOND)
    assert late.value.details["code"] == "card_not_active"


VALID_THROUGH = datetime(2026, 12, 31, 17, 0, tzinfo=UTC)


def vacancy(status="published"):
    return {"_id": "LK-3671-2026-000001", "region": "36.71", "status": status,
            "valid_through": VALID_THROUGH}


@pytest.mark.parametrize("now, open_", [(VALID_THROUGH - SECOND, True), (VALID_THROUGH, False),
                                        (VALID_THROUGH + SECOND, False)])
def test_a_vacancy_takes_applications_until_its_valid_through_and_then_closes(now, open_):
    assert vacancies.is_open(vacancy(), now) is open_
    assert (vacancies.due_to_expire([vacancy(), vacancy("pending"), vacancy("closed")], now)
            == ([] if open_ else [vacancy()]))


@pytest.mark.parametrize("now", [VALID_THROUGH, VALID_THROUGH + SECOND])
def test_a_pending_vacancy_cannot_be_verified_from_its_valid_through_on(now):
    # (verified before it: test_pinned_tables, whose vacancy runs ten days on)
    with pytest.raises(Conflict) as passed:
        vacancies.publish(vacancy("pending"), "dina", [], now)
    assert passed.value.details["code"] == "valid_through_passed"


TANGERANG = get_region("36.71")
NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize("changes, bad", [
    ({"education": {"level": "smk", "institution": "SMKN 4", "graduation_year": 2002}},
     "education.graduation_year"),  # born 1998: five years on is the earliest
    ({"education": {"level": "smk", "institution": "SMKN 4", "graduation_year": 2003}}, None),
    ({"courses": [{"name": "Las", "year": 1999}]}, "courses[0].year"),
    ({"courses": [{"name": "Las", "year": 2003}]}, None),
])
def test_a_seekers_update_cannot_give_years_before_they_could_have_studied(changes, bad):
    registered = {**seeker(), "birth_date": "1998-05-14", "version": 1}
    if bad is None:
        assert seekers.update(registered, changes, TANGERANG, NOW).record["updated_at"] == NOW
        return
    with pytest.raises(ValidationFailed) as refused:
        seekers.update(registered, changes, TANGERANG, NOW)
    assert list(refused.value.details["fields"]) == [bad]
    assert refused.value.details["fields"][bad]["code"] == "out_of_range"


def test_a_new_card_has_no_reports_yet():
    assert cards.issue("AK1-3671-2026-000001", ISSUED)["reports"] == []


def test_a_refused_report_names_the_field_code_and_what_the_indonesian_message_needs():
    with pytest.raises(Conflict) as lapsed:
        cards.record_report(seeker(), REPORTS[0] + SECOND)
    assert lapsed.value.details == {"field": "status", "code": "card_not_active", "status": "expired"}
    assert "AK1-3671-2026-000001" in str(lapsed.value) and "register again at Disnaker" in str(lapsed.value)
    with pytest.raises(Conflict) as early:
        cards.record_report(seeker(), datetime(2027, 1, 29, 2, 0, tzinfo=UTC))
    # The window of the 28 February report opens on 29 January (messages_id.yaml shows {from}).
    assert early.value.details == {"field": "next_report_due", "code": "report_too_early",
                                   "from": "2027-01-29"}


def test_a_card_stored_before_reports_were_kept_takes_its_first_report():
    card = {key: value for key, value in seeker().items() if key != "reports"}
    assert cards.record_report(card, REPORTS[0])["reports"] == [REPORTS[0]]


def test_a_card_stored_without_its_issue_date_reports_every_six_months_and_never_past_its_end():
    legacy = {key: value for key, value in seeker().items() if key != "issued_at"}
    first = cards.record_report(legacy, REPORTS[0])
    assert first["next_report_due"] == datetime(2027, 8, 28, 3, 0, tzinfo=UTC)  # 28 Feb + 6 months
    near_the_end = {**legacy, "next_report_due": datetime(2028, 6, 30, 3, 0, tzinfo=UTC)}
    assert cards.record_report(near_the_end, datetime(2028, 6, 29, 3, 0, tzinfo=UTC))[
        "next_report_due"] == VALID_UNTIL
