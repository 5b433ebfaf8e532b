"""Job seekers: the AK/1 registration and the seeker's later changes, checked; the
seeker's own view of their record, and the contact the notifications service reads."""
import re
from datetime import date

from dateutil.relativedelta import relativedelta

from services.pencaker.domain import cards, validators
from services.servicekit import nik as niks
from services.servicekit.contracts.pencaker import (
    DISABILITIES,
    MARITAL_STATUSES,
    RELIGIONS,
    SEEKER_EDITABLE,
    SEXES,
)
from services.servicekit.errors import ValidationFailed
from services.servicekit.validation import reject_markup

MIN_AGE = 18  # Disnaker registers job seekers from 18
MAX_COURSES, MAX_LANGUAGES, MAX_DESIRED_LOCATIONS = 20, 10, 5
EARLIEST_GRADUATION = 1950
REGION_CODE = re.compile(r"^[0-9]{2}\.[0-9]{2}$")


def _birth_date(data, now):
    raw = data.get("birth_date")
    try:
        born = date.fromisoformat(raw)
    except (TypeError, ValueError):
        raise ValidationFailed.field("birth_date", "must be a date YYYY-MM-DD") from None
    if relativedelta(now.date(), born).years < MIN_AGE:
        raise ValidationFailed.field("birth_date", f"job seekers must be at least {MIN_AGE} years old")
    return born


def check_nik(nik, born, sex):
    """The NIK's shape, and that its DDMMYY digits (women add 40 to the day)
    agree with the stated birth date and sex. Its region prefix is not checked:
    a NIK is for life, and people register where they now live."""
    nik = niks.check_nik(nik)
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    nik_sex = "P" if day > 40 else "L"
    if nik_sex != sex:
        raise ValidationFailed.field(
            "nik", f"digits 7-8 ({nik[6:8]}) encode sex {nik_sex}, but sex is {sex}")
    birth_day = day - 40 if day > 40 else day
    if (birth_day, month, year) != (born.day, born.month, born.year % 100):
        raise ValidationFailed.field(
            "nik", f"digits 7-12 ({nik[6:12]}) do not match birth_date {born.isoformat()}")
    return nik


def _choice(data, field, choices):
    value = data.get(field)
    if value not in choices:
        raise ValidationFailed.field(field, f"{value!r} unknown; one of {', '.join(choices)}")
    return value


def _year(value, field, earliest, latest):
    if isinstance(value, bool) or not isinstance(value, int) or not earliest <= value <= latest:
        raise ValidationFailed.field(field, f"must be a year from {earliest} to {latest}")
    return value


def _courses(data, now):
    entries = data.get("courses") or []
    if not isinstance(entries, list) or len(entries) > MAX_COURSES:
        raise ValidationFailed.field("courses", f"must be a list of at most {MAX_COURSES} "
                                                "{name, institution, year}")
    result = []
    for index, entry in enumerate(entries):
        where = f"courses.{index}"
        if not isinstance(entry, dict):
            raise ValidationFailed.field(where, "must be {name, institution, year}")
        course = {"name": reject_markup(entry, "name", max_length=160, prefix=f"{where}."),
                  "institution": reject_markup(entry, "institution", required=False, max_length=160,
                                            prefix=f"{where}."),
                  "year": None}
        if entry.get("year") is not None:
            course["year"] = _year(entry["year"], f"{where}.year", EARLIEST_GRADUATION, now.year)
        result.append(course)
    return result


def _languages(data):
    value = data.get("languages") or []
    if not isinstance(value, list) or len(value) > MAX_LANGUAGES:
        raise ValidationFailed.field("languages", f"must be a list of at most {MAX_LANGUAGES} languages")
    languages = []
    for language in value:
        if not isinstance(language, str) or not 0 < len(language.strip()) <= 40:
            raise ValidationFailed.field("languages", "each language must be 1-40 characters of text")
        language = " ".join(language.split())
        if language.lower() not in (known.lower() for known in languages):
            languages.append(language)
    return languages


def _disability(data):
    value = data.get("disability") or []
    if not isinstance(value, list) or any(kind not in DISABILITIES for kind in value):
        raise ValidationFailed.field("disability", "a list of none or more of " + ", ".join(DISABILITIES))
    return list(dict.fromkeys(value))


def _desired_position(data):
    block = data.get("desired_position")
    if not isinstance(block, dict):
        raise ValidationFailed.field("desired_position", "is required: {title, kbji}")
    kbji = block.get("kbji")
    if kbji is not None and (not isinstance(kbji, str) or not validators.KBJI.match(kbji)):
        raise ValidationFailed.field("desired_position.kbji", "must be a KBJI code of 4-6 digits")
    return {"title": reject_markup(block, "title", max_length=120, prefix="desired_position."), "kbji": kbji}


def _desired_locations(data, region):
    value = data.get("desired_locations")
    if value is None:
        return [region.code]
    if not isinstance(value, list) or not 0 < len(value) <= MAX_DESIRED_LOCATIONS:
        raise ValidationFailed.field("desired_locations", f"give 1-{MAX_DESIRED_LOCATIONS} region codes")
    for code in value:
        if not isinstance(code, str) or not REGION_CODE.match(code):
            raise ValidationFailed.field("desired_locations", f"{code!r} is not a region code like 36.71")
    return list(dict.fromkeys(value))


def _experience(data):
    entries = data.get("experience") or []
    if not isinstance(entries, list) or len(entries) > 20:
        raise ValidationFailed.field("experience", "must be a list of at most 20 {position, years}")
    result = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise ValidationFailed.field(f"experience.{index}", "must be {position, years}")
        years = entry.get("years")
        if isinstance(years, bool) or not isinstance(years, (int, float)) or not 0 <= years <= 60:
            raise ValidationFailed.field(f"experience.{index}.years", "must be a number of years 0-60")
        result.append({"position": reject_markup(entry, "position", max_length=120,
                                         prefix=f"experience.{index}."), "years": years})
    return result


def _education_block(data, now, born=None):
    block = data.get("education")
    if not isinstance(block, dict):
        raise ValidationFailed.field("education", "is required: {level, major, institution, "
                                                  "graduation_year}")
    earliest = max(EARLIEST_GRADUATION, born.year + 5) if born else EARLIEST_GRADUATION
    return {"level": validators.education_level(block.get("level"), "education.level"),
            "major": reject_markup(block, "major", required=False, max_length=120, prefix="education."),
            "institution": reject_markup(block, "institution", max_length=160, prefix="education."),
            "graduation_year": _year(block.get("graduation_year"), "education.graduation_year",
                                     earliest, now.year)}


def validate(data, region, now):
    """Check an AK/1 registration; return the clean fields of a new seeker."""
    if not isinstance(data, dict):
        raise ValidationFailed("the registration must be a JSON object")
    sex = data.get("sex")
    if sex not in SEXES:
        raise ValidationFailed.field("sex", "must be L (laki-laki) or P (perempuan)")
    born = _birth_date(data, now)
    salary = data.get("expected_salary")
    nik = check_nik(data.get("nik"), born, sex)
    return {
        "nik": nik,
        "nik_outside_region": niks.outside_region(nik, region),
        "name": reject_markup(data, "name", max_length=120),
        "birth_place": reject_markup(data, "birth_place", max_length=80),
        "birth_date": born.isoformat(),
        "sex": sex,
        "domicile_address": reject_markup(data, "domicile_address", max_length=300),
        "marital_status": _choice(data, "marital_status", MARITAL_STATUSES),
        "religion": _choice(data, "religion", RELIGIONS),
        "education": _education_block(data, now, born),
        "courses": _courses(data, now),
        "languages": _languages(data),
        "disability": _disability(data),
        "skills": validators.normalise_skills(data.get("skills")),
        "experience": _experience(data),
        "desired_position": _desired_position(data),
        "desired_locations": _desired_locations(data, region),
        "expected_salary": None if salary is None else validators.amount(salary, "expected_salary"),
        "contact": validators.contact(data),
    }


def validate_update(changes, region, now):
    """Only what a seeker may change themselves; NIK, name and birth stay as registered."""
    if not isinstance(changes, dict) or not changes:
        raise ValidationFailed("give the fields to change as a JSON object")
    unknown = sorted(set(changes) - set(SEEKER_EDITABLE))
    if unknown:
        raise ValidationFailed.field(unknown[0], "cannot be changed here; editable: "
                                     + ", ".join(SEEKER_EDITABLE))
    clean = {}
    if "education" in changes:
        clean["education"] = _education_block(changes, now)
    if "skills" in changes:
        clean["skills"] = validators.normalise_skills(changes["skills"])
    if "experience" in changes:
        clean["experience"] = _experience(changes)
    if "expected_salary" in changes:
        value = changes["expected_salary"]
        clean["expected_salary"] = None if value is None else validators.amount(value, "expected_salary")
    if "contact" in changes:
        clean["contact"] = validators.contact(changes)
    if "domicile_address" in changes:
        clean["domicile_address"] = reject_markup(changes, "domicile_address", max_length=300)
    for field, choices in (("marital_status", MARITAL_STATUSES), ("religion", RELIGIONS)):
        if field in changes:
            clean[field] = _choice(changes, field, choices)
    readers = {"courses": lambda: _courses(changes, now), "languages": lambda: _languages(changes),
               "disability": lambda: _disability(changes),
               "desired_position": lambda: _desired_position(changes),
               "desired_locations": lambda: _desired_locations(changes, region)}
    clean.update({field: read() for field, read in readers.items() if field in changes})
    return clean


def notification_contact(seeker):
    """The seeker's e-mail and phone, nothing else, for telling them of their card and applications."""
    contact = seeker.get("contact") or {}
    return {k: contact[k] for k in ("email", "phone") if contact.get(k)} or None


def view(seeker, now):
    """The seeker's own record (personal data: owner and Disnaker only)."""
    status, reason = cards.seeker_status(seeker, now)
    keys = ("card_number", "region", "nik", "name", "birth_place", "birth_date", "sex",
            "domicile_address", "marital_status", "religion", "education", "courses", "languages",
            "disability", "skills", "experience", "desired_position", "desired_locations",
            "expected_salary", "contact", "issued_at", "valid_until", "next_report_due", "reports")
    return {"seeker_id": seeker["_id"], **{k: seeker.get(k) for k in keys},
            "nik_outside_region": bool(seeker.get("nik_outside_region")),
            "nik_note": niks.officer_note(seeker),
            "status": status, "status_reason": reason,
            "report_dates": cards.report_dates(seeker["issued_at"]), "version": seeker["version"]}
