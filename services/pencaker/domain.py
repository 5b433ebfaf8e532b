"""Pencaker's pure domain: AK/1 cards, vacancies, search, matching, applications, JSON-LD.

No nameko, no pymongo, no clock reads: callers pass `now` (aware UTC datetimes),
regions (servicekit Region objects) and region centroids.
"""
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from haversine import haversine

from services.servicekit import authority
from services.servicekit import nik as niks
from services.servicekit.authority import ANY, OWN, REGION, Target
from services.servicekit.contracts.pencaker import (
    DISABILITIES,
    EDUCATION_RANK,
    EMPLOYMENT_TYPES,
    MARITAL_STATUSES,
    RELIGIONS,
    SEEKER_EDITABLE,
    SEXES,
)
from services.servicekit.envelope import isoformat
from services.servicekit.errors import Conflict, Forbidden, ValidationFailed
from services.servicekit.validation import check_contact, reject_markup

CARD_VALIDITY = relativedelta(years=2)
REPORT_EVERY = relativedelta(months=6)
# A seeker may report up to this long before the due date.
REPORT_WINDOW = timedelta(days=30)
MIN_AGE = 18  # Disnaker registers job seekers from 18
MAX_VALIDITY = timedelta(days=365)
MATCH_THRESHOLD = 60

# schema.org QuantitativeValue.unitText values Google reads, and what each is per month.
SALARY_UNITS = {"HOUR": 173, "DAY": 22, "WEEK": 4.33, "MONTH": 1, "YEAR": 1 / 12}
MAX_COURSES, MAX_LANGUAGES, MAX_DESIRED_LOCATIONS = 20, 10, 5
EARLIEST_GRADUATION = 1950
REGION_CODE = re.compile(r"^[0-9]{2}\.[0-9]{2}$")

VACANCY_STATES = ("pending", "published", "rejected", "closed")
CLOSE_REASONS = ("expired", "filled", "withdrawn")
# target -> (states it may start from, the party allowed to move it there)
APPLICATION_MOVES = {
    "interview": ({"submitted"}, "employer"),
    "accepted": ({"submitted", "interview"}, "employer"),
    "rejected": ({"submitted", "interview"}, "employer"),
    "withdrawn": ({"submitted", "interview"}, "seeker"),
}
# Who may do what (action -> role -> scope; servicekit.authority). A seeker's
# token subject is their seeker id; an employer's owner is the subject that
# registered it; Disnaker and the region admin act in their own region.
SEEKER_SIDE = {"citizen": OWN, "disnaker_officer": REGION, "region_admin": REGION,
               "platform_operator": ANY}
EMPLOYER_SIDE = SEEKER_SIDE
DISNAKER = {"disnaker_officer": REGION, "region_admin": REGION, "platform_operator": ANY}
AUTHORITY = {
    "read_seeker": SEEKER_SIDE, "update_seeker": SEEKER_SIDE, "report_seeker": SEEKER_SIDE,
    "seeker_matches": SEEKER_SIDE, "seeker_applications": SEEKER_SIDE,
    "create_employer": {"citizen": ANY, "disnaker_officer": REGION, "region_admin": REGION,
                        "platform_operator": ANY},
    "post_vacancy": EMPLOYER_SIDE, "employer_vacancies": EMPLOYER_SIDE,
    "close_vacancy": EMPLOYER_SIDE, "vacancy_matches": EMPLOYER_SIDE,
    "vacancy_applications": EMPLOYER_SIDE, "read_unpublished_vacancy": EMPLOYER_SIDE,
    "verify_vacancy": DISNAKER, "reject_vacancy": DISNAKER, "pending_vacancies": DISNAKER,
    "list_employers": DISNAKER, "find_seeker": DISNAKER,
    "apply": {"citizen": OWN},
    "withdraw_application": {"citizen": OWN},
    "move_application": {"citizen": OWN},
    "set_subscriptions": {"region_admin": REGION, "platform_operator": ANY},
    "read_contact": {**SEEKER_SIDE, "service": ANY},
}
# The record field naming its owner, where it is not "owner".
OWNER_FIELD = {"read_seeker": "_id", "read_contact": "_id", "update_seeker": "_id", "report_seeker": "_id",
               "seeker_matches": "_id", "seeker_applications": "_id", "apply": "_id",
               "withdraw_application": "seeker_id"}
WEIGHTS = {"skills": 0.35, "position": 0.15, "education": 0.15, "location": 0.20, "salary": 0.15}
NEAR_KM, FAR_KM = 30, 150

KBJI = re.compile(r"^[0-9]{4,6}$")
URL = re.compile(r"^https?://\S+$")


def authorize(action, caller, record):
    """The caller, if AUTHORITY lets it do `action` on `record` (or on a region: {"region": code})."""
    owner = record.get(OWNER_FIELD.get(action, "owner"))
    return authority.authorize(AUTHORITY, action, caller,
                               Target(record["region"], owners=frozenset([owner] if owner else [])))


# --- small validators ------------------------------------------------------
def _amount(value, field):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValidationFailed.field(field, "must be a non-negative amount in rupiah")
    return int(value)


def _education(value, field="education"):
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
        skill = " ".join(skill.lower().split())
        if skill not in skills:
            skills.append(skill)
    return skills


def _contact(data):
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


# --- seekers and the AK/1 card ---------------------------------------------
def _birth_date(data, now):
    raw = data.get("birth_date")
    try:
        born = date.fromisoformat(raw)
    except (TypeError, ValueError):
        raise ValidationFailed.field("birth_date", "must be a date YYYY-MM-DD") from None
    if relativedelta(now.date(), born).years < MIN_AGE:
        raise ValidationFailed.field("birth_date", f"job seekers must be at least {MIN_AGE} years old")
    return born


def check_seeker_nik(nik, born, sex):
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
    if kbji is not None and (not isinstance(kbji, str) or not KBJI.match(kbji)):
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
    return {"level": _education(block.get("level"), "education.level"),
            "major": reject_markup(block, "major", required=False, max_length=120, prefix="education."),
            "institution": reject_markup(block, "institution", max_length=160, prefix="education."),
            "graduation_year": _year(block.get("graduation_year"), "education.graduation_year",
                                     earliest, now.year)}


def validate_seeker(data, region, now):
    """Check an AK/1 registration; return the clean fields of a new seeker."""
    if not isinstance(data, dict):
        raise ValidationFailed("the registration must be a JSON object")
    sex = data.get("sex")
    if sex not in SEXES:
        raise ValidationFailed.field("sex", "must be L (laki-laki) or P (perempuan)")
    born = _birth_date(data, now)
    salary = data.get("expected_salary")
    nik = check_seeker_nik(data.get("nik"), born, sex)
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
        "skills": normalise_skills(data.get("skills")),
        "experience": _experience(data),
        "desired_position": _desired_position(data),
        "desired_locations": _desired_locations(data, region),
        "expected_salary": None if salary is None else _amount(salary, "expected_salary"),
        "contact": _contact(data),
    }


def validate_seeker_update(changes, region, now):
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
        clean["skills"] = normalise_skills(changes["skills"])
    if "experience" in changes:
        clean["experience"] = _experience(changes)
    if "expected_salary" in changes:
        value = changes["expected_salary"]
        clean["expected_salary"] = None if value is None else _amount(value, "expected_salary")
    if "contact" in changes:
        clean["contact"] = _contact(changes)
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


def card_number(region_code, year, sequence):
    return f"AK1-{region_code.replace('.', '')}-{year}-{sequence:06d}"


def issue_card(number, now):
    """An AK/1 card: valid two years, reported on every six months."""
    return {"card_number": number, "issued_at": now, "valid_until": now + CARD_VALIDITY,
            "next_report_due": now + REPORT_EVERY, "reports": []}


def report_dates(issued_at):
    """Every date a report falls due within the card's validity (6, 12, 18 months)."""
    valid_until = issued_at + CARD_VALIDITY
    dates, k = [], 1
    while issued_at + REPORT_EVERY * k < valid_until:
        dates.append(issued_at + REPORT_EVERY * k)
        k += 1
    return dates


def seeker_status(seeker, now):
    """(status, reason): placed, expired (validity ended or a report missed) or active."""
    if seeker.get("status") == "placed":
        return "placed", "placed"
    if now >= seeker["valid_until"]:
        return "expired", "validity_ended"
    if seeker.get("next_report_due") and now > seeker["next_report_due"]:
        return "expired", "report_missed"
    return "active", None


def report_window_to_announce(seeker, now):
    """The due date whose report window has opened and was not announced yet, else None."""
    due = seeker.get("next_report_due")
    if seeker_status(seeker, now)[0] != "active" or not due or now < due - REPORT_WINDOW:
        return None
    return None if seeker.get("report_window_announced") == due.isoformat() else due


def notification_contact(seeker):
    """The seeker's e-mail and phone, nothing else, for telling them of their card and applications."""
    contact = seeker.get("contact") or {}
    return {k: contact[k] for k in ("email", "phone") if contact.get(k)} or None


def record_report(seeker, now):
    """The six-monthly report: the changes to store."""
    status, reason = seeker_status(seeker, now)
    if status != "active":
        raise Conflict(f"card {seeker['card_number']} is {status} ({reason}); register again "
                       "at Disnaker", {"field": "status"})
    due = seeker["next_report_due"]
    if now < due - REPORT_WINDOW:
        raise Conflict(f"the next report is due {due.date().isoformat()}; report from "
                       f"{(due - REPORT_WINDOW).date().isoformat()}", {"field": "next_report_due"})
    return {"next_report_due": min(due + REPORT_EVERY, seeker["valid_until"]),
            "reports": seeker.get("reports", []) + [now]}


def seeker_view(seeker, now):
    """The seeker's own record (personal data: owner and Disnaker only)."""
    status, reason = seeker_status(seeker, now)
    keys = ("card_number", "region", "nik", "name", "birth_place", "birth_date", "sex",
            "domicile_address", "marital_status", "religion", "education", "courses", "languages",
            "disability", "skills", "experience", "desired_position", "desired_locations",
            "expected_salary", "contact", "issued_at", "valid_until", "next_report_due", "reports")
    return {"seeker_id": seeker["_id"], **{k: seeker.get(k) for k in keys},
            "nik_outside_region": bool(seeker.get("nik_outside_region")),
            "nik_note": niks.officer_note(seeker),
            "status": status, "status_reason": reason,
            "report_dates": report_dates(seeker["issued_at"]), "version": seeker["version"]}


# --- employers and vacancies -----------------------------------------------
def validate_employer(data):
    if not isinstance(data, dict):
        raise ValidationFailed("the employer must be a JSON object")
    url = data.get("url")
    if url is not None and (not isinstance(url, str) or not URL.match(url) or len(url) > 300):
        raise ValidationFailed.field("url", "must be an http(s) address")
    return {"name": reject_markup(data, "name", max_length=160),
            "sector": reject_markup(data, "sector", required=False, max_length=120),
            "address": reject_markup(data, "address", required=False, max_length=300),
            "url": url, "contact": _contact(data)}


def _employment_types(value):
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values:
        raise ValidationFailed.field("employment_type", "is required: one or a list of "
                                     + ", ".join(EMPLOYMENT_TYPES))
    for item in values:
        if item not in EMPLOYMENT_TYPES:
            raise ValidationFailed.field("employment_type", f"{item!r} is not a schema.org value; "
                                         "one of " + ", ".join(EMPLOYMENT_TYPES))
    return list(dict.fromkeys(values))


def _salary(data):
    salary = data.get("salary")
    if not isinstance(salary, dict):
        raise ValidationFailed.field("salary", "is required: {min, max, currency: IDR, unit}")
    low, high = _amount(salary.get("min"), "salary.min"), _amount(salary.get("max"), "salary.max")
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


def validate_vacancy(data, region, now):
    """Check an employer's vacancy located in `region`; return its clean fields."""
    if not isinstance(data, dict):
        raise ValidationFailed("the vacancy must be a JSON object")
    kbji = data.get("kbji")
    if kbji is not None and (not isinstance(kbji, str) or not KBJI.match(kbji)):
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
        "employment_type": _employment_types(data.get("employment_type")),
        "education": _education(data.get("education")),
        "skills": normalise_skills(data.get("skills")),
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


def verify_vacancy(vacancy, now):
    if vacancy["status"] != "pending":
        raise Conflict(f"vacancy {vacancy['_id']} is {vacancy['status']}; only pending ones "
                       "can be verified", {"field": "status"})
    if now >= vacancy["valid_through"]:
        raise Conflict("its valid_through has passed; the employer must post it again",
                       {"field": "valid_through"})
    return {"status": "published", "posted_at": now, "verified_at": now}


def reject_vacancy(vacancy, reason, now):
    if vacancy["status"] != "pending":
        raise Conflict(f"vacancy {vacancy['_id']} is {vacancy['status']}; only pending ones "
                       "can be rejected", {"field": "status"})
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationFailed.field("reason", "say why the vacancy is rejected")
    return {"status": "rejected", "reject_reason": reason.strip()[:500], "rejected_at": now}


def close_vacancy(vacancy, reason, now):
    if vacancy["status"] not in ("pending", "published"):
        raise Conflict(f"vacancy {vacancy['_id']} is already {vacancy['status']}",
                       {"field": "status"})
    return {"status": "closed", "close_reason": reason, "closed_at": now}


def vacancy_view(vacancy, region, now):
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


def employer_summary(employer, vacancies):
    """An employer for Disnaker: its profile and its vacancies counted by status."""
    counts = {}
    for vacancy in vacancies:
        counts[vacancy["status"]] = counts.get(vacancy["status"], 0) + 1
    return {**{k: employer.get(k) for k in ("_id", "region", "name", "sector", "address", "url", "contact",
                                            "created_at")},
            "vacancies": counts}


def compact_view(vacancy):
    """The live item shape, with times as ISO strings like the vacancy_posted payload."""
    return {"id": vacancy["_id"], "title": vacancy["title"], "employer": vacancy["employer_name"],
            "region": vacancy["region"], "salary": vacancy["salary"],
            "posted_at": _iso(vacancy.get("posted_at")), "valid_through": _iso(vacancy["valid_through"])}


def _iso(moment):
    return moment and isoformat(moment)


# --- search ----------------------------------------------------------------
def parse_search(params):
    """Validated search filters from query parameters (all optional)."""
    def listed(name):
        value = params.get(name)
        return [p.strip() for p in value.split(",") if p.strip()] if isinstance(value, str) else value

    filters = {"q": (params.get("q") or "").strip().lower()[:100] or None,
               "regions": listed("regions") or None,
               "skills": normalise_skills(listed("skills")) or None,
               "education": None, "employment_type": None, "min_salary": None}
    if params.get("education"):
        filters["education"] = _education(params["education"])
    if params.get("employment_type"):
        filters["employment_type"] = _employment_types(listed("employment_type"))
    if params.get("min_salary") not in (None, ""):
        try:
            filters["min_salary"] = _amount(int(params["min_salary"]), "min_salary")
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


def search(vacancies, filters, now):
    """Filter, rank and page open vacancies: (total, items of the page)."""
    hits = []
    for v in vacancies:
        if not is_open(v, now):
            continue
        if filters["q"]:
            haystack = " ".join([v["title"], v["description"], v["employer_name"]] + v["skills"]).lower()
            if not all(word in haystack for word in filters["q"].split()):
                continue
        if filters["education"] and EDUCATION_RANK[v["education"]] > EDUCATION_RANK[filters["education"]]:
            continue
        if filters["employment_type"] and not set(filters["employment_type"]) & set(v["employment_type"]):
            continue
        if filters["min_salary"] and monthly(v["salary"]) < filters["min_salary"]:
            continue
        if filters["skills"] and not set(filters["skills"]) & set(v["skills"]):
            continue
        hits.append(v)
    newest = sorted(hits, key=lambda v: (v["posted_at"], v["_id"]), reverse=True)
    if filters["sort"] == "relevance":
        newest.sort(key=lambda v: _relevance(v, filters), reverse=True)  # stable: ties stay newest first
    start = (filters["page"] - 1) * filters["per_page"]
    return len(hits), newest[start:start + filters["per_page"]]


# --- matching --------------------------------------------------------------
def distance_km(region_a, region_b, centroids):
    a, b = centroids.get(region_a), centroids.get(region_b)
    if a is None or b is None:
        return None
    return haversine((a["lat"], a["long"]), (b["lat"], b["long"]))


def _words(text):
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}


def _position_factor(seeker, vacancy):
    """How well the vacancy is the job the seeker wants: same KBJI unit group
    (first 4 digits), else the share of the desired title's words in its title."""
    desired = seeker.get("desired_position")
    if not desired:
        return 0.5, "no desired position given"
    wanted, kbji = desired["title"], desired.get("kbji")
    if kbji and vacancy.get("kbji"):
        if kbji[:4] == vacancy["kbji"][:4]:
            return 1.0, f"KBJI {vacancy['kbji']} is the desired position ({wanted})"
        if kbji[:2] == vacancy["kbji"][:2]:
            return 0.5, f"KBJI {vacancy['kbji']} is in the same group as the desired {kbji} ({wanted})"
    words = _words(wanted)
    shared = words & _words(vacancy["title"])
    if not words or not shared:
        return 0.0, f"'{vacancy['title']}' is not the desired position ({wanted})"
    share = len(shared) / len(words)
    return share, (f"'{vacancy['title']}' matches the desired position ({wanted})" if share == 1 else
                   f"'{vacancy['title']}' partly matches the desired position ({wanted})")


def _location_factor(seeker, vacancy, centroids):
    """1 in a location the seeker asked for; else by distance from their home region."""
    if vacancy["region"] in (seeker.get("desired_locations") or ()):
        return 1.0, f"in a desired location ({vacancy['region']})"
    km = distance_km(seeker["region"], vacancy["region"], centroids)
    elsewhere = "not a desired location; " if seeker.get("desired_locations") else ""
    if km is None:
        return 0.5, f"{elsewhere}distance between the regions unknown"
    near = min(1.0, max(0.0, (FAR_KM - km) / (FAR_KM - NEAR_KM)))
    commutable = " (commutable)" if km <= NEAR_KM else ""
    return near, f"{elsewhere}about {round(km)} km from home region{commutable}"


def match(seeker, vacancy, centroids):
    """Score 0-100 of `seeker` for `vacancy`, with a reason per factor."""
    factors = {}
    required = vacancy["skills"]
    if required:
        have = [s for s in required if s in seeker["skills"]]
        missing = [s for s in required if s not in seeker["skills"]]
        factors["skills"] = (len(have) / len(required),
                             f"{len(have)} of {len(required)} required skills"
                             + (f" ({', '.join(have)})" if have else "")
                             + (f"; missing {', '.join(missing)}" if missing else ""))
    else:
        factors["skills"] = (1.0, "no particular skills required")
    factors["position"] = _position_factor(seeker, vacancy)
    level, needed = seeker["education"]["level"], vacancy["education"]
    gap = EDUCATION_RANK[needed] - EDUCATION_RANK[level]
    factors["education"] = (
        (1.0, f"{level.upper()} meets the required {needed.upper()}") if gap <= 0 else
        (0.4, f"{level.upper()} is one level below the required {needed.upper()}") if gap == 1 else
        (0.0, f"{level.upper()} is well below the required {needed.upper()}"))
    factors["location"] = _location_factor(seeker, vacancy, centroids)
    expected, offered = seeker.get("expected_salary"), monthly(vacancy["salary"])
    if not expected:
        factors["salary"] = (1.0, "no salary expectation given")
    elif offered >= expected:
        factors["salary"] = (1.0, f"pays up to Rp {offered:,}/month, meets the expected Rp {expected:,}")
    else:
        short = (expected - offered) / expected
        factors["salary"] = (max(0.0, 1 - 2 * short),
                             f"pays up to Rp {offered:,}/month, {round(100 * short)}% below "
                             f"the expected Rp {expected:,}")
    score = round(100 * sum(WEIGHTS[name] * value for name, (value, _) in factors.items()))
    return {"score": score,
            "factors": {name: {"score": round(value, 3), "weight": WEIGHTS[name], "reason": reason}
                        for name, (value, reason) in factors.items()}}


def rank_matches(pairs, centroids, limit):
    """[(seeker, vacancy)] -> the best `limit` matches, highest score first."""
    scored = [(match(s, v, centroids), s, v) for s, v in pairs]
    scored.sort(key=lambda item: item[0]["score"], reverse=True)
    return scored[:limit]


# --- applications ----------------------------------------------------------
def check_can_apply(seeker, vacancy, shown_in_seeker_region, now):
    status, reason = seeker_status(seeker, now)
    if status != "active":
        raise Conflict(f"your AK/1 card is {status} ({reason}); you cannot apply",
                       {"field": "seeker_id"})
    if not is_open(vacancy, now):
        raise Conflict(f"vacancy {vacancy['_id']} is closed to applications", {"field": "vacancy_id"})
    if not shown_in_seeker_region:
        raise Forbidden(f"vacancies of region {vacancy['region']} are not shared with "
                        f"region {seeker['region']}", {"field": "vacancy_id"})


def application_id(vacancy_id, seeker_id):
    """One application per seeker and vacancy: the id says so."""
    return f"{vacancy_id}.{seeker_id}"


def move_application(application, to, party, now, note=None):
    """(changes, history entry) for moving an application to `to` by `party`."""
    if to not in APPLICATION_MOVES:
        raise ValidationFailed.field("status", f"{to!r} unknown; one of {', '.join(APPLICATION_MOVES)}")
    sources, allowed = APPLICATION_MOVES[to]
    if party != allowed:
        raise Forbidden(f"only the {allowed} may move an application to {to}", {"field": "status"})
    state = application["status"]
    if state not in sources:
        raise Conflict(f"application is {state}; it can move to {to} only from "
                       + " or ".join(sorted(sources)), {"field": "status", "status": state})
    note = reject_markup({"note": note}, "note", required=False, max_length=1000) or ""
    entry = {"from": state, "to": to, "by": party, "note": note, "at": now}
    return {"status": to, "updated_at": now, "history": application["history"] + [entry]}, entry


def application_view(application):
    return {k: application.get(k) for k in (
        "_id", "vacancy_id", "seeker_id", "region", "status", "cover_letter", "submitted_at",
        "updated_at", "history")} | {"id": application["_id"]}


# --- schema.org JobPosting ---------------------------------------------------
# Google's credentialCategory values for the minimum education.
CREDENTIALS = {"sma": "high school", "smk": "high school", "d1": "associate degree",
               "d2": "associate degree", "d3": "associate degree", "d4": "bachelor degree",
               "s1": "bachelor degree", "s2": "postgraduate degree", "s3": "postgraduate degree"}


def _education_requirements(level):
    if level not in CREDENTIALS:  # SD/SMP: Google reads "no requirements" as the text value
        return "no requirements"
    return {"@type": "EducationalOccupationalCredential", "credentialCategory": CREDENTIALS[level]}


def _valid_through(vacancy):
    """A filled or closed vacancy ends when it closed, never in the future."""
    end = vacancy["valid_through"]
    closed = vacancy.get("closed_at")
    return min(end, closed) if vacancy["status"] == "closed" and closed else end


def job_posting(vacancy, region):
    """The vacancy as a schema.org JobPosting with Google's required and
    recommended properties (https://developers.google.com/search/docs/appearance/structured-data/job-posting)."""
    salary = vacancy["salary"]
    address = {"@type": "PostalAddress", "addressLocality": region.name,
               "addressRegion": region.province, "addressCountry": "ID"}
    if vacancy.get("address"):
        address["streetAddress"] = vacancy["address"]
    posting = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": vacancy["title"],
        "description": vacancy["description"],
        "identifier": {"@type": "PropertyValue", "name": vacancy["employer_name"],
                       "value": vacancy["_id"]},
        "datePosted": (vacancy.get("posted_at") or vacancy["created_at"]).date().isoformat(),
        "validThrough": _valid_through(vacancy).isoformat(),
        "employmentType": vacancy["employment_type"],
        "hiringOrganization": {"@type": "Organization", "name": vacancy["employer_name"]},
        "jobLocation": {"@type": "Place", "address": address},
        "baseSalary": {"@type": "MonetaryAmount", "currency": "IDR",
                       "value": {"@type": "QuantitativeValue", "minValue": salary["min"],
                                 "maxValue": salary["max"], "unitText": salary["unit"]}},
        "totalJobOpenings": vacancy["openings"],
        "educationRequirements": _education_requirements(vacancy["education"]),
        "experienceRequirements": {"@type": "OccupationalExperienceRequirements",
                                   "monthsOfExperience": vacancy.get("experience_months", 0)},
        "experienceInPlaceOfEducation": False,
        "directApply": True,  # seekers apply on the vacancy's page itself
    }
    if vacancy.get("employer_url"):
        posting["hiringOrganization"]["sameAs"] = vacancy["employer_url"]
    if vacancy["skills"]:
        posting["skills"] = ", ".join(vacancy["skills"])
    if vacancy.get("kbji"):
        posting["occupationalCategory"] = vacancy["kbji"]
    return posting
