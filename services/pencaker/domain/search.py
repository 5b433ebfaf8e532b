"""Vacancy search: filters read from query parameters, and open vacancies filtered,
ranked and paged by them."""
from services.pencaker.domain import vacancies, validators
from services.servicekit.contracts.pencaker import EDUCATION_RANK
from services.servicekit.errors import ValidationFailed


def parse(params):
    """Validated search filters from query parameters (all optional)."""
    def listed(name):
        value = params.get(name)
        return [p.strip() for p in value.split(",") if p.strip()] if isinstance(value, str) else value

    filters = {"q": (params.get("q") or "").strip().lower()[:100] or None,
               "regions": listed("regions") or None,
               "skills": validators.normalise_skills(listed("skills")) or None,
               "education": None, "employment_type": None, "min_salary": None}
    if params.get("education"):
        filters["education"] = validators.education_level(params["education"])
    if params.get("employment_type"):
        filters["employment_type"] = validators.employment_types(listed("employment_type"))
    if params.get("min_salary") not in (None, ""):
        try:
            filters["min_salary"] = validators.amount(int(params["min_salary"]), "min_salary")
        except (TypeError, ValueError):
            raise ValidationFailed.field("min_salary", "must be a whole amount in rupiah") from None
    filters["sort"] = params.get("sort") or "relevance"
    if filters["sort"] not in ("relevance", "newest"):
        raise ValidationFailed.field("sort", "must be relevance or newest")
    for name, default, top in (("page", 1, 10_000), ("per_page", 20, 50)):
        try:
            filters[name] = int(params.get(name) or default)
        except (TypeError, ValueError):
            raise ValidationFailed.field(name, "must be a whole number") from None
        if not 1 <= filters[name] <= top:
            raise ValidationFailed.field(name, f"must be between 1 and {top}")
    return filters


def _relevance(vacancy, filters):
    score = 0
    if filters["q"]:
        words = filters["q"].split()
        title, description = vacancy["title"].lower(), vacancy["description"].lower()
        score += sum(3 * (w in title) + (w in description) + 2 * (w in vacancy["skills"])
                     for w in words)
    if filters["skills"]:
        score += 2 * len(set(filters["skills"]) & set(vacancy["skills"]))
    return score


def results(candidates, filters, now):
    """Filter, rank and page open vacancies: (total, items of the page)."""
    hits = []
    for v in candidates:
        if not vacancies.is_open(v, now):
            continue
        if filters["q"]:
            haystack = " ".join([v["title"], v["description"], v["employer_name"]] + v["skills"]).lower()
            if not all(word in haystack for word in filters["q"].split()):
                continue
        if filters["education"] and EDUCATION_RANK[v["education"]] > EDUCATION_RANK[filters["education"]]:
            continue
        if filters["employment_type"] and not set(filters["employment_type"]) & set(v["employment_type"]):
            continue
        if filters["min_salary"] and vacancies.monthly(v["salary"]) < filters["min_salary"]:
            continue
        if filters["skills"] and not set(filters["skills"]) & set(v["skills"]):
            continue
        hits.append(v)
    newest = sorted(hits, key=lambda v: (v["posted_at"], v["_id"]), reverse=True)
    if filters["sort"] == "relevance":
        newest.sort(key=lambda v: _relevance(v, filters), reverse=True)  # stable: ties stay newest first
    start = (filters["page"] - 1) * filters["per_page"]
    return len(hits), newest[start:start + filters["per_page"]]
