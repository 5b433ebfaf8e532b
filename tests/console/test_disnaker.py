"""The console's Disnaker section over HTTP: CSRF, the AK/1 lookup, and regions kept apart."""
import uuid

import requests

from tests.console.conftest import csrf_of
from tests.pencaker.test_api import seeker, vacancy


def pending_vacancy(platform, token, title, region="36.71"):
    employer = token("citizen", region, f"hrd-{uuid.uuid4().hex[:6]}@contoh.id")
    company = requests.post(f"{platform.url}/api/v1/regions/{region}/employers", headers=employer, timeout=10,
                            json={"name": "PT Maju Bersama", "sector": "Manufaktur",
                                  "contact": {"email": "hrd@maju.example.id"}}).json()
    made = requests.post(f"{platform.url}/api/v1/employers/{company['_id']}/vacancies", headers=employer,
                         json=vacancy(title=title), timeout=10)
    assert made.status_code == 201, made.text
    return company, made.json()


def status_of(platform, token, vacancy_id, region="36.71"):
    return requests.get(f"{platform.url}/api/v1/vacancies/{vacancy_id}", timeout=10,
                        headers=token("disnaker_officer", region)).json()["status"]


def test_a_verification_without_its_csrf_token_is_refused_and_changes_nothing(platform, accounts, token):
    company, job = pending_vacancy(platform, token, f"Teknisi Listrik {uuid.uuid4().hex[:4]}")
    http, _ = accounts.session("disnaker_officer")
    page = http.get(f"{platform.url}/petugas/disnaker", timeout=10)
    assert page.status_code == 200 and job["title"] in page.text and len(page.content) < 100_000
    verify = f"{platform.url}/petugas/disnaker/lowongan/{job['id']}/verifikasi"
    for form in ({}, {"csrf": "bukan-token-sesi"}):
        refused = http.post(verify, data=form, allow_redirects=False, timeout=10)
        assert refused.status_code == 403 and "kedaluwarsa" in refused.text
    assert status_of(platform, token, job["id"]) == "pending"
    # an empty reason is refused in Indonesian and leaves it pending
    empty = http.post(f"{platform.url}/petugas/disnaker/lowongan/{job['id']}/tolak", timeout=10,
                      data={"csrf": csrf_of(page.text), "alasan": " "})
    assert "Tulis alasan penolakan" in empty.text and status_of(platform, token, job["id"]) == "pending"
    done = http.post(verify, data={"csrf": csrf_of(page.text)}, timeout=10)
    assert "sudah diverifikasi dan tayang" in done.text and job["title"] not in done.text.split("</h1>")[1]
    assert status_of(platform, token, job["id"]) == "published"
    listing = http.get(f"{platform.url}/petugas/disnaker/pemberi-kerja/{company['_id']}", timeout=10).text
    assert job["title"] in listing and "Tayang" in listing


def test_ak1_lookup_by_nik_shows_a_nik_from_elsewhere(platform, accounts):
    made = requests.post(f"{platform.url}/api/v1/regions/36.71/seekers", timeout=10,
                         json=seeker(nik="3602011405990007", born="1999-05-14"))
    assert made.status_code == 201, made.text
    http, _ = accounts.session("disnaker_officer")
    found = http.get(f"{platform.url}/petugas/disnaker/ak1", params={"nik": "3602 0114 0599 0007"},
                     timeout=10)
    assert "Budi Santoso" in found.text and "NIK dari luar daerah" in found.text
    assert "NIK harus 16 angka" in http.get(f"{platform.url}/petugas/disnaker/ak1?nik=123", timeout=10).text
    missing = http.get(f"{platform.url}/petugas/disnaker/ak1?nik=3671011405990008", timeout=10).text
    assert "Tidak ada kartu AK/1" in missing
    # another region's officer does not find the card
    other, _ = accounts.session("disnaker_officer", region="36.03")
    elsewhere = other.get(f"{platform.url}/petugas/disnaker/ak1?nik=3602011405990007", timeout=10).text
    assert "Budi Santoso" not in elsewhere and "Tidak ada kartu AK/1" in elsewhere


def test_an_officer_of_36_03_sees_and_changes_nothing_of_36_71(platform, accounts, token):
    company, job = pending_vacancy(platform, token, f"Juru Masak {uuid.uuid4().hex[:4]}")
    http, _ = accounts.session("disnaker_officer", region="36.03")
    page = http.get(f"{platform.url}/petugas/disnaker", timeout=10)
    assert page.status_code == 200 and job["title"] not in page.text
    employers = http.get(f"{platform.url}/petugas/disnaker/pemberi-kerja", timeout=10).text
    assert company["_id"] not in employers
    for path in (f"/petugas/disnaker/pemberi-kerja/{company['_id']}",
                 f"/petugas/disnaker/lowongan/{job['id']}/lamaran"):
        assert http.get(f"{platform.url}{path}", timeout=10).status_code == 403
    refused = http.post(f"{platform.url}/petugas/disnaker/lowongan/{job['id']}/verifikasi",
                        data={"csrf": csrf_of(page.text)}, allow_redirects=False, timeout=10)
    assert refused.status_code == 403
    assert status_of(platform, token, job["id"]) == "pending"
    # and an editor of 36.71 has no Disnaker section at all
    editor, _ = accounts.session("editor")
    assert editor.get(f"{platform.url}/petugas/disnaker", timeout=10).status_code == 403
