"""Pencaker end to end: HTTP -> gateway -> RPC -> pencaker -> store, events back to the live view."""
import time
from datetime import timedelta

import extruct

from services.servicekit.envelope import utcnow

REQUIRED = ("title", "description", "datePosted", "validThrough", "hiringOrganization", "jobLocation")
RECOMMENDED = ("baseSalary", "employmentType", "identifier", "directApply")
# Google's education and experience properties (beta), emitted because the vacancy has the data
REQUIREMENTS = ("educationRequirements", "experienceRequirements")


def seeker(nik="3602011405980001", born="1998-05-14", sex="L"):
    return {"nik": nik, "name": "Budi Santoso", "birth_place": "Rangkasbitung", "birth_date": born,
            "sex": sex, "education": {"level": "smk", "major": "Teknik Mesin",
                                      "institution": "SMKN 1 Rangkasbitung", "graduation_year": 2016},
            "domicile_address": "Jl. Multatuli 5, Rangkasbitung", "marital_status": "belum_kawin",
            "religion": "islam", "desired_position": {"title": "Operator CNC", "kbji": "7223"},
            "skills": ["cnc", "bubut"], "expected_salary": 5_000_000,
            "contact": {"phone": "081234567890"}}


def vacancy(**changes):
    data = {"title": "Operator CNC",
            "description": "Mengoperasikan mesin CNC & bubut; shift < 12 jam, gaji > UMK.",
            "employment_type": ["FULL_TIME", "CONTRACTOR"], "education": "smk",
            "skills": ["cnc", "bubut"], "address": "Jl. Industri Raya 5",
            "salary": {"min": 5_000_000, "max": 6_500_000, "unit": "MONTH"},
            "valid_through": (utcnow() + timedelta(days=20)).date().isoformat(), "openings": 2}
    data.update(changes)
    return data


def open_vacancies(http, platform, region):
    body = http.get(f"{platform.url}/api/v1/regions/{region}/live", timeout=5).json()
    return body["sections"]["vacancies"].get("open")


def error(response, status, field):
    assert response.status_code == status, response.text
    assert response.json()["error"]["details"]["field"] == field, response.text
    return response.json()["error"]["message"]


def test_seekers_vacancies_applications_and_job_posting(platform, http, token):
    url = platform.url
    officer, employer = token("disnaker_officer", "36.71"), token("citizen", "36.71", "hrd@majulogam")

    # --- seekers: register, duplicates, bad NIK, own record only
    first = http.post(f"{url}/api/v1/regions/36.02/seekers", json=seeker(), timeout=10)
    assert first.status_code == 201, first.text
    budi = first.json()
    me = {"Authorization": f"Bearer {budi['token']}"}
    assert budi["card_number"].startswith("AK1-3602-")
    error(http.post(f"{url}/api/v1/regions/36.02/seekers", json=seeker(), timeout=10), 409, "nik")
    assert "16 digits" in error(http.post(f"{url}/api/v1/regions/36.02/seekers",
                                          json=seeker(nik="36020114059800"), timeout=10), 400, "nik")
    # a NIK first issued in Tangerang Selatan registers in Lebak; Disnaker sees it flagged
    mover = http.post(f"{url}/api/v1/regions/36.02/seekers", json=seeker(nik="3674011405980001"), timeout=10)
    assert mover.status_code == 201, mover.text
    seen = http.get(f"{url}/api/v1/seekers/{mover.json()['seeker_id']}",
                    headers=token("disnaker_officer", "36.02"), timeout=5).json()
    assert (seen["nik_outside_region"], seen["nik_note"]) == (True, "NIK dari luar daerah")
    other = http.post(f"{url}/api/v1/regions/36.02/seekers",
                      json=seeker(nik="3602014302000002", born="2000-02-03", sex="P"), timeout=10).json()
    assert http.get(f"{url}/api/v1/seekers/{budi['seeker_id']}", headers=me, timeout=5).json()["nik"] == \
        "3602011405980001"
    assert http.get(f"{url}/api/v1/seekers/{other['seeker_id']}", headers=me, timeout=5).status_code == 403
    assert http.get(f"{url}/api/v1/seekers/{budi['seeker_id']}", timeout=5).status_code == 401
    patched = http.patch(f"{url}/api/v1/seekers/{budi['seeker_id']}",
                         json={"skills": ["cnc", "bubut", "las"]}, headers=me, timeout=5)
    assert patched.status_code == 200 and patched.json()["skills"] == ["cnc", "bubut", "las"]
    error(http.patch(f"{url}/api/v1/seekers/{budi['seeker_id']}", json={"nik": "3602011405980009"},
                     headers=me, timeout=5), 400, "nik")

    # --- employer and vacancy, bad input first
    company = http.post(f"{url}/api/v1/regions/36.71/employers", headers=employer, timeout=5,
                        json={"name": "PT Maju Logam", "url": "https://majulogam.example.id",
                              "contact": {"email": "hrd@majulogam.example.id"}}).json()
    posts = f"{url}/api/v1/employers/{company['_id']}/vacancies"
    assert "above salary.max" in error(http.post(posts, headers=employer, timeout=5, json=vacancy(
        salary={"min": 7_000_000, "max": 6_000_000})), 400, "salary.min")
    assert "in the past" in error(http.post(posts, headers=employer, timeout=5,
                                            json=vacancy(valid_through="2024-01-31")), 400, "valid_through")
    error(http.post(posts, headers=employer, timeout=5, json=vacancy(employment_type="KONTRAK")), 400,
          "employment_type")
    created = http.post(posts, headers=employer, json=vacancy(), timeout=5)
    assert created.status_code == 201 and created.json()["status"] == "pending"
    vacancy_id = created.json()["id"]
    assert http.get(f"{url}/api/v1/vacancies/{vacancy_id}", timeout=5).status_code == 404
    assert http.get(f"{url}/api/v1/vacancies/{vacancy_id}", headers=employer, timeout=5).status_code == 200
    pending = http.get(f"{url}/api/v1/regions/36.71/vacancies/pending", headers=officer, timeout=5).json()
    assert vacancy_id in [v["id"] for v in pending["items"]]
    assert http.post(f"{url}/api/v1/vacancies/{vacancy_id}/verify", headers=employer,
                     timeout=5).status_code == 403

    # --- verification publishes it; the event reaches the live view
    before = open_vacancies(http, platform, "36.71")
    verified = http.post(f"{url}/api/v1/vacancies/{vacancy_id}/verify", headers=officer, timeout=10)
    assert verified.status_code == 200 and verified.json()["status"] == "published"
    deadline = time.monotonic() + 10
    while open_vacancies(http, platform, "36.71") != before + 1:
        assert time.monotonic() < deadline, "vacancy_posted never reached the live view"
        time.sleep(0.05)
    live = http.get(f"{url}/api/v1/regions/36.71/live", timeout=5).json()["sections"]["vacancies"]
    assert live["newest"][0]["id"] == vacancy_id

    # --- search from Lebak: Kota Tangerang's vacancies are shared with it
    found = http.get(f"{url}/api/v1/regions/36.02/vacancies",
                     params={"q": "cnc", "employment_type": "CONTRACTOR", "min_salary": 6_000_000,
                             "skills": "bubut", "sort": "newest"}, timeout=5).json()
    assert vacancy_id in [v["id"] for v in found["items"]] and "36.71" in found["sources"]
    assert "nik" not in str(found)
    assert http.get(f"{url}/api/v1/regions/36.02/vacancies", params={"min_salary": 7_000_000},
                    timeout=5).json()["total"] == 0
    error(http.get(f"{url}/api/v1/regions/36.02/vacancies", params={"sort": "cheapest"}, timeout=5),
          400, "sort")
    matches = http.get(f"{url}/api/v1/seekers/{budi['seeker_id']}/matches", headers=me, timeout=5).json()
    # other tests share this platform's vacancies, so look for ours among the matches
    ours = [m for m in matches["items"] if m["vacancy"]["id"] == vacancy_id]
    assert ours and ours[0]["score"] > 60

    # --- JSON-LD: the API form and the page a search engine reads
    ld = http.get(f"{url}/api/v1/vacancies/{vacancy_id}", params={"format": "jsonld"}, timeout=5)
    assert ld.headers["Content-Type"].startswith("application/ld+json")
    assert ld.json() == http.get(f"{url}/api/v1/vacancies/{vacancy_id}/jsonld", timeout=5).json()
    page = http.get(f"{url}/loker/{vacancy_id}", timeout=5)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "shift < 12" not in page.text.split("<body>")[0]  # raw < never reaches the script
    data = extruct.extract(page.text, base_url=f"{url}/loker/{vacancy_id}", syntaxes=["json-ld"])
    [posting] = [item for item in data["json-ld"] if item.get("@type") == "JobPosting"]
    for key in REQUIRED + RECOMMENDED + REQUIREMENTS:
        assert posting.get(key), key
    assert posting["educationRequirements"]["credentialCategory"] in ("high school", "bachelor degree",
                                                                      "associate degree")
    assert posting["description"] == vacancy()["description"]
    assert posting["identifier"]["value"] == vacancy_id
    assert posting["hiringOrganization"] == {"@type": "Organization", "name": "PT Maju Logam",
                                             "sameAs": "https://majulogam.example.id"}
    assert posting["jobLocation"]["address"]["addressLocality"] == "Kota Tangerang"
    assert posting["baseSalary"]["currency"] == "IDR"
    assert posting["baseSalary"]["value"]["minValue"] == 5_000_000
    assert posting["employmentType"] == ["FULL_TIME", "CONTRACTOR"]
    assert posting["validThrough"] > posting["datePosted"]

    # --- applications: once, the employer moves it, closed vacancies refuse
    applications = f"{url}/api/v1/vacancies/{vacancy_id}/applications"
    applied = http.post(applications, headers=me, json={"cover_letter": "Siap bekerja shift."}, timeout=5)
    assert applied.status_code == 201, applied.text
    assert "already applied" in error(http.post(applications, headers=me, json={}, timeout=5), 409,
                                      "vacancy_id")
    listed = http.get(applications, headers=employer, timeout=5).json()["items"]
    assert [a["seeker_id"] for a in listed] == [budi["seeker_id"]] and "nik" not in str(listed)
    application_id = applied.json()["id"]
    moved = http.post(f"{url}/api/v1/applications/{application_id}/status", headers=employer,
                      json={"status": "interview", "note": "Senin 09.00"}, timeout=5)
    assert moved.status_code == 200 and moved.json()["status"] == "interview"
    assert http.post(f"{url}/api/v1/applications/{application_id}/status", headers=me,
                     json={"status": "accepted"}, timeout=5).status_code == 403
    withdrawn = http.post(f"{url}/api/v1/applications/{application_id}/withdraw", headers=me, timeout=5)
    assert withdrawn.json()["status"] == "withdrawn"
    error(http.post(f"{url}/api/v1/applications/{application_id}/status", headers=employer,
                    json={"status": "accepted"}, timeout=5), 409, "status")

    closed = http.post(f"{url}/api/v1/vacancies/{vacancy_id}/close", headers=employer, timeout=5)
    assert closed.json()["open"] is False
    she = {"Authorization": f"Bearer {other['token']}"}
    assert "closed" in error(http.post(applications, headers=she, json={}, timeout=5), 409, "vacancy_id")
    deadline = time.monotonic() + 10
    while open_vacancies(http, platform, "36.71") != before:
        assert time.monotonic() < deadline, "vacancy_closed never reached the live view"
        time.sleep(0.05)


def test_region_admin_chooses_the_vacancy_sources(platform, http, token):
    url = f"{platform.url}/api/v1/regions/36.01/vacancy-sources"
    assert http.get(url, timeout=5).json()["sources"] == ["36.01", "36.71"]
    assert http.put(url, json={"sources": ["36.02"]}, headers=token("disnaker_officer", "36.01"),
                    timeout=5).status_code == 403
    error(http.put(url, json={"sources": ["99.99"]}, headers=token("region_admin", "36.01"), timeout=5),
          404, "region")
    changed = http.put(url, json={"sources": ["36.02", "36.71"]}, headers=token("region_admin", "36.01"),
                       timeout=5)
    assert changed.json()["sources"] == ["36.01", "36.02", "36.71"]
    assert http.get(f"{platform.url}/api/v1/regions/36.01/vacancies", params={"regions": "36.02"},
                    timeout=5).status_code == 200


def test_demo_data_loads_and_runs_again(platform, http):
    from tools import demo_data

    demo_data.load_pencaker(http, platform.url)
    demo_data.load_pencaker(http, platform.url)  # `make run` keeps data between runs
    found = http.get(f"{platform.url}/api/v1/regions/36.71/vacancies",
                     params={"q": demo_data.DEMO_EMPLOYER["name"], "per_page": 50}, timeout=5).json()
    assert found["total"] == 4
    tangerang_kab = http.get(f"{platform.url}/api/v1/regions/36.03/vacancies",
                             params={"regions": "36.03"}, timeout=5).json()
    assert [v["title"] for v in tangerang_kab["items"]] == ["Operator Produksi"]
