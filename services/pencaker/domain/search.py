"""Vacancy search: filters read from query parameters, and open vacancies filtered,
ranked and paged by them."""
from datetime import datetime
from typing import Any

from services.pencaker.domain import vacancies, validators
from services.servicekit.contracts.pencaker import EDUCATION_RANK
from services.servicekit.errors import ValidationFailed

SORTS = ("relevance", "newest")
PAGING = (("page", 1, 10_000), ("per_page", 20, 50))


def _listed(params: dict[str, Any], name: str) -> list[str] | None:
    value = params.get(name)
    return [p.strip() for p in value.split(",") if p.strip()] if isinstance(value, str) else value


def _whole(params: dict[str, Any], name: str, default: int | None) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ValidationFailed.field(name, "must be a whole number", code="not_integer") from None


def parse(params: dict[str, Any]) -> dict[str, Any]:
    """Validated search filters from query parameters (all optional)."""
    filters: dict[str, Any] = {
        "q": (params.get("q") or "").strip().lower()[:100] or None,
        "regions": _listed(params, "regions") or None,
        "skills": validators.normalise_skills(_listed(params, "skills")) or None,
        "education": validators.education_level(params["education"]) if params.get("education") else None,
        "employment_type": (validators.employment_types(_listed(params, "employment_type") or [])
                            if params.get("employment_type") else None),
        "min_salary": None, "sort": params.get("sort") or "relevance"}
    min_salary = _whole(params, "min_salary", None)
    if min_salary is not None:
        filters["min_salary"] = validators.amount(min_salary, "min_salary")
    if filters["sort"] not in SORTS:
        raise ValidationFailed.field("sort", "must be relevance or newest", code="not_allowed",
                                     allowed=list(SORTS))
    for name, default, top in PAGING:
        number = _whole(params, name, default)
        if number is None or not 1 <= number <= top:
            raise ValidationFailed.field(name, f"must be between 1 and {top}", code="out_of_range",
                                         min=1, max=top)
        filters[name] = number
    return filters


def _relevance(vacancy: dict[str, Any], filters: dict[str, Any]) -> int:
    score = 0
    if filters["q"]:
        words = filters["q"].split()
        title, description = vacancy["title"].lower(), vacancy["description"].lower()
        score += sum(3 * (w in title) + (w in description) + 2 * (w in vacancy["skills"])
                     for w in words)
    if filters["skills"]:
        score += 2 * len(set(filters["skills"]) & set(vacancy["skills"]))
    return score


def _wanted(v: dict[str, Any], filters: dict[str, Any], now: datetime) -> bool:
    if not vacancies.is_open(v, now):
        return False
    if filters["q"]:
        haystack = " ".join([v["title"], v["description"], v["employer_name"]] + v["skills"]).lower()
        if not all(word in haystack for word in filters["q"].split()):
            return False
    if filters["education"] and EDUCATION_RANK[v["education"]] > EDUCATION_RANK[filters["education"]]:
        return False
    if filters["employment_type"] and not set(filters["employment_type"]) & set(v["employment_type"]):
        return False
    if filters["min_salary"] and vacancies.monthly(v["salary"]) < filters["min_salary"]:
        return False
    return not (filters["skills"] and not set(filters["skills"]) & set(v["skills"]))


def results(candidates: list[dict[str, Any]], filters: dict[str, Any],
            now: datetime) -> tuple[int, list[dict[str, Any]]]:
    """Filter, rank and page open vacancies: (total, items of the page)."""
    hits = [v for v in candidates if _wanted(v, filters, now)]
    newest = sorted(hits, key=lambda v: (v["posted_at"], v["_id"]), reverse=True)
    if filters["sort"] == "relevance":
        newest.sort(key=lambda v: _relevance(v, filters), reverse=True)  # stable: ties stay newest first
    start = (filters["page"] - 1) * filters["per_page"]
    return len(hits), newest[start:start + filters["per_page"]]
