"""What leaves Pencaker, key by key: the public vacancy, an application and its history, and
the shared events (vacancy_posted, match_found, vacancy_closed, application_*). The expected
sets are written out here; a new key fails until it is added on purpose."""
from datetime import datetime, timezone

from services.pencaker.domain import applications, cards, vacancies
from services.servicekit.regions import get_region

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)
TANGERANG = get_region("36.71")
POSTING = {"title": "Operator CNC", "description": "Mengoperasikan mesin CNC dan bubut.",
           "employment_type": ["FULL_TIME"], "education": "smk", "skills": ["CNC", "bubut"],
           "salary": {"min": 5_000_000, "max": 6_000_000, "unit": "MONTH"},
           "valid_through": "2026-04-30", "openings": 3, "kbji": "7223"}

PUBLIC_VACANCY = {"id", "title", "description", "kbji", "employment_type", "education", "skills",
                  "region", "region_name", "address", "salary", "valid_through", "openings",
                  "experience_months", "employer", "status", "open", "posted_at", "created_at",
                  "close_reason", "reject_reason"}
EMPLOYER = {"id", "name"}  # no contact, no owner account
APPLICATION = {"_id", "id", "vacancy_id", "seeker_id", "region", "status", "cover_letter",
               "submitted_at", "updated_at", "history"}
APPLICATION_HISTORY_ENTRY = {"from", "to", "by", "note", "at"}
ENVELOPE = {"event_id", "event_type", "schema_version", "source", "region", "occurred_at", "payload"}
EVENT_PAYLOADS = {
    "vacancy_posted": {"vacancy_id", "title", "employer_id", "employer_name", "location_region",
                       "employment_type", "education", "skills", "salary", "openings",
                       "valid_through", "posted_at"},
    "match_found": {"seeker_id", "vacancy_id", "vacancy_region", "score"},
    "vacancy_closed": {"vacancy_id", "title", "reason", "closed_at"},
    "application_submitted": {"application_id", "vacancy_id", "seeker_id", "seeker_region",
                              "submitted_at"},
    "application_status_changed": {"application_id", "vacancy_id", "seeker_id", "from", "to", "at"},
}


def pending():
    fields = vacancies.validate(POSTING, TANGERANG, NOW)
    return {"_id": "LK-3671-2026-000001", **fields, "employer_id": "EMP-3671-000001",
            "employer_name": "PT Maju Logam", "owner": "employer-5", "status": "pending",
            "posted_at": None, "created_at": NOW, "version": 1}


def seeker():
    return {"_id": "S0123456789abcde", "card_number": "AK1-3671-2026-000001", "region": "36.71",
            **cards.issue("AK1-3671-2026-000001", NOW), "status": "active",
            "education": {"level": "smk"}, "skills": ["CNC"], "version": 1}


def published():
    return vacancies.publish(pending(), "officer-3", [({"score": 100}, seeker(), None)], NOW)


def assert_event(event):
    assert set(event) == ENVELOPE
    assert set(event["payload"]) == EVENT_PAYLOADS[event["event_type"]]
    assert "officer-3" not in repr(event) and "employer-5" not in repr(event)


def test_the_public_vacancy_carries_exactly_the_allowed_keys():
    view = vacancies.view(published().record, TANGERANG, NOW)
    assert set(view) == PUBLIC_VACANCY
    assert set(view["employer"]) == EMPLOYER
    assert "officer-3" not in repr(view) and "employer-5" not in repr(view)


def test_posting_and_closing_announce_exactly_their_payloads():
    decision = published()
    assert [e["event_type"] for e in decision.events] == ["vacancy_posted", "match_found"]
    closed = vacancies.close(decision.record, "filled", NOW)
    assert [e["event_type"] for e in closed.events] == ["vacancy_closed"]
    for event in [*decision.events, *closed.events]:
        assert_event(event)


def test_an_application_and_its_history_carry_exactly_the_allowed_keys():
    submitted = applications.apply(seeker(), published().record, True, "Saya berminat", NOW)
    moved = applications.move(submitted.record, "interview", "employer", NOW, "Senin jam 9")
    view = applications.view(moved.record)
    assert set(view) == APPLICATION
    assert [set(entry) for entry in view["history"]] == [APPLICATION_HISTORY_ENTRY] * 2
    assert "employer-5" not in repr(view)
    for event in [*submitted.events, *moved.events]:
        assert_event(event)


def test_a_history_entry_with_more_stored_keeps_it_inside():
    submitted = applications.apply(seeker(), published().record, True, "Saya berminat", NOW)
    record = {**submitted.record, "history": [{**submitted.record["history"][0], "actor": "x-1"}]}
    assert "x-1" not in repr(applications.view(record))
