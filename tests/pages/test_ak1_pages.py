"""AK/1 self-service and vacancy pages over HTTP: register, card with QR, apply (CSRF), follow."""
import re

import extruct
import requests

from tests.pages.test_pages_http import html

FORM = {"nik": "3671011405980001", "name": "Budi Santoso", "birth_place": "Tangerang",
        "birth_date": "1998-05-14", "sex": "L", "domicile_address": "Jl. Imam Bonjol 5, Karawaci",
        "marital_status": "belum_kawin", "religion": "islam", "education_level": "smk",
        "education_major": "Teknik Mesin", "education_institution": "SMKN 2 Tangerang",
        "education_graduation_year": "2016", "skills": "bubut, las", "languages": "Indonesia, Inggris",
        "desired_position": "Operator mesin", "desired_locations": "36.71", "phone": "0812 3456 7890",
        "password": "rahasia-budi-123"}
# Google's required and recommended JobPosting properties, and the education/experience ones
JOB_POSTING = ("title", "description", "datePosted", "validThrough", "hiringOrganization", "jobLocation",
               "baseSalary", "employmentType", "identifier", "directApply", "educationRequirements",
               "experienceRequirements")


def csrf(page):
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_every_vacancy_page_carries_a_full_job_posting(platform, http, demo):
    listed = http.get(f"{platform.url}/api/v1/regions/36.71/vacancies", params={"per_page": 50},
                      timeout=10).json()["items"]
    assert demo["vacancy_id"] in {v["id"] for v in listed}
    for vacancy in listed:
        url = f"{platform.url}/loker/{vacancy['id']}"
        page = html(http.get(url, timeout=10), 200)
        [posting] = [d for d in extruct.extract(page, base_url=url, syntaxes=["json-ld"])["json-ld"]
                     if d.get("@type") == "JobPosting"]
        assert [key for key in JOB_POSTING if not posting.get(key)] == [], url


def test_vacancy_page_is_in_the_layout_in_indonesian_with_a_full_job_posting(platform, http, demo):
    url = f"{platform.url}/loker/{demo['vacancy_id']}"
    response = http.get(url, timeout=10)
    page = html(response, 200)
    assert 'nav class="menu"' in page and "Content-Security-Policy" in response.headers
    assert "Rp5.000.000 &ndash; Rp6.000.000 per bulan" in page and "Purnawaktu" in page
    assert "3 orang" in page and "Lamar sebelum" in page and "MONTH" not in page.split("</head>")[1]
    assert 'property="og:title" content="Operator Mesin Bubut - PT Sinar Logam"' in page
    assert 'name="twitter:card"' in page
    [posting] = [d for d in extruct.extract(page, base_url=url, syntaxes=["json-ld"])["json-ld"]
                 if d.get("@type") == "JobPosting"]
    for key in JOB_POSTING:
        assert posting.get(key), key
    missing = http.get(f"{platform.url}/loker/LK-3671-2020-999999", timeout=10)
    assert "Lowongan itu tidak ditemukan" in html(missing, 404)


def test_register_ak1_apply_with_csrf_and_follow_the_application(platform, demo):
    base, vacancy = platform.url, demo["vacancy_id"]
    with requests.Session() as budi:
        budi.headers["X-Forwarded-For"] = "198.51.100.77"
        form_page = html(budi.get(f"{base}/r/36.71/ak1/daftar", timeout=10), 200)
        assert 'name="nik"' in form_page and "required" in form_page and 'inputmode="numeric"' in form_page
        bad = budi.post(f"{base}/r/36.71/ak1/daftar", data={**FORM, "nik": "123", "csrf": csrf(form_page)},
                        allow_redirects=False, timeout=10)
        assert 'href="#isian-nik"' in html(bad, 400) and "sesi" not in budi.cookies
        done = budi.post(f"{base}/r/36.71/ak1/daftar", data={**FORM, "csrf": csrf(bad.text)},
                         allow_redirects=False, timeout=10)
        assert done.status_code == 303 and done.headers["Location"] == "/ak1", done.text[:500]
        assert "HttpOnly" in done.headers["Set-Cookie"] and "SameSite=Lax" in done.headers["Set-Cookie"]
        card = html(budi.get(f"{base}/ak1", timeout=10), 200)
        number = re.search(r'id="nomor-kartu"[^>]*>(AK1-3671-\d{4}-\d{6})<', card).group(1)
        assert '<svg' in card and 'class="qr"' in card and "Budi Santoso" in card and "Aktif" in card
        assert "Belum ada lamaran" in card

        # applying needs the session's CSRF token: without it nothing is stored
        vacancy_page = html(budi.get(f"{base}/loker/{vacancy}", timeout=10), 200)
        refused = budi.post(f"{base}/loker/{vacancy}/lamar", data={"cover_letter": "Siap."},
                            allow_redirects=False, timeout=10)
        assert refused.status_code == 403
        assert "Belum ada lamaran" in html(budi.get(f"{base}/ak1", timeout=10), 200)
        applied = budi.post(f"{base}/loker/{vacancy}/lamar", data={"csrf": csrf(vacancy_page),
                            "cover_letter": "Siap bekerja shift."}, allow_redirects=False, timeout=10)
        assert applied.status_code == 303 and applied.headers["Location"] == "/ak1#lamaran"
        card = html(budi.get(f"{base}/ak1", timeout=10), 200)
        assert "Operator Mesin Bubut" in card and "Terkirim" in card
        assert "Anda sudah melamar" in html(budi.get(f"{base}/loker/{vacancy}", timeout=10), 200)
        # the report is not due yet: an Indonesian refusal
        early = budi.post(f"{base}/ak1/lapor", data={"csrf": csrf(card)}, timeout=10)
        assert "30 hari sebelum" in html(early, 409)
        html(budi.post(f"{base}/ak1/keluar", data={"csrf": csrf(card)}, timeout=10), 200)
        assert budi.get(f"{base}/ak1", allow_redirects=False, timeout=10).headers["Location"] == \
            "/ak1/masuk?next=/ak1"

    with requests.Session() as again:  # sign in with the card number and password
        again.headers["X-Forwarded-For"] = "198.51.100.78"
        sign_in_page = html(again.get(f"{base}/ak1/masuk", timeout=10), 200)
        wrong = again.post(f"{base}/ak1/masuk", timeout=10, data={
            "card_number": number, "password": "salah-sekali!", "csrf": csrf(sign_in_page)})
        assert "Nomor kartu atau kata sandi salah" in html(wrong, 400)
        signed = again.post(f"{base}/ak1/masuk", allow_redirects=False, timeout=10, data={
            "card_number": number.lower(), "csrf": csrf(wrong.text), "password": FORM["password"],
            "next": "//evil.example/"})
        assert signed.status_code == 303 and signed.headers["Location"] == "/ak1"
        card = html(again.get(f"{base}/ak1", timeout=10), 200)
        assert number in card and "Operator Mesin Bubut" in card and len(card.encode()) < 100_000


def test_a_signed_in_vacancy_page_is_never_cached_nor_handed_to_others(platform, demo):
    url = f"{platform.url}/loker/{demo['vacancy_id']}"
    with requests.Session() as seeker, requests.Session() as stranger:
        seeker.cookies.set("sesi", "not-a-valid-session")  # any session cookie counts as a credential
        mine = seeker.get(url, timeout=10)
        assert mine.status_code == 200 and mine.headers["Cache-Control"] == "no-store"
        public = stranger.get(url, timeout=10)
        assert public.headers["Cache-Control"].startswith("public") and 'name="csrf"' not in public.text
