"""Integers past any sensible value (2**63 cannot even be stored) are a 400 naming the
field, at the gateway and in the pencaker domain, and store nothing."""
import uuid

import pytest

from services.gateway.pencaker import schemas
from services.pencaker.domain import seekers, validators
from services.servicekit.errors import ValidationFailed
from services.servicekit.regions import get_region
from tests.pencaker.test_api import seeker, vacancy
from tests.unit.pencaker.test_domain import NOW, registration

HUGE = (2**63, 2**63 - 1, 10**30, 10_000_000_001)


def own_client():
    """A client address of this request's own: seeker registrations are limited per client,
    and the suite registers many from the same test host."""
    return {"X-Forwarded-For": f"198.18.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"}


def refused(response, field):
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert field in {error["details"].get("field"), *error["details"].get("fields", {})}, response.text
    return error


@pytest.mark.parametrize("value", HUGE)
def test_a_huge_expected_salary_is_refused_and_nothing_stored(platform, http, value):
    nik = "3602011405980009"
    answer = http.post(f"{platform.url}/api/v1/regions/36.02/seekers",
                       json={**seeker(nik=nik), "expected_salary": value}, headers=own_client(),
                       timeout=10)
    refused(answer, "expected_salary")
    assert platform.db("pencaker").seekers.count_documents({"nik": nik}) == 0


def test_every_integer_of_a_seeker_and_a_vacancy_is_bounded(platform, http, token):
    url = f"{platform.url}/api/v1"
    for field, body in (
            ("education.graduation_year", {"education": {"level": "smk", "institution": "SMKN 1",
                                                         "graduation_year": 2**63}}),
            ("courses[0].year", {"courses": [{"name": "Las", "year": 2**63}]}),
            ("experience[0].years", {"experience": [{"position": "Operator", "years": 2**63}]})):
        nik = "3602011405980008"
        refused(http.post(f"{url}/regions/36.02/seekers", json={**seeker(nik=nik), **body},
                          headers=own_client(), timeout=10), field)
        assert platform.db("pencaker").seekers.count_documents({"nik": nik}) == 0
    refused(http.get(f"{url}/regions/36.02/vacancies", params={"min_salary": 2**63}, timeout=10),
            "min_salary")
    employer = token("citizen", "36.71", "hrd@bounds")
    for bound in ("min", "max"):
        salary = {"min": 5_000_000, "max": 6_000_000, bound: 2**63}
        answer = http.post(f"{url}/employers/e-bounds/vacancies", json=vacancy(salary=salary),
                           headers=employer, timeout=10)
        assert answer.status_code == 400, answer.text


def test_the_domain_refuses_what_the_gateway_refuses():
    """The pencaker domain is a gate of its own (forms and other RPC callers reach it)."""
    for value in HUGE + (float("inf"), float("nan")):
        with pytest.raises(ValidationFailed) as caught:
            seekers.validate(registration(expected_salary=value), get_region("36.71"), NOW)
        assert caught.value.details["field"] == "expected_salary"
        with pytest.raises(ValidationFailed):
            seekers.validate_update({"expected_salary": value}, get_region("36.71"), NOW)
    largest = schemas.SEEKER["properties"]["expected_salary"]["maximum"]
    assert largest == validators.MAX_AMOUNT == schemas.VACANCY["properties"]["salary"]["properties"][
        "max"]["maximum"]
    assert seekers.validate(registration(expected_salary=largest), get_region("36.71"),
                            NOW)["expected_salary"] == largest
