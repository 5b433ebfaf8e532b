"""The AK/1 registration's and a seeker's later changes' fields, checked: first by their
schema (commands.REGISTER_SEEKER, UPDATE_SEEKER), then by what a schema cannot say: the
NIK's birth-date and sex digits, an age of 18, years after birth and not in the future."""
from datetime import date, datetime
from typing import Any, cast

from dateutil.relativedelta import relativedelta

from services.pencaker import commands
from services.pencaker.domain.checks import Problems, checked, contact, plain, refuse, words
from services.servicekit import nik as niks
from services.servicekit.errors import ValidationFailed, problem
from services.servicekit.regions import Region

MIN_AGE = 18  # Disnaker registers job seekers from 18
EARLIEST_GRADUATION = 1950


def _birth_date(raw: str, now: datetime, found: Problems) -> date | None:
    try:
        born = date.fromisoformat(raw)
    except ValueError:
        found["birth_date"] = problem("bad_date", "must be a date YYYY-MM-DD")
        return None
    if relativedelta(now.date(), born).years < MIN_AGE:
        found["birth_date"] = problem("too_young", f"job seekers must be at least {MIN_AGE} years old",
                                      min_age=MIN_AGE)
    return born


def nik_shape(nik: Any) -> str:
    """The NIK without spaces, if it has a NIK's shape (servicekit.nik: bad_nik, nik_birth_date,
    nik_serial)."""
    return niks.check_nik(nik)


def check_nik(nik: str, born: date, sex: str) -> str:
    """The NIK's shape, and that its DDMMYY digits (women add 40 to the day)
    agree with the stated birth date and sex. Its region prefix is not checked:
    a NIK is for life, and people register where they now live."""
    nik = nik_shape(nik)
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    nik_sex = "P" if day > 40 else "L"
    if nik_sex != sex:
        raise ValidationFailed.field("nik", f"digits 7-8 ({nik[6:8]}) encode sex {nik_sex}, but sex is {sex}",
                                     code="nik_sex_mismatch", sex=sex)
    birth_day = day - 40 if day > 40 else day
    if (birth_day, month, year) != (born.day, born.month, born.year % 100):
        raise ValidationFailed.field("nik", f"digits 7-12 ({nik[6:12]}) do not match birth_date "
                                     f"{born.isoformat()}", code="nik_birth_date_mismatch")
    return nik


def _year(value: int | None, name: str, earliest: int, latest: int, found: Problems) -> int | None:
    if value is not None and not earliest <= value <= latest:
        found[name] = problem("out_of_range", f"must be a year from {earliest} to {latest}",
                              min=earliest, max=latest)
    return value


def _earliest(born: date | None) -> int:
    """The first year a seeker can have finished a school or a course: five years after birth."""
    return max(EARLIEST_GRADUATION, born.year + 5) if born else EARLIEST_GRADUATION


def _education(block: commands.Education, now: datetime, born: date | None,
               found: Problems) -> dict[str, Any]:
    return {"level": block["level"], "major": plain(block.get("major")),
            "institution": plain(block["institution"]),
            "graduation_year": _year(block["graduation_year"], "education.graduation_year", _earliest(born),
                                     now.year, found)}


def _courses(entries: list[dict[str, Any]], now: datetime, born: date | None,
             found: Problems) -> list[dict[str, Any]]:
    return [{"name": plain(entry["name"]), "institution": plain(entry.get("institution")),
             "year": _year(entry.get("year"), f"courses[{index}].year", _earliest(born), now.year, found)}
            for index, entry in enumerate(entries)]


def _desired_position(block: dict[str, Any]) -> dict[str, Any]:
    return {"title": plain(block["title"]), "kbji": block.get("kbji")}


# field -> how its checked value is stored (the schema has said its shape)
def _readers(now: datetime, region: Region, born: date | None, found: Problems) -> dict[str, Any]:
    return {
        "education": lambda v: _education(v, now, born, found),
        "courses": lambda v: _courses(v, now, born, found),
        "languages": words,
        "disability": lambda v: list(dict.fromkeys(v)),
        "skills": lambda v: words(v, lower=True),
        "experience": lambda v: [{"position": plain(e["position"]), "years": e["years"]} for e in v],
        "desired_position": _desired_position,
        "desired_locations": lambda v: list(dict.fromkeys(v)) if v else [region.code],
        "expected_salary": lambda v: v,
        "contact": lambda v: contact(v, found),
        "domicile_address": plain,
        "marital_status": lambda v: v,
        "religion": lambda v: v,
    }


OPTIONAL_LISTS = ("courses", "languages", "disability", "skills", "experience")


def validate(body: Any, region: Region, now: datetime) -> dict[str, Any]:
    """Check an AK/1 registration; return the clean fields of a new seeker."""
    data = cast(commands.RegisterSeeker, checked(commands.REGISTER_SEEKER, body))
    found: Problems = {}
    born = _birth_date(data["birth_date"], now, found)
    nik = data["nik"]
    if born is not None:
        try:
            nik = check_nik(nik, born, data["sex"])
        except ValidationFailed as exc:
            found.update(exc.details["fields"])
    readers = _readers(now, region, born, found)
    fields = {name: read(body.get(name, [] if name in OPTIONAL_LISTS else None))
              for name, read in readers.items()}
    refuse(dict(sorted(found.items())))
    return {"nik": nik, "nik_outside_region": niks.outside_region(nik, region),
            "name": plain(data["name"]), "birth_place": plain(data["birth_place"]),
            "birth_date": data["birth_date"], "sex": data["sex"], **fields}


def validate_update(changes: Any, region: Region, now: datetime,
                    birth_date: str | None = None) -> dict[str, Any]:
    """Only what a seeker may change themselves; NIK, name and birth stay as registered, and
    the years they give are bounded by that registered `birth_date` as at registration."""
    if changes == {}:
        raise ValidationFailed.field("body", "give the fields to change", code="nothing_to_change")
    changes = checked(commands.UPDATE_SEEKER, changes)
    found: Problems = {}
    born = date.fromisoformat(birth_date) if birth_date else None
    readers = _readers(now, region, born, found)
    clean = {name: readers[name](value) for name, value in changes.items()}
    refuse(found)
    return clean
