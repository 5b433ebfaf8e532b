"""Pencaker's pure domain (services/pencaker/domain/): NIK checks, AK/1 dates, vacancies, search,
matching, applications, JSON-LD."""
from datetime import datetime, timedelta, timezone

import pytest

from services.pencaker.domain import applications, cards, matching, schema_org, search, seekers, vacancies
from services.pencaker.repository import region_centroids
from services.servicekit.errors import Conflict, Forbidden, ValidationFailed
from services.servicekit.regions import all_regions, get_region

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)
KOTA_TANGERANG = get_region("36.71")
SEEKER_ID = "S0123456789abcde"


def registration(**changes):
    data = {"nik": "3671011405980001", "name": "Budi Santoso", "birth_place": "Tangerang",
            "birth_date": "1998-05-14", "sex": "L", "domicile_address": "Jl. Merdeka 10, Sukasari",
            "marital_status": "belum_kawin", "religion": "islam",
            "education": {"level": "smk", "major": "Teknik Pemesinan", "institution": "SMKN 4 Tangerang",
                          "graduation_year": 2016},
            "courses": [{"name": "Operator CNC", "institution": "BLK Tangerang", "year": 2017}],
            "languages": ["Indonesia", "Inggris", "indonesia"],
            "desired_position": {"title": "Operator CNC", "kbji": "7223"},
            "skills": ["CNC", " Bubut ", "cnc"], "experience": [{"position": "Helper", "years": 2}],
            "expected_salary": 5_500_000, "contact": {"phone": "0812 3456 7890"}}
    data.update(changes)
    return data


def field_of(excinfo):
    return excinfo.value.details["field"]


# --- NIK -------------------------------------------------------------------
def test_valid_registration_is_cleaned():
    seeker = seekers.validate(registration(), KOTA_TANGERANG, NOW)
    assert seeker["nik"] == "3671011405980001"
    assert seeker["skills"] == ["cnc", "bubut"]
    assert seeker["education"] == {"level": "smk", "major": "Teknik Pemesinan",
                                   "institution": "SMKN 4 Tangerang", "graduation_year": 2016}
    assert (seeker["domicile_address"], seeker["marital_status"], seeker["religion"]) == (
        "Jl. Merdeka 10, Sukasari", "belum_kawin", "islam")
    assert seeker["courses"] == [{"name": "Operator CNC", "institution": "BLK Tangerang", "year": 2017}]
    assert seeker["languages"] == ["Indonesia", "Inggris"] and seeker["disability"] == []
    assert seeker["desired_position"] == {"title": "Operator CNC", "kbji": "7223"}
    assert seeker["desired_locations"] == ["36.71"]  # default: where they register
    assert seeker["nik_outside_region"] is False


def test_a_nik_from_another_region_registers_and_is_flagged_for_officers():
    # a Lebak NIK registering in Kota Tangerang, where the seeker now lives
    seeker = seekers.validate(registration(nik="3602011405980001"), KOTA_TANGERANG, NOW)
    assert seeker["nik"] == "3602011405980001" and seeker["nik_outside_region"] is True
    stored = {"_id": "S1", "region": "36.71", **seeker, **cards.issue("AK1-3671-2026-000001", NOW),
              "version": 1}
    view = seekers.view(stored, NOW)
    assert (view["nik_outside_region"], view["nik_note"]) == (True, "NIK dari luar daerah")


def test_woman_nik_adds_40_to_the_day():
    data = registration(nik="3671014302000002", birth_date="2000-02-03", sex="P")
    assert seekers.validate(data, KOTA_TANGERANG, NOW)["sex"] == "P"


@pytest.mark.parametrize("nik, message", [
    ("367101140598000", "exactly 16 digits"),
    ("36710114059800A1", "exactly 16 digits"),
    ("３６７１０１１４０５９８０００１", "exactly 16 digits"),  # fullwidth digits are not ASCII
    ("3671011413980001", "birth date DDMMYY"),     # month 13
    ("3671011405980000", "0000"),
    ("3671011505980001", "do not match birth_date"),
    ("3671015405980001", "encode sex P"),          # day 54 = a woman born on the 14th
])
def test_bad_nik_is_rejected_naming_the_field(nik, message):
    with pytest.raises(ValidationFailed) as excinfo:
        seekers.validate(registration(nik=nik), KOTA_TANGERANG, NOW)
    assert field_of(excinfo) == "nik"
    assert message in excinfo.value.message


@pytest.mark.parametrize("changes, field", [
    ({"sex": "X"}, "sex"),
    ({"birth_date": "2015-01-01", "nik": "3671010101150001"}, "birth_date"),
    ({"birth_date": "2008-03-11", "nik": "3671011103080001"}, "birth_date"),  # 17 the day before 18
    ({"marital_status": "menikah"}, "marital_status"),
    ({"religion": None}, "religion"),
    ({"domicile_address": ""}, "domicile_address"),
    ({"education": {"level": "smk", "institution": "SMKN 4", "graduation_year": 2030}},
     "education.graduation_year"),
    ({"education": {"level": "smk", "graduation_year": 2016}}, "education.institution"),
    ({"courses": [{"institution": "BLK"}]}, "courses[0].name"),
    ({"languages": ["x" * 41]}, "languages[0]"),
    ({"disability": ["buta"]}, "disability[0]"),
    ({"desired_position": None}, "desired_position"),
    ({"desired_position": {"title": "Operator", "kbji": "72"}}, "desired_position.kbji"),
    ({"desired_locations": ["Tangerang"]}, "desired_locations[0]"),
    ({"education": {"level": "phd"}}, "education.level"),
    ({"contact": {}}, "contact"),
    ({"contact": {"email": "not-an-email"}}, "contact.email"),
    ({"name": "<b>Budi</b>"}, "name"),
    ({"expected_salary": -1}, "expected_salary"),
])
def test_bad_registration_fields(changes, field):
    with pytest.raises(ValidationFailed) as excinfo:
        seekers.validate(registration(**changes), KOTA_TANGERANG, NOW)
    assert field in excinfo.value.details["fields"]


def test_eighteen_today_may_register():
    data = registration(birth_date="2008-03-10", nik="3671011003080001")
    assert seekers.validate(data, KOTA_TANGERANG, NOW)["birth_date"] == "2008-03-10"


def test_seeker_cannot_change_their_nik():
    with pytest.raises(ValidationFailed) as excinfo:
        seekers.validate_update({"nik": "3671011405980002"}, KOTA_TANGERANG, NOW)
    assert field_of(excinfo) == "nik"
    assert seekers.validate_update({"skills": ["las", " Las"]}, KOTA_TANGERANG, NOW) == {"skills": ["las"]}
    changed = seekers.validate_update({"desired_locations": ["36.03", "36.71"], "disability": ["fisik"],
                                       "marital_status": "kawin"}, KOTA_TANGERANG, NOW)
    assert changed == {"desired_locations": ["36.03", "36.71"], "disability": ["fisik"],
                       "marital_status": "kawin"}


# --- the AK/1 card ---------------------------------------------------------
def seeker_on(issued_at, **extra):
    return {"_id": "S0", "card_number": "AK1-3671-2026-000001", "region": "36.71",
            **cards.issue("AK1-3671-2026-000001", issued_at), "status": "active",
            "education": {"level": "smk"}, "skills": [], "version": 1, **extra}


def test_card_valid_two_years_and_reported_every_six_months():
    issued = datetime(2026, 8, 31, 3, 0, tzinfo=timezone.utc)
    card = cards.issue("AK1-3671-2026-000001", issued)
    assert card["valid_until"] == datetime(2028, 8, 31, 3, 0, tzinfo=timezone.utc)
    # month ends clip: 31 Aug + 6 months is 28 Feb
    assert card["next_report_due"] == datetime(2027, 2, 28, 3, 0, tzinfo=timezone.utc)
    assert [d.date().isoformat() for d in cards.report_dates(issued)] == [
        "2027-02-28", "2027-08-31", "2028-02-29"]


def test_leap_day_card():
    issued = datetime(2028, 2, 29, tzinfo=timezone.utc)
    assert cards.issue("x", issued)["valid_until"] == datetime(2030, 2, 28, tzinfo=timezone.utc)


def test_status_over_the_card_life():
    seeker = seeker_on(NOW)
    assert cards.seeker_status(seeker, NOW + timedelta(days=100)) == ("active", None)
    assert cards.seeker_status(seeker, seeker["next_report_due"] + timedelta(seconds=1)) == (
        "expired", "report_missed")
    reported = {**seeker, **cards.record_report(seeker, seeker["next_report_due"] - timedelta(days=3))}
    assert reported["next_report_due"] == NOW + cards.REPORT_EVERY * 2
    assert cards.seeker_status(reported, NOW + timedelta(days=200)) == ("active", None)
    assert cards.seeker_status(reported, reported["valid_until"]) == ("expired", "validity_ended")
    assert cards.seeker_status({**seeker, "status": "placed"}, NOW) == ("placed", "placed")


def test_report_too_early_or_after_expiry_is_a_conflict():
    seeker = seeker_on(NOW)
    with pytest.raises(Conflict, match="report from 2026-08-11"):
        cards.record_report(seeker, NOW + timedelta(days=10))
    with pytest.raises(Conflict, match="expired"):
        cards.record_report(seeker, seeker["next_report_due"] + timedelta(days=1))


def test_last_report_runs_up_to_the_end_of_validity():
    seeker = seeker_on(NOW)
    for k in (1, 2, 3):
        seeker = {**seeker, **cards.record_report(seeker, NOW + cards.REPORT_EVERY * k)}
    assert seeker["next_report_due"] == seeker["valid_until"]
    assert len(seeker["reports"]) == 3


def test_the_report_window_is_announced_once_per_due_date():
    seeker = seeker_on(NOW, contact={"phone": "0812 3456 7890", "address": "Jl. Merdeka 5"})
    due = seeker["next_report_due"]
    assert cards.report_window_to_announce(seeker, due - cards.REPORT_WINDOW - timedelta(days=1)) is None
    assert cards.report_window_to_announce(seeker, due - cards.REPORT_WINDOW) == due
    announced = {**seeker, "report_window_announced": due.isoformat()}
    assert cards.report_window_to_announce(announced, due - timedelta(days=1)) is None
    reported = {**announced, **cards.record_report(announced, due - timedelta(days=1))}
    assert cards.report_window_to_announce(reported, reported["next_report_due"]) == \
        reported["next_report_due"]
    assert cards.report_window_to_announce(seeker, due + timedelta(days=1)) is None  # expired
    # the notifications service gets the contact only, never the address or the NIK
    assert seekers.notification_contact(seeker) == {"phone": "0812 3456 7890"}


# --- vacancies -------------------------------------------------------------
def posting(**changes):
    data = {"title": "Operator CNC", "description": "Mengoperasikan mesin CNC dan bubut.",
            "employment_type": ["FULL_TIME"], "education": "smk", "skills": ["CNC", "bubut", "las"],
            "salary": {"min": 5_000_000, "max": 6_000_000, "unit": "MONTH"},
            "valid_through": "2026-04-30", "openings": 3, "kbji": "7223"}
    data.update(changes)
    return data


def test_valid_vacancy_ends_at_the_end_of_the_local_day():
    vacancy = vacancies.validate(posting(), KOTA_TANGERANG, NOW)
    assert vacancy["valid_through"] == datetime(2026, 4, 30, 16, 59, 59, tzinfo=timezone.utc)
    assert vacancy["employment_type"] == ["FULL_TIME"]
    assert vacancy["salary"]["currency"] == "IDR"


@pytest.mark.parametrize("changes, field, message", [
    ({"salary": {"min": 7_000_000, "max": 6_000_000}}, "salary.min", "above salary.max"),
    ({"valid_through": "2026-03-01"}, "valid_through", "in the past"),
    ({"valid_through": "2027-12-31"}, "valid_through", "at most a year"),
    ({"valid_through": "next weekend"}, "valid_through", "ISO 8601"),
    ({"employment_type": ["FULL_TIME", "KONTRAK"]}, "employment_type[1]", "must be one of"),
    ({"salary": {"min": 1, "max": 2, "currency": "USD"}}, "salary.currency", "IDR"),
    ({"salary": {"min": 1, "max": 2, "unit": "FORTNIGHT"}}, "salary.unit", "must be one of"),
    ({"openings": 0}, "openings", "at least 1"),
    ({"kbji": "72-23"}, "kbji", "KBJI"),
    ({"education": "tk"}, "education", "must be one of"),
])
def test_bad_vacancy_is_rejected_naming_the_field(changes, field, message):
    with pytest.raises(ValidationFailed) as excinfo:
        vacancies.validate(posting(**changes), KOTA_TANGERANG, NOW)
    assert field_of(excinfo) == field
    assert message in excinfo.value.message


def stored_vacancy(vacancy_id="LK-3671-2026-000001", region=KOTA_TANGERANG, posted=NOW, **changes):
    fields = vacancies.validate(posting(**changes), region, NOW)
    return {"_id": vacancy_id, **fields, "employer_id": "EMP-3671-000001",
            "employer_name": "PT Maju Logam", "owner": "emp", "status": "published",
            "posted_at": posted, "created_at": posted, "version": 1}


def test_vacancy_closes_by_itself_after_valid_through():
    vacancy = stored_vacancy()
    end = vacancy["valid_through"]
    assert vacancies.is_open(vacancy, end - timedelta(seconds=1))
    assert not vacancies.is_open(vacancy, end)
    assert vacancies.due_to_expire([vacancy], end - timedelta(seconds=1)) == []
    assert vacancies.due_to_expire([vacancy, {**vacancy, "status": "pending"}], end) == [vacancy]
    assert vacancies.close(vacancy, "expired", end).record["status"] == "closed"
    with pytest.raises(Conflict):
        vacancies.close({**vacancy, "status": "closed"}, "expired", end)


def test_verification_workflow():
    pending = {**stored_vacancy(), "status": "pending", "posted_at": None}
    assert vacancies.publish(pending, "officer", [], NOW).record["status"] == "published"
    with pytest.raises(Conflict):
        vacancies.publish({**pending, "status": "published"}, "officer", [], NOW)
    with pytest.raises(Conflict, match="valid_through has passed"):
        vacancies.publish(pending, "officer", [], pending["valid_through"])
    with pytest.raises(ValidationFailed):
        vacancies.reject(pending, " ", NOW)
    assert vacancies.reject(pending, "alamat palsu", NOW).record["status"] == "rejected"


# --- search ----------------------------------------------------------------
def test_search_filters_sorts_and_pages():
    cnc = stored_vacancy("LK-3671-2026-000001", posted=NOW - timedelta(days=3))
    cashier = stored_vacancy("LK-3671-2026-000002", posted=NOW - timedelta(days=1), title="Kasir",
                             description="Melayani pembeli di toko.", education="smp",
                             skills=["kasir"], employment_type=["PART_TIME"],
                             salary={"min": 2_000_000, "max": 3_000_000})
    welder = stored_vacancy("LK-3671-2026-000003", posted=NOW - timedelta(days=2), title="Tukang Las",
                            description="Pengelasan rangka baja; bisa CNC nilai plus.", skills=["las"],
                            salary={"min": 150_000, "max": 250_000, "unit": "DAY"})
    closed = {**stored_vacancy("LK-3671-2026-000004", title="CNC lama"), "status": "closed"}
    everything = [cnc, cashier, welder, closed]

    def ids(params, now=NOW):
        total, page = search.results(everything, search.parse(params), now)
        return total, [v["_id"][-1] for v in page]

    assert ids({"sort": "newest"}) == (3, ["2", "3", "1"])
    assert ids({"q": "cnc"}) == (2, ["1", "3"])          # title hit outranks a description hit
    assert ids({"education": "smp"}) == (1, ["2"])        # what an SMP graduate may apply to
    assert ids({"employment_type": "PART_TIME"}) == (1, ["2"])
    assert ids({"min_salary": "5000000"}) == (2, ["3", "1"])  # 250k/day is ~5.5M/month
    assert ids({"skills": "las,kasir", "sort": "relevance"})[0] == 3
    assert ids({"sort": "newest", "per_page": "2", "page": "2"}) == (3, ["1"])
    assert ids({}, now=cnc["valid_through"]) == (0, [])


@pytest.mark.parametrize("params, field", [
    ({"sort": "cheapest"}, "sort"), ({"page": "0"}, "page"), ({"per_page": "500"}, "per_page"),
    ({"min_salary": "lots"}, "min_salary"), ({"education": "x"}, "education"),
    ({"employment_type": "GIG"}, "employment_type"),
])
def test_bad_search_parameters(params, field):
    with pytest.raises(ValidationFailed) as excinfo:
        search.parse(params)
    assert field_of(excinfo) == field


# --- matching --------------------------------------------------------------
def candidate(seeker_id, region, level, skills, expected, wants=None, kbji=None, where=None):
    seeker = {"_id": seeker_id, "region": region, "education": {"level": level}, "skills": skills,
              "expected_salary": expected}
    if wants:
        seeker["desired_position"] = {"title": wants, "kbji": kbji}
        seeker["desired_locations"] = where or [region]
    return seeker


def test_every_region_has_a_centroid():
    assert {r.code for r in all_regions()} <= set(region_centroids())


def test_worked_example_ranks_as_a_person_would():
    """Operator CNC (KBJI 7223) in Kota Tangerang: SMK, skills cnc/bubut/las, Rp 5-6 million a month.

    ani   Kota Tangerang, SMK, all skills, wants this job here, 5.5M   -> a perfect fit        100
    budi  Kab. Lebak, SMK, cnc+bubut, wants a lathe job (7223) in
          Lebak or Kota Tangerang, 5M                                  -> good, will commute    88
    eko   the same as budi but wants to stay in Lebak (~60 km)         -> a little less         83
    dewi  Kota Makassar, S1, all skills, wants "Operator CNC" there, 12M -> far and too dear     65
    citra Kota Tangerang, SMP, a cashier who wants cashier work, 4M    -> not her job           41
    """
    vacancy = stored_vacancy()
    people = [candidate("citra", "36.71", "smp", ["kasir"], 4_000_000, "Kasir"),
              candidate("dewi", "73.71", "s1", ["cnc", "bubut", "las"], 12_000_000, "Operator CNC"),
              candidate("ani", "36.71", "smk", ["cnc", "bubut", "las"], 5_500_000, "Operator CNC", "7223"),
              candidate("budi", "36.02", "smk", ["cnc", "bubut"], 5_000_000, "Operator bubut", "7223",
                        ["36.02", "36.71"]),
              candidate("eko", "36.02", "smk", ["cnc", "bubut"], 5_000_000, "Operator bubut", "7223")]
    ranked = matching.rank([(s, vacancy) for s in people], region_centroids(), 10)
    assert [(s["_id"], r["score"]) for r, s, _ in ranked] == [
        ("ani", 100), ("budi", 88), ("eko", 83), ("dewi", 65), ("citra", 41)]
    budi, eko = ranked[1][0]["factors"], ranked[2][0]["factors"]
    assert budi["skills"]["reason"] == "2 of 3 required skills (cnc, bubut); missing las"
    assert budi["position"]["reason"] == "KBJI 7223 is the desired position (Operator bubut)"
    assert budi["location"]["reason"] == "in a desired location (36.71)"
    assert eko["location"]["reason"].startswith("not a desired location; about 60 km")
    dewi = ranked[3][0]["factors"]
    assert dewi["salary"]["score"] == 0 and "50% below" in dewi["salary"]["reason"]
    assert dewi["position"]["reason"] == "'Operator CNC' matches the desired position (Operator CNC)"
    citra = ranked[4][0]["factors"]
    assert "one level below" in citra["education"]["reason"] and citra["position"]["score"] == 0
    assert all(f["reason"] for r, _, _ in ranked for f in r["factors"].values())


def test_match_without_skills_or_expectation_or_centroid():
    vacancy = stored_vacancy(skills=[])
    result = matching.match(candidate("x", "99.99", "smk", [], None), vacancy, region_centroids())
    assert result["factors"]["skills"]["score"] == 1.0
    assert result["factors"]["position"]["reason"] == "no desired position given"
    assert result["factors"]["location"]["reason"] == "distance between the regions unknown"
    assert result["factors"]["salary"]["reason"] == "no salary expectation given"
    assert result["score"] == 82


# --- applications ----------------------------------------------------------
def test_application_state_machine():
    application = {"_id": f"LK-3671-2026-000001.{SEEKER_ID}", "vacancy_id": "LK-3671-2026-000001",
                   "seeker_id": SEEKER_ID, "region": "36.71",
                   "status": "submitted", "history": []}
    application = applications.move(application, "interview", "employer", NOW).record
    with pytest.raises(Forbidden):
        applications.move(application, "accepted", "seeker", NOW)
    with pytest.raises(Forbidden):
        applications.move(application, "withdrawn", "employer", NOW)
    accepted = applications.move(application, "accepted", "employer", NOW, "mulai Senin").record
    assert accepted["history"][-1]["from"] == "interview" and accepted["status"] == "accepted"
    assert accepted["history"][-1]["note"] == "mulai Senin" and accepted["placement_pending"] is True
    with pytest.raises(Conflict, match="application is accepted"):
        applications.move(accepted, "withdrawn", "seeker", NOW)
    with pytest.raises(ValidationFailed):
        applications.move(application, "hired", "employer", NOW)


def test_cannot_apply_to_closed_or_unshared_vacancy_or_with_lapsed_card():
    seeker, vacancy = seeker_on(NOW), stored_vacancy()
    applications.check_can_apply(seeker, vacancy, True, NOW)
    with pytest.raises(Conflict, match="closed"):
        applications.check_can_apply(seeker, {**vacancy, "status": "closed"}, True, NOW)
    with pytest.raises(Conflict, match="closed"):
        applications.check_can_apply(seeker, vacancy, True, vacancy["valid_through"])
    with pytest.raises(Forbidden):
        applications.check_can_apply(seeker, vacancy, False, NOW)
    with pytest.raises(Conflict, match="placed"):
        applications.check_can_apply({**seeker, "status": "placed"}, vacancy, True, NOW)


# --- JSON-LD ---------------------------------------------------------------
def test_job_posting_has_googles_required_and_recommended_properties():
    posting_ld = schema_org.job_posting({**stored_vacancy(), "address": "Jl. Industri 5"}, KOTA_TANGERANG)
    for key in ("title", "description", "datePosted", "validThrough", "hiringOrganization",
                "jobLocation", "baseSalary", "employmentType", "identifier"):
        assert posting_ld[key], key
    assert posting_ld["@type"] == "JobPosting"
    assert posting_ld["datePosted"] == "2026-03-10"
    assert posting_ld["validThrough"] == "2026-04-30T16:59:59+00:00"
    assert posting_ld["baseSalary"]["value"] == {"@type": "QuantitativeValue", "minValue": 5_000_000,
                                                 "maxValue": 6_000_000, "unitText": "MONTH"}
    assert posting_ld["jobLocation"]["address"]["addressLocality"] == "Kota Tangerang"
    assert posting_ld["jobLocation"]["address"]["addressCountry"] == "ID"
    assert posting_ld["directApply"] is True
    assert posting_ld["experienceRequirements"] == {"@type": "OccupationalExperienceRequirements",
                                                    "monthsOfExperience": 0}


@pytest.mark.parametrize("level, expected", [
    ("smk", {"@type": "EducationalOccupationalCredential", "credentialCategory": "high school"}),
    ("d3", {"@type": "EducationalOccupationalCredential", "credentialCategory": "associate degree"}),
    ("s1", {"@type": "EducationalOccupationalCredential", "credentialCategory": "bachelor degree"}),
    ("smp", "no requirements")])
def test_job_posting_names_the_education_and_experience_needed(level, expected):
    vacancy = stored_vacancy(education=level, experience_months=24)
    posting_ld = schema_org.job_posting(vacancy, KOTA_TANGERANG)
    assert posting_ld["educationRequirements"] == expected
    assert posting_ld["experienceRequirements"]["monthsOfExperience"] == 24


def test_a_closed_vacancy_is_valid_only_until_it_closed():
    vacancy = stored_vacancy()
    closed_at = NOW + timedelta(days=2)
    closed = vacancies.close(vacancy, "filled", closed_at).record
    assert schema_org.job_posting(closed, KOTA_TANGERANG)["validThrough"] == closed_at.isoformat()
    assert closed_at < vacancy["valid_through"]
    with pytest.raises(ValidationFailed, match="months"):
        vacancies.validate({**posting(), "experience_months": -1}, KOTA_TANGERANG, NOW)


@pytest.mark.parametrize("changes, expected", [
    ({"name": ""}, {"name": "required"}),
    ({"name": "   "}, {"name": "required"}),
    ({"name": "x" * 121}, {"name": "too_long"}),
    ({"nik": "3671011413980001"}, {"nik": "nik_birth_date"}),  # month 13: the kit's own code
    ({"nik": "36710114"}, {"nik": "bad_nik"}),
    ({"nik": "3671011505980001"}, {"nik": "nik_birth_date_mismatch"}),
    ({"birth_date": "14-05-1998"}, {"birth_date": "bad_date"}),
    ({"birth_date": "2010-01-01", "nik": "3671010101100001"}, {"birth_date": "too_young"}),
    ({"contact": {"address": "Jl. Merdeka"}}, {"contact": "phone_or_email"}),
    ({"contact": {"phone": "12"}}, {"contact.phone": "bad_phone"}),
    ({"desired_position": {"title": "Operator", "kbji": "72"}}, {"desired_position.kbji": "bad_kbji"}),
    ({"skills": ["<i>las</i>"], "name": "<b>Budi</b>"}, {"name": "markup", "skills[0]": "markup"}),
])
def test_each_refused_field_is_named_with_its_code(changes, expected):
    with pytest.raises(ValidationFailed) as excinfo:
        seekers.validate(registration(**changes), KOTA_TANGERANG, NOW)
    assert {name: found["code"] for name, found in excinfo.value.details["fields"].items()} == expected


def test_a_vacancys_date_and_salary_refusals_carry_their_parameters():
    with pytest.raises(ValidationFailed) as excinfo:
        vacancies.validate(posting(valid_through="2027-12-31", salary={"min": 7_000_000, "max": 6_000_000}),
                           KOTA_TANGERANG, NOW)
    assert excinfo.value.details["fields"] == {
        "salary.min": {"code": "salary_min_above_max", "min": 7_000_000, "max": 6_000_000,
                       "message": "Rp 7,000,000 is above salary.max Rp 6,000,000"},
        "valid_through": {"code": "open_too_long", "message": "a vacancy may stay open at most a year",
                          "max_days": 365}}
