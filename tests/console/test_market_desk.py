"""A region's markets through the gateway (#28): the JSON API (list, add, rename or move,
retire) and the console page /petugas/harga/daftar-pasar, on the real platform. Refusals
name every bad field and change nothing stored. Region 36.72 (Kota Cilegon) only."""
import requests

from tests.console.conftest import csrf_of

REGION = "36.72"


def markets(platform):
    answer = requests.get(f"{platform.url}/api/v1/regions/{REGION}/prices/markets", timeout=10)
    assert answer.status_code == 200, answer.text
    return {m["code"]: m for m in answer.json()["items"]}


def test_markets_through_the_json_api(platform, http, token):
    url = f"{platform.url}/api/v1/regions/{REGION}/prices/markets"
    clerk = token("price_clerk", REGION)
    before = markets(platform)
    refused = http.post(url, json={"code": "Pasar X!", "name": "P", "type": "mall", "lat": 91, "lon": 200},
                        headers=clerk, timeout=10)
    assert refused.status_code == 400, refused.text
    assert set(refused.json()["error"]["details"]["fields"]) == {"code", "name", "type", "lat", "lon"}
    assert markets(platform) == before  # nothing stored
    assert http.post(url, json={"code": "pasar-uji", "name": "Pasar Uji", "type": "modern", "lat": -6.0,
                                "lon": 106.0}, timeout=10).status_code == 401
    other = http.post(url, headers=token("region_admin", "36.71"), timeout=10, json={
        "code": "pasar-uji", "name": "Pasar Uji", "type": "modern", "lat": -6.0, "lon": 106.0})
    assert other.status_code == 403
    assert "pasar-uji" not in markets(platform)
    added = http.post(url, headers=clerk, timeout=10, json={
        "code": "pasar-uji", "name": "Pasar Uji", "type": "modern", "lat": -6.01, "lon": 106.05})
    assert added.status_code == 201 and added.headers["Location"].endswith("/markets/pasar-uji/board")
    assert markets(platform)["pasar-uji"]["lat"] == -6.01
    half = http.patch(f"{url}/pasar-uji", json={"lat": -6.02}, headers=clerk, timeout=10)
    assert half.status_code == 400 and set(half.json()["error"]["details"]["fields"]) == {"lon"}
    moved = http.patch(f"{url}/pasar-uji", json={"lat": -6.02, "lon": 106.06}, headers=clerk, timeout=10)
    assert moved.status_code == 200 and moved.json()["name"] == "Pasar Uji", moved.text
    renamed = http.patch(f"{url}/pasar-uji", json={"name": "Pasar Uji Baru"}, headers=clerk, timeout=10)
    assert renamed.json()["name"] == "Pasar Uji Baru" and renamed.json()["lon"] == 106.06
    retired = http.post(f"{url}/pasar-uji/retire", json={"reason": "uji"}, headers=clerk, timeout=10)
    assert retired.status_code == 200 and retired.json()["active"] is False
    again = http.post(f"{url}/pasar-uji/retire", headers=clerk, timeout=10)
    assert again.status_code == 409
    assert markets(platform)["pasar-uji"]["retired"] == retired.json()["retired"]


def test_markets_in_the_console_with_confirm_before_retire(platform, accounts):
    http, _ = accounts.session("region_admin", region=REGION)
    page_url = f"{platform.url}/petugas/harga/daftar-pasar"
    page = http.get(page_url, timeout=10)
    assert page.status_code == 200 and "Tambah pasar" in page.text and len(page.content) < 100_000
    before = markets(platform)
    bad = http.post(page_url, timeout=10, data={"csrf": csrf_of(page.text), "kode": "Pasar Salah",
                                                "nama": "Pa", "jenis": "modern", "lintang": "95",
                                                "bujur": "106.1"})
    assert bad.status_code == 400
    for field in ("kode", "nama", "lintang"):
        assert f'id="galat-{field}"' in bad.text, field
    assert 'value="Pasar Salah"' in bad.text  # the form shows what was sent
    assert markets(platform) == before
    added = http.post(page_url, timeout=10, data={"csrf": csrf_of(page.text), "kode": "pasar-konsol",
                                                  "nama": "Pasar Konsol", "jenis": "traditional",
                                                  "lintang": "-6,0123", "bujur": "106.0456"})
    assert "Pasar Konsol ditambahkan" in added.text, added.text[-2000:]
    assert markets(platform)["pasar-konsol"]["lat"] == -6.0123
    changed = http.post(f"{page_url}/pasar-konsol/ubah", timeout=10,
                        data={"csrf": csrf_of(page.text), "nama": "Pasar Konsol Raya", "lintang": "-6.0123",
                              "bujur": "106.0456"})
    assert "Pasar Konsol Raya disimpan" in changed.text
    asked = http.post(f"{page_url}/pasar-konsol/tutup", timeout=10, data={"csrf": csrf_of(page.text)})
    assert asked.status_code == 200 and "Tutup Pasar Konsol Raya?" in asked.text
    assert markets(platform)["pasar-konsol"]["active"]  # asking changed nothing
    done = http.post(f"{page_url}/pasar-konsol/tutup", timeout=10,
                     data={"csrf": csrf_of(page.text), "yakin": "ya", "alasan": "pindah"})
    assert "ditutup" in done.text and not markets(platform)["pasar-konsol"]["active"]
    # another region's officer cannot touch it
    other, _ = accounts.session("price_clerk", region="36.71")
    other_page = other.get(page_url, timeout=10)
    assert "Pasar Konsol" not in other_page.text
