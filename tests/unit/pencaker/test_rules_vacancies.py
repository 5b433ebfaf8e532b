"""A vacancy's life written out field by field: what posting, verifying, rejecting and
closing store, what each refusal names (field, code, status: the console's Indonesian
message is chosen by code), when the shared events say it happened, and what the public
view reads from where. Expected records are spelled out here, not built by the module."""
from datetime import datetime, timedelta, timezone

import pytest

from services.pencaker.domain import vacancies
from services.servicekit.errors import Conflict
from services.servicekit.regions import get_region

UTC = timezone.utc
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=5)
TANGERANG = get_region("36.71")
POSTING = {"title": "Operator CNC", "description": "Mengoperasikan mesin CNC dan bubut.",
           "employment_type": ["FULL_TIME"], "education": "smk", "skills": ["CNC", "bubut"],
           "salary": {"min": 5_000_000, "max": 6_000_000, "unit": "MONTH"},
           "valid_through": "2026-04-30", "openings": 3}
EMPLOYER = {"_id": "EMP-3671-000001", "name": "PT Maju Logam", "url": "https://majulogam.example",
            "owner": "employer-5"}


def posted(**employer):
    asked = []
    decision = vacancies.post(POSTING, {**EMPLOYER, **employer}, TANGERANG, NOW,
                              lambda key: asked.append(key) or 7)
    return decision.record, asked


def test_a_posted_vacancy_waits_with_its_employer_and_a_number_counted_per_region_and_year():
    record, asked = posted()
    assert asked == ["vacancies:36.71:2026"]
    assert record["_id"] == "LK-3671-2026-000007"
    assert {key: record[key] for key in ("employer_id", "employer_name", "employer_url", "owner",
                                         "status", "created_at", "updated_at")} == {
        "employer_id": "EMP-3671-000001", "employer_name": "PT Maju Logam",
        "employer_url": "https://majulogam.example", "owner": "employer-5", "status": "pending",
        "created_at": NOW, "updated_at": NOW}
    assert posted(url=None)[0]["employer_url"] is None


def refusal(call):
    with pytest.raises(Conflict) as refused:
        call()
    return refused.value


@pytest.mark.parametrize("status", ["published", "rejected", "closed"])
def test_only_a_pending_vacancy_is_verified_or_rejected_and_the_refusal_names_its_status(status):
    vacancy = {**posted()[0], "status": status}
    for verb, call in (("verified", lambda: vacancies.publish(vacancy, "dina", [], LATER)),
                       ("rejected", lambda: vacancies.reject(vacancy, "Bukan lowongan kerja.", LATER))):
        refused = refusal(call)
        assert refused.details == {"field": "status", "code": "not_pending", "status": status}
        assert refused.args[0].startswith(
            f"vacancy LK-3671-2026-000007 is {status}; only pending ones can be {verb}")


def test_a_vacancy_past_its_valid_through_is_not_verified_and_the_refusal_names_the_field():
    record = posted()[0]
    refused = refusal(lambda: vacancies.publish(record, "dina", [], record["valid_through"]))
    assert refused.details == {"field": "valid_through", "code": "valid_through_passed"}
    assert "must post it again" in str(refused)


def test_verifying_stores_who_and_when_and_tells_candidates_at_the_threshold_when_it_happened():
    record = posted()[0]
    candidates = [({"score": 60}, {"_id": "S0123456789abcd1", "region": "36.71"}, None),
                  ({"score": 59}, {"_id": "S0123456789abcd2", "region": "36.03"}, None)]
    decision = vacancies.publish(record, "dina", candidates, LATER)
    assert {key: decision.record[key] for key in ("status", "posted_at", "verified_at", "verified_by",
                                                  "updated_at", "created_at")} == {
        "status": "published", "posted_at": LATER, "verified_at": LATER, "verified_by": "dina",
        "updated_at": LATER, "created_at": NOW}
    assert [(event["event_type"], event["region"], event["occurred_at"]) for event in decision.events] == [
        ("vacancy_posted", "36.71", "2026-03-10T07:00:00Z"), ("match_found", "36.71", "2026-03-10T07:00:00Z")]
    assert decision.events[1]["payload"] == {
        "seeker_id": "S0123456789abcd1", "vacancy_id": "LK-3671-2026-000007", "vacancy_region": "36.71",
        "score": 60}


def test_rejecting_stores_the_reason_and_when():
    record = vacancies.reject(posted()[0], "Bukan lowongan kerja.", LATER).record
    assert {key: record[key] for key in ("status", "reject_reason", "rejected_at", "updated_at")} == {
        "status": "rejected", "reject_reason": "Bukan lowongan kerja.", "rejected_at": LATER,
        "updated_at": LATER}


@pytest.mark.parametrize("status", ["closed", "rejected"])
def test_a_closed_or_rejected_vacancy_is_not_closed_again_and_the_refusal_names_its_status(status):
    refused = refusal(lambda: vacancies.close({**posted()[0], "status": status}, "withdrawn", LATER))
    assert refused.details == {"field": "status", "code": "already_closed", "status": status}
    assert refused.args[0].startswith(f"vacancy LK-3671-2026-000007 is already {status}")


def test_closing_a_public_vacancy_stores_when_and_says_so_at_that_moment():
    published = vacancies.publish(posted()[0], "dina", [], LATER).record
    closing = LATER + timedelta(days=2)
    decision = vacancies.close(published, "filled", closing)
    assert {key: decision.record[key] for key in ("status", "close_reason", "closed_at", "updated_at")} == {
        "status": "closed", "close_reason": "filled", "closed_at": closing, "updated_at": closing}
    assert [(event["event_type"], event["occurred_at"]) for event in decision.events] == [
        ("vacancy_closed", "2026-03-12T07:00:00Z")]


def test_the_public_view_reads_the_optional_fields_from_where_they_are_stored():
    stored = {**posted()[0], "kbji": "7223", "address": "Jl. Industri 4", "experience_months": 12,
              "posted_at": LATER, "close_reason": "filled", "reject_reason": "tidak lengkap"}
    view = vacancies.view(stored, TANGERANG, LATER)
    assert {key: view[key] for key in ("kbji", "address", "experience_months", "posted_at",
                                       "close_reason", "reject_reason")} == {
        "kbji": "7223", "address": "Jl. Industri 4", "experience_months": 12, "posted_at": LATER,
        "close_reason": "filled", "reject_reason": "tidak lengkap"}
    bare = {key: value for key, value in posted()[0].items()
            if key not in ("kbji", "address", "experience_months", "posted_at")}
    assert {key: vacancies.view(bare, TANGERANG, LATER)[key] for key in (
        "kbji", "address", "experience_months", "posted_at")} == {
        "kbji": None, "address": None, "experience_months": 0, "posted_at": None}
