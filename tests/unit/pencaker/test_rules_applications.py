"""Applications, rule by rule: each refusal names its field and code (and the card status or
the party allowed), the stored application and its first history entry are exactly what
the seeker sent, every move records who, when and the note, events carry the moment, and
the view reads each field from where it is stored."""
from datetime import datetime, timedelta, timezone

import pytest

from services.pencaker.domain import applications, cards, vacancies
from services.servicekit.errors import Conflict, Forbidden, ValidationFailed
from services.servicekit.regions import get_region

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)
NOW_TEXT = "2026-03-10T02:00:00Z"
LATER = NOW + timedelta(hours=1)
TANGERANG = get_region("36.71")
POSTING = {"title": "Operator CNC", "description": "Mengoperasikan mesin CNC dan bubut.",
           "employment_type": ["FULL_TIME"], "education": "smk", "skills": ["CNC", "bubut"],
           "salary": {"min": 5_000_000, "max": 6_000_000, "unit": "MONTH"},
           "valid_through": "2026-04-30", "openings": 3, "kbji": "7223"}
VACANCY_ID, SEEKER_ID = "LK-3671-2026-000001", "S0123456789abcde"
APPLICATION_ID = f"{VACANCY_ID}.{SEEKER_ID}"


def seeker(**extra):
    return {"_id": SEEKER_ID, "card_number": "AK1-3674-2026-000001", "region": "36.74",
            **cards.issue("AK1-3674-2026-000001", NOW), "status": "active",
            "education": {"level": "smk"}, "skills": ["CNC"], "version": 1, **extra}


def vacancy(**extra):
    fields = vacancies.validate(POSTING, TANGERANG, NOW)
    pending = {"_id": VACANCY_ID, **fields, "employer_id": "EMP-3671-000001",
               "employer_name": "PT Maju Logam", "owner": "employer-5", "status": "pending",
               "posted_at": None, "created_at": NOW, "version": 1}
    return {**vacancies.publish(pending, "officer-3", [], NOW).record, **extra}


def refused(kind, call):
    with pytest.raises(kind) as raised:
        call()
    return raised.value


def test_an_application_is_stored_exactly_as_sent_with_its_first_entry():
    decision = applications.apply(seeker(), vacancy(), True, "Saya berminat", NOW)
    assert decision.record == {
        "_id": APPLICATION_ID, "vacancy_id": VACANCY_ID, "seeker_id": SEEKER_ID, "seeker_region": "36.74",
        "region": "36.71", "owner": "employer-5", "status": "submitted", "cover_letter": "Saya berminat",
        "submitted_at": NOW, "updated_at": NOW,
        "history": [{"from": None, "to": "submitted", "by": "seeker", "note": "", "at": NOW}]}
    [event] = decision.events
    assert (event["event_type"], event["region"], event["occurred_at"]) == (
        "application_submitted", "36.71", NOW_TEXT)
    assert event["payload"] == {"application_id": APPLICATION_ID, "vacancy_id": VACANCY_ID,
                                "seeker_id": SEEKER_ID, "seeker_region": "36.74", "submitted_at": NOW_TEXT}


def test_a_seeker_without_an_active_card_is_refused_naming_the_card_status():
    expired = seeker(valid_until=NOW - timedelta(seconds=1))
    error = refused(Conflict, lambda: applications.apply(expired, vacancy(), True, "", NOW))
    status, _ = cards.seeker_status(expired, NOW)
    assert status != "active"
    assert error.details == {"field": "seeker_id", "code": "card_not_active", "status": status}
    assert error.message.startswith(f"your AK/1 card is {status} (")


def test_a_closed_vacancy_and_a_vacancy_not_shared_are_refused_naming_the_vacancy():
    closed = vacancies.close(vacancy(), "filled", NOW).record
    error = refused(Conflict, lambda: applications.apply(seeker(), closed, True, "", NOW))
    assert error.details == {"field": "vacancy_id", "code": "vacancy_not_open"}
    assert error.message == f"vacancy {VACANCY_ID} is closed to applications"
    error = refused(Forbidden, lambda: applications.apply(seeker(), vacancy(), False, "", NOW))
    assert error.details == {"field": "vacancy_id", "code": "vacancy_not_shared"}
    assert error.message == "vacancies of region 36.71 are not shared with region 36.74"


def submitted():
    return applications.apply(seeker(), vacancy(), True, "Saya berminat", NOW).record


def test_an_unknown_move_is_refused_naming_the_allowed_ones():
    error = refused(ValidationFailed, lambda: applications.move(submitted(), "hired", "employer", LATER))
    problem = error.details["fields"]["status"]
    assert set(error.details["fields"]) == {"status"}
    assert (problem["code"], problem["allowed"]) == ("not_allowed", ["interview", "accepted", "rejected",
                                                                     "withdrawn"])
    assert problem["message"] == "'hired' unknown; one of interview, accepted, rejected, withdrawn"


def test_a_move_by_the_wrong_party_is_refused_naming_the_party_allowed():
    error = refused(Forbidden, lambda: applications.move(submitted(), "withdrawn", "employer", LATER))
    assert error.details == {"field": "status", "code": "not_your_move", "party": "seeker"}
    assert error.message == "only the seeker may move an application to withdrawn"


def test_a_move_from_a_wrong_state_is_refused_naming_the_state():
    rejected = applications.move(submitted(), "rejected", "employer", LATER).record
    error = refused(Conflict, lambda: applications.move(rejected, "interview", "employer", LATER))
    assert error.details == {"field": "status", "status": "rejected", "code": "wrong_state"}
    assert error.message == "application is rejected; it can move to interview only from submitted"
    error = refused(Conflict, lambda: applications.move(rejected, "accepted", "employer", LATER))
    assert error.message == ("application is rejected; it can move to accepted only from "
                             "interview or submitted")


@pytest.mark.parametrize(("note", "kept"), [(None, ""), ("", ""), ("Jadwal Senin", "Jadwal Senin")])
def test_a_move_records_who_when_and_the_note(note, kept):
    moved = applications.move(submitted(), "interview", "employer", LATER, note)
    assert moved.record["status"] == "interview" and moved.record["updated_at"] == LATER
    assert moved.record["history"][-1] == {"from": "submitted", "to": "interview", "by": "employer",
                                           "note": kept, "at": LATER}
    assert "placement_pending" not in moved.record
    [event] = moved.events
    assert (event["event_type"], event["occurred_at"]) == ("application_status_changed",
                                                           "2026-03-10T03:00:00Z")
    assert event["payload"] == {"application_id": APPLICATION_ID, "vacancy_id": VACANCY_ID,
                                "seeker_id": SEEKER_ID, "from": "submitted", "to": "interview",
                                "at": "2026-03-10T03:00:00Z"}


def test_the_employers_move_reads_its_status_and_note_from_the_body():
    moved = applications.move_by_employer(submitted(), {"status": "accepted", "note": "Mulai Senin"}, LATER)
    assert moved.record["status"] == "accepted" and moved.record["placement_pending"] is True
    assert moved.record["history"][-1]["note"] == "Mulai Senin"
    assert applications.placed(moved.record).record["placement_pending"] is False


def test_the_view_reads_each_field_from_where_it_is_stored():
    moved = applications.move(submitted(), "interview", "employer", LATER, "Senin").record
    assert applications.view(moved) == {
        "_id": APPLICATION_ID, "id": APPLICATION_ID, "vacancy_id": VACANCY_ID, "seeker_id": SEEKER_ID,
        "region": "36.71", "status": "interview", "cover_letter": "Saya berminat", "submitted_at": NOW,
        "updated_at": LATER,
        "history": [{"from": None, "to": "submitted", "by": "seeker", "note": "", "at": NOW},
                    {"from": "submitted", "to": "interview", "by": "employer", "note": "Senin", "at": LATER}]}
