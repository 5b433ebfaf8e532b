"""HTTP caching and compression through the running gateway, and pages that stay current:
ETag/304, gzip and brotli, Cache-Control per route, kept answers dropped by events, and the
same numbers on beranda as on the lists behind them."""
import gzip
import json
import re
from zoneinfo import ZoneInfo

import brotli

from services.servicekit.envelope import utcnow
from tests.helpers import wait_for
from tests.pencaker.test_api import vacancy

IDENTITY = {"Accept-Encoding": "identity"}


def raw_get(http, url, **headers):
    """(response, the bytes as sent) without requests decoding them."""
    response = http.get(url, headers={"Accept-Encoding": "identity", **headers}, timeout=10, stream=True)
    return response, response.raw.read(decode_content=False)


def test_live_view_revalidates_and_compresses(platform, http):
    url = f"{platform.url}/api/v1/regions/36.71/live"
    plain, body = raw_get(http, url)
    assert plain.status_code == 200 and plain.headers["Vary"] == "Accept-Encoding"
    assert re.fullmatch(r"public, max-age=\d+, stale-while-revalidate=\d+", plain.headers["Cache-Control"])
    etag = plain.headers["ETag"]
    same, empty = raw_get(http, url, **{"If-None-Match": etag})
    assert same.status_code == 304 and empty == b"" and same.headers["ETag"] == etag
    for encoding, decode in (("gzip", gzip.decompress), ("br", brotli.decompress)):
        packed, sent = raw_get(http, url, **{"Accept-Encoding": encoding})
        assert packed.headers["Content-Encoding"] == encoding and len(sent) < len(body)
        assert json.loads(decode(sent))["sections"].keys() == json.loads(body)["sections"].keys()
        assert packed.headers["ETag"] != etag  # one validator per representation
        assert raw_get(http, url, **{"Accept-Encoding": encoding,
                                     "If-None-Match": packed.headers["ETag"]})[0].status_code == 304


def test_an_event_changes_the_kept_answers_of_its_region(platform, http):
    url, page = f"{platform.url}/api/v1/regions/36.03/live", f"{platform.url}/r/36.03/"
    before = http.get(url, headers=IDENTITY, timeout=10)
    received = before.json()["sections"]["aspirasi"]["received"]
    assert f"<strong>{received}</strong>laporan diterima" in http.get(page, timeout=10).text
    assert http.post(f"{platform.url}/api/v1/regions/36.03/aspirasi", timeout=10, json={
        "category": "sampah", "description": "Sampah di saluran air", "anonymous": True,
        "location": {"address": "Jl. Raya Serang"}}).status_code == 201
    wait_for(lambda: http.get(url, headers={"If-None-Match": before.headers["ETag"], **IDENTITY},
                              timeout=10).status_code == 200, 10, "the live view's ETag to change")
    assert http.get(url, timeout=10).json()["sections"]["aspirasi"]["received"] == received + 1
    assert f"<strong>{received + 1}</strong>laporan diterima" in http.get(page, timeout=10).text


def test_personal_and_authenticated_answers_are_never_stored(platform, http, token):
    lapor = http.get(f"{platform.url}/r/36.71/lapor", timeout=10)  # its form carries a one-time key
    assert lapor.status_code == 200 and lapor.headers["Cache-Control"] == "no-store"
    assert "ETag" not in lapor.headers
    officer = token("region_admin", "36.71")
    live = http.get(f"{platform.url}/api/v1/regions/36.71/live", headers=officer, timeout=10)
    assert live.status_code == 200 and live.headers["Cache-Control"] == "no-store"
    missing = http.get(f"{platform.url}/api/v1/regions/99.99/live", timeout=10)
    assert missing.status_code == 404 and missing.headers["Cache-Control"] == "no-store"


def test_the_harga_page_shows_a_new_price_at_once(platform, http, token):
    region, market = "36.04", "pasar-baros"
    page = f"{platform.url}/r/{region}/harga"
    first = http.get(page, timeout=10)
    assert first.status_code == 200 and first.headers["Cache-Control"].startswith("public")
    today = utcnow().astimezone(ZoneInfo("Asia/Jakarta")).date().isoformat()
    recorded = http.post(f"{platform.url}/api/v1/regions/{region}/prices/markets/{market}/records",
                         json={"date": today, "prices": [{"commodity": "gula-pasir", "price": 18350}]},
                         headers=token("region_admin", region), timeout=10)
    assert recorded.status_code == 201, recorded.text
    wait_for(lambda: "Rp18.350/kg" in http.get(page, timeout=10).text, 10, "the new price on harga")
    beranda = http.get(f"{platform.url}/r/{region}/", timeout=10).text
    wait_for(lambda: "Rp18.350/kg" in http.get(f"{platform.url}/r/{region}/", timeout=10).text, 10,
             "the price with its unit on beranda")
    assert "gula-pasir" not in beranda.split('id="bagian-prices"')[1].split("</section>")[0]


def test_beranda_counts_the_open_vacancies_the_loker_page_lists(platform, http, token):
    """Lebak shows Kota Tangerang's vacancies: its beranda counts them too."""
    employer = token("citizen", "36.71", "hrd@lebakcount")
    company = http.post(f"{platform.url}/api/v1/regions/36.71/employers", headers=employer, timeout=10,
                        json={"name": "PT Hitung Sama", "contact": {"email": "hrd@hitung.example.id"}}).json()
    created = http.post(f"{platform.url}/api/v1/employers/{company['_id']}/vacancies", headers=employer,
                        json=vacancy(title="Juru hitung"), timeout=10).json()
    assert http.post(f"{platform.url}/api/v1/vacancies/{created['id']}/verify",
                     headers=token("disnaker_officer", "36.71"), timeout=10).status_code == 200

    def agree():
        shown = http.get(f"{platform.url}/api/v1/regions/36.02/live", timeout=10).json()
        listed = http.get(f"{platform.url}/api/v1/regions/36.02/vacancies", timeout=10).json()
        found = created["id"] in [v["id"] for v in shown["sections"]["vacancies"]["newest"]]
        return found and shown["sections"]["vacancies"]["open"] == listed["total"] and listed["total"]
    total = wait_for(agree, 10, "Lebak's live view to count what its loker lists")
    beranda = http.get(f"{platform.url}/r/36.02/", timeout=10).text
    assert f"<strong>{total}</strong>lowongan dibuka" in beranda
    loker = http.get(f"{platform.url}/r/36.02/loker", timeout=10).text
    assert "Juru hitung" in loker


def test_no_store_pages_are_compressed_too(platform, http):
    """Private is not uncompressible (#31): lapor, lacak, AK/1 registration and the region chooser
    are `no-store` yet leave gzip- or brotli-encoded, decoding to the page as sent plain."""
    for path in ("/", "/r/36.71/lapor", "/r/36.71/lacak", "/r/36.71/ak1/daftar"):
        plain, plain_body = raw_get(http, f"{platform.url}{path}")
        assert plain.status_code == 200 and plain.headers["Cache-Control"] == "no-store", path
        assert "Content-Encoding" not in plain.headers and b"</html>" in plain_body, path
        for encoding, decode in (("gzip", gzip.decompress), ("br", brotli.decompress)):
            answer, body = raw_get(http, f"{platform.url}{path}", **{"Accept-Encoding": encoding})
            assert answer.headers["Cache-Control"] == "no-store" and "ETag" not in answer.headers, path
            assert answer.headers.get("Content-Encoding") == encoding, (path, encoding)
            assert "Accept-Encoding" in answer.headers["Vary"] and len(body) < len(plain_body) / 2
            assert b"</html>" in decode(body), (path, encoding)
