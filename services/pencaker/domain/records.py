"""The records Pencaker stores, as the domain writes them (decisions' `record`). Stored
documents also carry `version` (compare-and-set) and the outbox fields. The domain's
functions take and give plain dicts of these shapes (`dict[str, Any]`): a TypedDict is
not a dict to the type checker, and the store hands back dicts."""
from datetime import datetime
from typing import Any, TypedDict

# One move of an application ("from" is a keyword, hence the functional form); `by` is
# "seeker" or "employer".
HistoryEntry = TypedDict("HistoryEntry", {"from": str | None, "to": str, "by": str, "note": str,
                                          "at": datetime})


class Seeker(TypedDict, total=False):
    _id: str  # S + 15 hex digits: the seeker's token subject
    region: str
    nik: str
    nik_outside_region: bool
    name: str
    birth_place: str
    birth_date: str  # YYYY-MM-DD
    sex: str  # L or P
    domicile_address: str
    marital_status: str
    religion: str
    education: dict[str, Any]  # level, major, institution, graduation_year
    courses: list[dict[str, Any]]
    languages: list[str]
    disability: list[str]
    skills: list[str]
    experience: list[dict[str, Any]]
    desired_position: dict[str, Any]  # title, kbji
    desired_locations: list[str]
    expected_salary: int | None
    contact: dict[str, str]  # phone, email, address
    card_number: str  # AK1-<region>-<year>-<sequence>
    issued_at: datetime
    valid_until: datetime
    next_report_due: datetime
    reports: list[datetime]
    status: str  # active, expired, placed
    registered_at: datetime
    report_window_announced: str  # the due date announced (ISO)
    expiry_reason: str
    placed_at: datetime
    placed_vacancy: str


class Employer(TypedDict, total=False):
    _id: str  # EMP-<region>-<sequence>
    region: str
    name: str
    sector: str | None
    address: str | None
    url: str | None
    contact: dict[str, str]
    owner: str  # the subject that registered it
    created_at: datetime


class Vacancy(TypedDict, total=False):
    _id: str  # LK-<region>-<year>-<sequence>
    title: str
    description: str
    kbji: str | None
    employment_type: list[str]
    education: str
    skills: list[str]
    region: str
    address: str | None
    salary: dict[str, Any]  # min, max, currency, unit
    valid_through: datetime
    openings: int
    experience_months: int
    employer_id: str
    employer_name: str
    employer_url: str | None
    owner: str
    status: str  # pending, published, rejected, closed
    created_at: datetime
    updated_at: datetime
    posted_at: datetime
    verified_at: datetime
    verified_by: str
    reject_reason: str
    rejected_at: datetime
    close_reason: str  # withdrawn, expired, filled
    closed_at: datetime


class Application(TypedDict, total=False):
    _id: str  # <vacancy id>.<seeker id>: one per seeker and vacancy
    vacancy_id: str
    seeker_id: str
    seeker_region: str
    region: str  # the vacancy's
    owner: str  # the vacancy's owner
    status: str  # submitted, interview, accepted, rejected, withdrawn
    cover_letter: str | None
    submitted_at: datetime
    updated_at: datetime
    history: list[HistoryEntry]
    placement_pending: bool
