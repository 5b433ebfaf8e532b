"""Pencaker's entrypoints driven with nameko's worker_factory, an in-memory repository
and outbox stand-in (services/pencaker/fake_repository.py): no broker, no store. Each
test reads what was stored and what was announced, and that a refusal stores nothing."""
from datetime import timedelta

import pytest
from nameko.testing.services import worker_factory

from services.pencaker.fake_repository import FakeOutbox, FakePencakerRepo
from services.pencaker.service import PencakerService
from services.servicekit.envelope import utcnow
from services.servicekit.errors import Conflict, Forbidden, ValidationFailed
from tests.helpers import signed

OFFICER = signed("disnaker_officer", "36.71", "officer@36.71")
EMPLOYER = signed("citizen", "36.71", "hrd@majulogam")
BUDI = {"nik": "3671011405980001", "name": "Budi Santoso", "birth_place": "Tangerang",
        "birth_date": "1998-05-14", "sex": "L", "domicile_address": "Jl. Merdeka 10",
        "marital_status": "belum_kawin", "religion": "islam",
        "education": {"level": "smk", "major": "Mesin", "institution": "SMKN 4 Tangerang",
                      "graduation_year": 2016},
        "desired_position": {"title": "Operator CNC", "kbji": "7223"}, "skills": ["cnc", "bubut", "las"],
        "expected_salary": 5_000_000, "contact": {"phone": "081234567890"}}
BUDI_FIELDS = ("nik", "name", "birth_place", "birth_date", "sex", "domicile_address", "marital_status",
               "religion", "education", "courses", "languages", "disability", "skills", "experience",
               "desired_position", "desired_locations", "expected_salary", "contact")
EMPLOYER_PROFILE = {"name": "PT Maju Logam", "contact": {"email": "hrd@majulogam.co.id"}}


def vacancy_data(**changes):
    return {"title": "Operator CNC", "description": "Mengoperasikan mesin CNC.",
            "employment_type": ["FULL_TIME"], "education": "smk", "skills": ["cnc", "bubut", "las"],
            "salary": {"min": 5_000_000, "max": 6_000_000, "unit": "MONTH"},
            "valid_through": (utcnow() + timedelta(days=30)).date().isoformat(), "openings": 1, **changes}


@pytest.fixture
def world():
    repo = FakePencakerRepo()
    outbox = FakeOutbox(repo)
    return worker_factory(PencakerService, repo=repo, outbox=outbox), repo, outbox


def as_seeker(seeker):
    return signed("citizen", seeker["region"], seeker["seeker_id"])


def published(service):
    employer = service.create_employer("36.71", EMPLOYER_PROFILE, caller=EMPLOYER)
    pending = service.post_vacancy(employer["_id"], vacancy_data(), caller=EMPLOYER)
    return service.verify_vacancy(pending["id"], caller=OFFICER)


def test_registration_stores_the_card_and_announces_it(world):
    service, repo, outbox = world
    seeker = service.register_seeker("36.71", BUDI)
    stored = repo.collections["seekers"][seeker["seeker_id"]]
    assert (stored["card_number"], stored["status"], stored["version"]) == (
        f"AK1-3671-{utcnow().year}-000001", "active", 1)
    assert stored["skills"] == ["cnc", "bubut", "las"] and stored["desired_locations"] == ["36.71"]
    assert outbox.types() == ["seeker_registered"]
    assert outbox.published[0]["payload"]["seeker_id"] == seeker["seeker_id"]


def test_a_refused_registration_stores_and_announces_nothing(world):
    service, repo, outbox = world
    with pytest.raises(ValidationFailed) as shape:  # what the schema says, every field at once
        service.register_seeker("36.71", {**BUDI, "name": "  ", "hobby": "catur"})
    assert shape.value.details["fields"] == {
        "hobby": {"code": "unknown_field", "message": shape.value.details["fields"]["hobby"]["message"],
                  "known": sorted(BUDI_FIELDS)},
        "name": {"code": "required", "message": "is required"}}
    with pytest.raises(ValidationFailed) as rules:  # what it cannot say, every field at once
        service.register_seeker("36.71", {**BUDI, "nik": "3671015405980001",
                                          "education": {**BUDI["education"], "graduation_year": 1990}})
    assert rules.value.details["fields"] == {
        "education.graduation_year": {"code": "out_of_range", "message": "must be a year from 2003 to "
                                      f"{utcnow().year}", "min": 2003, "max": utcnow().year},
        "nik": {"code": "nik_sex_mismatch", "message": "digits 7-8 (54) encode sex P, but sex is L",
                "sex": "L"}}
    service.register_seeker("36.71", BUDI)
    with pytest.raises(Conflict) as again:
        service.register_seeker("36.71", {**BUDI, "name": "Budi S."})
    assert again.value.details["code"] == "nik_registered"
    assert len(repo.collections["seekers"]) == 1 and outbox.types() == ["seeker_registered"]
    assert repo.counters == {f"ak1:36.71:{utcnow().year}": 2}  # the refused one took no number


def test_verification_publishes_and_tells_the_matching_seeker(world):
    service, repo, outbox = world
    budi = service.register_seeker("36.71", BUDI)
    vacancy = published(service)
    stored = repo.collections["vacancies"][vacancy["id"]]
    assert (stored["status"], stored["verified_by"], stored["version"]) == ("published", "officer@36.71", 2)
    assert outbox.types() == ["seeker_registered", "vacancy_posted", "match_found"]
    assert outbox.published[2]["payload"]["seeker_id"] == budi["seeker_id"]
    assert vacancy["matches_announced"] == 1
    with pytest.raises(Conflict) as twice:
        service.verify_vacancy(vacancy["id"], caller=OFFICER)
    assert twice.value.details["code"] == "not_pending"
    assert repo.collections["vacancies"][vacancy["id"]]["version"] == 2 and len(outbox.published) == 3


def test_a_refused_vacancy_stores_nothing(world):
    service, repo, outbox = world
    employer = service.create_employer("36.71", EMPLOYER_PROFILE, caller=EMPLOYER)
    with pytest.raises(ValidationFailed) as refused:
        service.post_vacancy(employer["_id"], vacancy_data(salary={"min": 9_000_000, "max": 6_000_000},
                                                           valid_through="2020-01-01"), caller=EMPLOYER)
    assert {name: found["code"] for name, found in refused.value.details["fields"].items()} == {
        "salary.min": "salary_min_above_max", "valid_through": "date_in_past"}
    assert repo.collections["vacancies"] == {} and outbox.published == []


def test_acceptance_places_the_seeker_and_fills_the_vacancy(world):
    service, repo, outbox = world
    budi = service.register_seeker("36.71", BUDI)
    vacancy = published(service)
    application = service.apply(vacancy["id"], caller=as_seeker(budi), cover_letter="Siap.")
    with pytest.raises(Forbidden):  # only the employer moves it
        service.move_application(application["id"], "accepted", caller=as_seeker(budi))
    assert repo.collections["applications"][application["id"]]["version"] == 1
    service.move_application(application["id"], "accepted", caller=EMPLOYER, note="mulai Senin")
    stored = repo.collections["applications"][application["id"]]
    assert (stored["status"], stored["placement_pending"], stored["history"][-1]["note"]) == (
        "accepted", False, "mulai Senin")
    assert repo.collections["seekers"][budi["seeker_id"]]["status"] == "placed"
    assert repo.collections["vacancies"][vacancy["id"]]["close_reason"] == "filled"
    assert outbox.types()[3:] == ["application_submitted", "application_status_changed", "seeker_placed",
                                  "vacancy_closed"]


def test_a_second_application_is_refused_and_stores_nothing(world):
    service, repo, outbox = world
    budi = service.register_seeker("36.71", BUDI)
    vacancy = published(service)
    service.apply(vacancy["id"], caller=as_seeker(budi))
    with pytest.raises(Conflict) as again:
        service.apply(vacancy["id"], caller=as_seeker(budi))
    assert again.value.details["code"] == "already_applied"
    with pytest.raises(ValidationFailed) as long_letter:
        service.apply(vacancy["id"], caller=as_seeker(budi), cover_letter="x" * 3001)
    assert long_letter.value.details["fields"]["cover_letter"]["code"] == "too_long"
    assert len(repo.collections["applications"]) == 1 and outbox.types().count("application_submitted") == 1


def test_the_sweep_expires_a_lapsed_card_and_closes_a_past_vacancy(world):
    service, repo, outbox = world
    budi = service.register_seeker("36.71", BUDI)
    vacancy = published(service)
    past = utcnow() - timedelta(seconds=1)
    repo.collections["seekers"][budi["seeker_id"]]["next_report_due"] = past
    repo.collections["vacancies"][vacancy["id"]]["valid_through"] = past
    assert service.sweep() == {"vacancies_closed": 1, "seekers_expired": 1}
    seeker = repo.collections["seekers"][budi["seeker_id"]]
    assert (seeker["status"], seeker["expiry_reason"]) == ("expired", "report_missed")
    assert repo.collections["vacancies"][vacancy["id"]]["close_reason"] == "expired"
    assert outbox.types()[-1] == "vacancy_closed"
    assert service.sweep() == {"vacancies_closed": 0, "seekers_expired": 0}


def test_an_update_of_a_field_the_seeker_may_not_change_stores_nothing(world):
    service, repo, _ = world
    budi = service.register_seeker("36.71", BUDI)
    with pytest.raises(ValidationFailed) as refused:
        service.update_seeker(budi["seeker_id"], {"nik": "3671011405980002"}, caller=as_seeker(budi))
    assert refused.value.details["fields"]["nik"]["code"] == "unknown_field"
    updated = service.update_seeker(budi["seeker_id"], {"skills": ["Las", "las "]}, caller=as_seeker(budi))
    assert updated["skills"] == ["las"] and repo.collections["seekers"][budi["seeker_id"]]["version"] == 2


def test_disnaker_finds_a_seeker_by_nik_and_a_malformed_nik_is_named(world):
    service, _, _ = world
    budi = service.register_seeker("36.71", BUDI)
    found = service.find_seeker("36.71", "3671 0114 0598 0001", caller=OFFICER)
    assert found["seeker_id"] == budi["seeker_id"]
    assert service.find_seeker("36.71", "3671011405980002", caller=OFFICER) is None
    with pytest.raises(ValidationFailed) as refused:
        service.find_seeker("36.71", "36710114", caller=OFFICER)
    assert refused.value.details["fields"] == {
        "nik": {"code": "bad_nik", "message": "must be exactly 16 digits"}}
