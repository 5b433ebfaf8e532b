"""Pencaker's commands as JSON Schema: one schema per command, the same one the gateway
documents and checks requests with and the domain checks its input with
(`servicekit.validation.check_body`). Only what a schema cannot say stays code in the
domain (the NIK's birth-date digits, a graduation year after birth, dates, one of phone
or e-mail, markup).

Property names are the gateway's (services/gateway/schemas.py had them); each limit is
the stricter of the gateway's and the domain's, so nothing refused before passes now.
Optional fields the AK/1 form leaves empty arrive as null, and mean "not given".
"""
from typing import Any, TypedDict

from services.servicekit.contracts.pencaker import (
    DISABILITIES,
    EDUCATION_RANK,
    EMPLOYMENT_TYPES,
    MARITAL_STATUSES,
    RELIGIONS,
    SEEKER_EDITABLE,
)
from services.servicekit.regions import CODE_PATTERN
from services.servicekit.schema_parts import obj

Schema = dict[str, Any]


def text(max_length: int, nullable: bool = False, **extra: Any) -> Schema:
    return {"type": ["string", "null"] if nullable else "string", "maxLength": max_length, **extra}


def coded(schema: Schema, code: str, error: str) -> Schema:
    """`schema` whose pattern, when it fails, is refused with `code` and says `error`."""
    return {**schema, "x-code": code, "x-error": error}


def required_text(max_length: int) -> Schema:
    """Text that must say something: blank ("", "  ") is refused as missing (the pattern
    comes first, so "" is `required` too, not `too_short`)."""
    return {**coded(text(max_length, pattern=r"\S"), "required", "is required"), "minLength": 1}


# The largest amount in rupiah any field takes (Rp 10 miliar): far above any salary,
# and far inside the store's 64-bit integers (2**63 cannot be stored at all).
MAX_AMOUNT = 10_000_000_000
RUPIAH = {"type": "integer", "minimum": 0, "maximum": MAX_AMOUNT}
YEAR = {"type": "integer", "minimum": 1900, "maximum": 2100}
REGION_CODE = coded(text(5, pattern=CODE_PATTERN.pattern, example="36.71"), "bad_region_code",
                    "must be a region code like 36.71")
KBJI = coded(text(6, pattern=r"^[0-9]{4,6}$"), "bad_kbji", "must be a KBJI code of 4-6 digits")
EDUCATION = {"type": "string", "enum": list(EDUCATION_RANK)}
SKILLS = {"type": "array", "maxItems": 30, "items": required_text(60)}
CONTACT = obj({"phone": text(20, True), "email": text(254, True), "address": text(300, True)})

# The AK/1 registration (register_seeker).
REGISTER_SEEKER = obj({
    "nik": coded(text(19, pattern=r"^[0-9 ]{16,19}$", description="16 digits; any region's NIK"),
                 "bad_nik", "must be exactly 16 digits"),
    "name": required_text(120), "birth_place": required_text(80),
    "birth_date": text(10, format="date"),
    "sex": {"type": "string", "enum": ["L", "P"]},
    "domicile_address": required_text(300),
    "marital_status": {"type": "string", "enum": list(MARITAL_STATUSES)},
    "religion": {"type": "string", "enum": list(RELIGIONS)},
    "education": obj({"level": EDUCATION, "major": text(120, True), "institution": required_text(160),
                      "graduation_year": YEAR}, required=("level", "institution", "graduation_year")),
    "courses": {"type": "array", "maxItems": 20, "items": obj(
        {"name": required_text(160), "institution": text(160, True),
         "year": {**YEAR, "type": ["integer", "null"]}}, required=("name",))},
    "languages": {"type": "array", "maxItems": 10, "items": required_text(40)},
    "disability": {"type": "array", "maxItems": len(DISABILITIES), "items": {"enum": list(DISABILITIES)}},
    "skills": SKILLS,
    "experience": {"type": "array", "maxItems": 20, "items": obj(
        {"position": required_text(120), "years": {"type": "number", "minimum": 0, "maximum": 60}},
        required=("position", "years"))},
    "desired_position": obj({"title": required_text(120), "kbji": KBJI}, required=("title",)),
    "desired_locations": {"type": "array", "minItems": 1, "maxItems": 5, "items": REGION_CODE},
    "expected_salary": {**RUPIAH, "type": ["integer", "null"]},
    "contact": CONTACT,
}, required=("nik", "name", "birth_place", "birth_date", "sex", "domicile_address", "marital_status",
             "religion", "education", "desired_position", "contact"))
# What a seeker may change themselves (update_seeker): those fields, nothing else.
UPDATE_SEEKER = obj({name: REGISTER_SEEKER["properties"][name] for name in SEEKER_EDITABLE},
                    minProperties=1)
# An employer's profile (create_employer).
CREATE_EMPLOYER = obj({"name": required_text(160), "sector": text(120, True), "address": text(300, True),
                       "url": coded(text(300, True, pattern=r"^https?://\S+$"), "bad_url",
                                    "must be an http(s) address"),
                       "contact": CONTACT}, required=("name", "contact"))
# A vacancy an employer posts (post_vacancy); `region` defaults to the employer's.
POST_VACANCY = obj({
    "title": required_text(120), "description": required_text(5000), "kbji": KBJI,
    "employment_type": {"type": "array", "minItems": 1, "maxItems": len(EMPLOYMENT_TYPES),
                        "items": {"type": "string", "enum": list(EMPLOYMENT_TYPES)}},
    "education": EDUCATION, "skills": SKILLS, "address": text(300, True), "region": REGION_CODE,
    "salary": obj({"min": RUPIAH, "max": RUPIAH, "currency": {"type": "string", "enum": ["IDR"]},
                   "unit": {"type": "string", "enum": ["HOUR", "DAY", "WEEK", "MONTH", "YEAR"]}},
                  required=("min", "max")),
    "valid_through": text(40, minLength=10),
    "openings": {"type": "integer", "minimum": 1, "maximum": 1000},
    "experience_months": {"type": "integer", "minimum": 0, "maximum": 600},
}, required=("title", "description", "employment_type", "education", "salary", "valid_through"))
# A Disnaker officer's refusal of a pending vacancy (reject_vacancy).
REJECT_VACANCY = obj({"reason": required_text(500)}, required=("reason",))
# A seeker's application (apply).
APPLY = obj({"cover_letter": text(3000, True)})
# The employer's move of an application (move_application).
MOVE_APPLICATION = obj({"status": {"type": "string", "enum": ["interview", "accepted", "rejected"]},
                        "note": text(1000, True)}, required=("status",))
# Which regions' vacancies a region shows (set_subscriptions).
SET_SOURCES = obj({"sources": {"type": "array", "maxItems": 50, "items": REGION_CODE}},
                  required=("sources",))
# The vacancy search's query parameters (search_vacancies): text, as a query sends it.
SEARCH_QUERY = {"q": text(200), "regions": text(300), "education": text(10),
                "employment_type": text(200), "min_salary": RUPIAH,
                "skills": text(500), "sort": {"type": "string", "enum": ["relevance", "newest"]},
                "page": {"type": "integer", "minimum": 1, "maximum": 10_000},
                "per_page": {"type": "integer", "minimum": 1, "maximum": 50}}

# The bodies as the domain reads them once their schema passed (optional keys may be absent).
class Education(TypedDict, total=False):
    level: str
    major: str | None
    institution: str
    graduation_year: int


class Contact(TypedDict, total=False):
    phone: str | None
    email: str | None
    address: str | None


class Salary(TypedDict, total=False):
    min: int
    max: int
    currency: str
    unit: str


class RegisterSeeker(TypedDict, total=False):
    nik: str
    name: str
    birth_place: str
    birth_date: str
    sex: str
    domicile_address: str
    marital_status: str
    religion: str
    education: Education
    courses: list[dict[str, Any]]
    languages: list[str]
    disability: list[str]
    skills: list[str]
    experience: list[dict[str, Any]]
    desired_position: dict[str, Any]
    desired_locations: list[str]
    expected_salary: int | None
    contact: Contact


class CreateEmployer(TypedDict, total=False):
    name: str
    sector: str | None
    address: str | None
    url: str | None
    contact: Contact


class PostVacancy(TypedDict, total=False):
    title: str
    description: str
    kbji: str
    employment_type: list[str]
    education: str
    skills: list[str]
    address: str | None
    region: str
    salary: Salary
    valid_through: str
    openings: int
    experience_months: int


class MoveApplication(TypedDict, total=False):
    status: str
    note: str | None
