"""Employers: the profile an employer registers, and its summary for Disnaker."""
import re

from services.pencaker.domain import validators
from services.servicekit.errors import ValidationFailed
from services.servicekit.validation import reject_markup

URL = re.compile(r"^https?://\S+$")


def validate(data):
    if not isinstance(data, dict):
        raise ValidationFailed("the employer must be a JSON object")
    url = data.get("url")
    if url is not None and (not isinstance(url, str) or not URL.match(url) or len(url) > 300):
        raise ValidationFailed.field("url", "must be an http(s) address")
    return {"name": reject_markup(data, "name", max_length=160),
            "sector": reject_markup(data, "sector", required=False, max_length=120),
            "address": reject_markup(data, "address", required=False, max_length=300),
            "url": url, "contact": validators.contact(data)}


def summary(employer, vacancies):
    """An employer for Disnaker: its profile and its vacancies counted by status."""
    counts = {}
    for vacancy in vacancies:
        counts[vacancy["status"]] = counts.get(vacancy["status"], 0) + 1
    return {**{k: employer.get(k) for k in ("_id", "region", "name", "sector", "address", "url", "contact",
                                            "created_at")},
            "vacancies": counts}
