"""A vacancy's posting checked: by its schema (commands.POST_VACANCY), then by what a
schema cannot say: a salary's minimum not above its maximum, and a valid_through that
is a real date in the coming year (a bare date is the end of that day in the region)."""
from datetime import date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from services.pencaker import commands
from services.pencaker.domain.checks import Problems, checked, plain, refuse, words
from services.servicekit.errors import ValidationFailed, problem
from services.servicekit.regions import Region

MAX_VALIDITY = timedelta(days=365)


def parse_valid_through(value: str, timezone: str, now: datetime) -> datetime:
    """An ISO datetime, or a date meaning the end of that day in the region."""
    try:
        if len(value) == 10:
            moment = datetime.combine(date.fromisoformat(value), time(23, 59, 59), tzinfo=ZoneInfo(timezone))
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed.field("valid_through", f"{value!r} is not an ISO 8601 date",
                                     code="bad_date") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    moment = moment.astimezone(ZoneInfo("UTC"))
    if moment <= now:
        raise ValidationFailed.field("valid_through", f"{value} is in the past; give a future date",
                                     code="date_in_past")
    if moment > now + MAX_VALIDITY:
        raise ValidationFailed.field("valid_through", "a vacancy may stay open at most a year",
                                     code="open_too_long", max_days=MAX_VALIDITY.days)
    return moment


def _salary(salary: commands.Salary, found: Problems) -> dict[str, Any]:
    low, high = salary["min"], salary["max"]
    if low > high:
        found["salary.min"] = problem("salary_min_above_max", f"Rp {low:,} is above salary.max Rp {high:,}",
                                      min=low, max=high)
    return {"min": low, "max": high, "currency": "IDR", "unit": salary.get("unit", "MONTH")}


def validate(body: Any, region: Region, now: datetime) -> dict[str, Any]:
    """Check an employer's vacancy located in `region`; return its clean fields."""
    data = cast(commands.PostVacancy, checked(commands.POST_VACANCY, body))
    found: Problems = {}
    salary = _salary(data["salary"], found)
    valid_through = None
    try:
        valid_through = parse_valid_through(data["valid_through"], region.timezone, now)
    except ValidationFailed as exc:
        found.update(exc.details["fields"])
    refuse(dict(sorted(found.items())))
    return {
        "title": plain(data["title"]), "description": plain(data["description"]),
        "kbji": data.get("kbji"),
        "employment_type": list(dict.fromkeys(data["employment_type"])),
        "education": data["education"], "skills": words(data.get("skills"), lower=True),
        "region": region.code, "address": plain(data.get("address")), "salary": salary,
        "valid_through": valid_through, "openings": data.get("openings", 1),
        "experience_months": data.get("experience_months", 0),
    }
