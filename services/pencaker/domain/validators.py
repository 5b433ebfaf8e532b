"""Field checks more than one topic shares (amounts, education levels, skills, contact,
employment types, KBJI codes): each returns the clean value or raises ValidationFailed."""
import re

from services.servicekit.contracts.pencaker import EDUCATION_RANK, EMPLOYMENT_TYPES
from services.servicekit.errors import ValidationFailed
from services.servicekit.validation import check_contact, check_text, reject_markup

KBJI = re.compile(r"^[0-9]{4,6}$")


# The largest amount in rupiah any field takes (Rp 10 miliar): far above any salary,
# and far inside the store's 64-bit integers (2**63 cannot be stored at all).
MAX_AMOUNT = 10_000_000_000


def amount(value, field):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_AMOUNT:
        raise ValidationFailed.field(field, f"must be an amount in rupiah from 0 to {MAX_AMOUNT:,}")
    return int(value)


def education_level(value, field="education"):
    if value not in EDUCATION_RANK:
        raise ValidationFailed.field(field, f"{value!r} unknown; one of {', '.join(EDUCATION_RANK)}")
    return value


def normalise_skills(value, field="skills"):
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or len(value) > 30:
        raise ValidationFailed.field(field, "must be a list of at most 30 skills")
    skills = []
    for skill in value:
        if not isinstance(skill, str) or not 0 < len(skill.strip()) <= 60:
            raise ValidationFailed.field(field, "each skill must be 1-60 characters of text")
        check_text(skill, field)  # NUL, ESC, ... were stored from the AK/1 form once
        skill = " ".join(skill.lower().split())
        if skill not in skills:
            skills.append(skill)
    return skills


def contact(data):
    contact = data.get("contact")
    if not isinstance(contact, dict):
        raise ValidationFailed.field("contact", "is required: give a phone or an e-mail")
    result = check_contact(contact, "contact.")
    if not result:
        raise ValidationFailed.field("contact", "give a phone or an e-mail")
    address = reject_markup(contact, "address", required=False, max_length=300, prefix="contact.")
    if address:
        result["address"] = address
    return result


def employment_types(value):
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values:
        raise ValidationFailed.field("employment_type", "is required: one or a list of "
                                     + ", ".join(EMPLOYMENT_TYPES))
    for item in values:
        if item not in EMPLOYMENT_TYPES:
            raise ValidationFailed.field("employment_type", f"{item!r} is not a schema.org value; "
                                         "one of " + ", ".join(EMPLOYMENT_TYPES))
    return list(dict.fromkeys(values))
