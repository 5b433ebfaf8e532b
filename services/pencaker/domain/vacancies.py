"""Vacancies: the posting checked, its life (pending -> published or rejected ->
closed), when it is open, and its public views."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.pencaker.domain import validators
from services.servicekit.errors import Conflict, ValidationFailed
from services.servicekit.validation import reject_markup

MAX_VALIDITY = timedelta(days=365)
# schema.org QuantitativeValue.unitText values Google reads, and what each is per month.
SALARY_UNITS = {"HOUR": 173, "DAY": 22, "WEEK": 4.33, "MONTH": 1, "YEAR": 1 / 12}


def _salary(data):
    salary = data.get("salary")
    if not isinstance(salary, dict):
        raise ValidationFailed.field("salary", "is required: {min, max, currency: IDR, unit}")
    low = validators.amount(salary.get("min"), "salary.min")
    high = validators.amount(salary.get("max"), "salary.max")
    if low > high:
        raise ValidationFailed.field("salary.min", f"Rp {low:,} is above salary.max Rp {high:,}")
    if salary.get("currency", "IDR") != "IDR":
        raise ValidationFailed.field("salary.currency", "salaries are in IDR")
    unit = salary.get("unit", "MONTH")
    if unit not in SALARY_UNITS:
        raise ValidationFailed.field("salary.unit", f"{unit!r} unknown; one of {', '.join(SALARY_UNITS)}")
    return {"min": low, "max": high, "currency": "IDR", "unit": unit}


def parse_valid_through(value, timezone, now):
    """An ISO datetime, or a date meaning the end of that day in the region."""
    if not isinstance(value, str):
        raise ValidationFailed.field("valid_through", "is required: a date or datetime (ISO 8601)")
    try:
        if len(value) == 10:
            moment = datetime.combine(date.fromisoformat(value), time(23, 59, 59),
                                      tzinfo=ZoneInfo(timezone))
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed.field("valid_through", f"{value!r} is not an ISO 8601 date") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    moment = moment.astimezone(ZoneInfo("UTC"))
    if moment <= now:
        raise ValidationFailed.field("valid_through", f"{value} is in the past; give a future date")
    if moment > now + MAX_VALIDITY:
        raise ValidationFailed.field("valid_through", "a vacancy may stay open at most a year")
    return moment


def validate(data, region, now):
    """Check an employer's vacancy located in `region`; return its clean fields."""
    if not isinstance(data, dict):
        raise ValidationFailed("the vacancy must be a JSON object")
    kbji = data.get("kbji")
    if kbji is not None and (not isinstance(kbji, str) or not validators.KBJI.match(kbji)):
        raise ValidationFailed.field("kbji", "must be a KBJI code of 4-6 digits")
    experience = data.get("experience_months", 0)
    if isinstance(experience, bool) or not isinstance(experience, int) or not 0 <= experience <= 600:
        raise ValidationFailed.field("experience_months", "must be a whole number of months 0-600 "
                                     "(0: no experience needed)")
    openings = data.get("openings", 1)
    if isinstance(openings, bool) or not isinstance(openings, int) or not 1 <= openings <= 1000:
        raise ValidationFailed.field("openings", "must be a whole number 1-1000")
    return {
        "title": reject_markup(data, "title", max_length=120),
        "description": reject_markup(data, "description", max_length=5000),
        "kbji": kbji,
        "employment_type": validators.employment_types(data.get("employment_type")),
        "education": validators.education_level(data.get("education")),
        "skills": validators.normalise_skills(data.get("skills")),
        "region": region.code,
        "address": reject_markup(data, "address", required=False, max_length=300),
        "salary": _salary(data),
        "valid_through": parse_valid_through(data.get("valid_through"), region.timezone, now),
        "openings": openings,
        "experience_months": experience,
    }


def monthly(salary, bound="max"):
    return round(salary[bound] * SALARY_UNITS[salary["unit"]])


def is_open(vacancy, now):
    return vacancy["status"] == "published" and now < vacancy["valid_through"]


def due_to_expire(vacancies, now):
    """Published vacancies whose validThrough has passed: they close by themselves."""
    return [v for v in vacancies if v["status"] == "published" and now >= v["valid_through"]]


def verify(vacancy, now):
    if vacancy["status"] != "pending":
        raise Conflict(f"vacancy {vacancy['_id']} is {vacancy['status']}; only pending ones "
                       "can be verified", {"field": "status"})
    if now >= vacancy["valid_through"]:
        raise Conflict("its valid_through has passed; the employer must post it again",
                       {"field": "valid_through"})
    return {"status": "published", "posted_at": now, "verified_at": now}


def reject(vacancy, reason, now):
    if vacancy["status"] != "pending":
        raise Conflict(f"vacancy {vacancy['_id']} is {vacancy['status']}; only pending ones "
                       "can be rejected", {"field": "status"})
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationFailed.field("reason", "say why the vacancy is rejected")
    return {"status": "rejected", "reject_reason": reason.strip()[:500], "rejected_at": now}


def close(vacancy, reason, now):
    if vacancy["status"] not in ("pending", "published"):
        raise Conflict(f"vacancy {vacancy['_id']} is already {vacancy['status']}",
                       {"field": "status"})
    return {"status": "closed", "close_reason": reason, "closed_at": now}


def view(vacancy, region, now):
    """What anyone may see of a vacancy: no employer contact beyond its name."""
    return {
        "id": vacancy["_id"], "title": vacancy["title"], "description": vacancy["description"],
        "kbji": vacancy.get("kbji"), "employment_type": vacancy["employment_type"],
        "education": vacancy["education"], "skills": vacancy["skills"],
        "region": vacancy["region"], "region_name": region.name,
        "address": vacancy.get("address"), "salary": vacancy["salary"],
        "valid_through": vacancy["valid_through"], "openings": vacancy["openings"],
        "experience_months": vacancy.get("experience_months", 0),
        "employer": {"id": vacancy["employer_id"], "name": vacancy["employer_name"]},
        "status": vacancy["status"], "open": is_open(vacancy, now),
        "posted_at": vacancy.get("posted_at"), "created_at": vacancy["created_at"],
        "close_reason": vacancy.get("close_reason"), "reject_reason": vacancy.get("reject_reason"),
    }
