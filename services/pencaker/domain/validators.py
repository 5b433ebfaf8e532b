"""Checks of the vacancy search's query parameters (text, as a query string sends it):
amounts, education levels, skills and employment types; each returns the clean value
or raises ValidationFailed naming the parameter with its code."""
from typing import Any

from services.pencaker.commands import MAX_AMOUNT
from services.servicekit.contracts.pencaker import EDUCATION_RANK, EMPLOYMENT_TYPES
from services.servicekit.errors import ValidationFailed
from services.servicekit.validation import check_text

__all__ = ["MAX_AMOUNT", "amount", "education_level", "normalise_skills", "employment_types"]


def amount(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
        raise ValidationFailed.field(field, f"must be an amount in rupiah from 0 to {MAX_AMOUNT:,}",
                                     code="out_of_range", min=0, max=MAX_AMOUNT)
    return value


def education_level(value: Any, field: str = "education") -> str:
    if value not in EDUCATION_RANK:
        raise ValidationFailed.field(field, f"{value!r} unknown; one of {', '.join(EDUCATION_RANK)}",
                                     code="not_allowed", allowed=list(EDUCATION_RANK))
    return value


def normalise_skills(value: list[str] | None, field: str = "skills") -> list[str]:
    if not value:
        return []
    if len(value) > 30:
        raise ValidationFailed.field(field, "must be a list of at most 30 skills", code="too_many", max=30)
    skills: list[str] = []
    for skill in value:
        if not 0 < len(skill.strip()) <= 60:
            raise ValidationFailed.field(field, "each skill must be 1-60 characters of text",
                                         code="too_long", max=60)
        check_text(skill, field)  # NUL, ESC, ... were stored from the AK/1 form once
        skill = " ".join(skill.lower().split())
        if skill not in skills:
            skills.append(skill)
    return skills


def employment_types(values: list[str]) -> list[str]:
    for item in values:
        if item not in EMPLOYMENT_TYPES:
            raise ValidationFailed.field("employment_type", f"{item!r} is not a schema.org value; "
                                         "one of " + ", ".join(EMPLOYMENT_TYPES),
                                         code="not_allowed", allowed=list(EMPLOYMENT_TYPES))
    return list(dict.fromkeys(values))
