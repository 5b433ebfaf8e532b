"""The console's prices section over HTTP: the doubtful-value confirmation, CSV import
report, CSRF, and regions kept apart. (A clerk's whole flow runs in the browser test.)"""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests

from tests.console.conftest import csrf_of

MARKET = "pasar-malabar"  # the page tests' demo prices are at pasar-anyar


def market_board(platform, market=MARKET, region="36.71"):
    board = requests.get(f"{platform.url}/api/v1/regions/{region}/prices/markets/{market}/board",
                         timeout=10).json()
    return {item["commodity"]: item["price"] for item in board["items"]}


def test_a_doubtful_price_is_confirmed_before_it_is_stored(platform, accounts):
    http, _ = accounts.session("region_admin")
    form_url = f"{platform.url}/petugas/harga/pasar/{MARKET}"
    page = http.get(form_url, timeout=10)
    assert page.status_code == 200 and len(page.content) < 100_000
    assert page.text.count('class="harga"') == 27  # every commodity of the catalogue
    entry = {"csrf": csrf_of(page.text), "harga-beras-medium": "30.000", "harga-telur-ayam-ras": "29500"}
    assert http.post(form_url, data={**entry, "csrf": ""}, timeout=10).status_code == 403
    asked = http.post(form_url, data=entry, timeout=10)
    assert asked.status_code == 200 and "Periksa lagi 1 harga" in asked.text
    assert "di atas HET" in asked.text and 'name="yakin" value="beras-medium=30000"' in asked.text
    assert market_board(platform) == {}  # nothing stored yet
    wrong = http.post(form_url, data={**entry, "harga-cabai-rawit-merah": "lima puluh"}, timeout=10)
    assert wrong.status_code == 400 and "Tulis harga dalam rupiah" in wrong.text
    saved = http.post(form_url, data={**entry, "yakin": "beras-medium=30000"}, timeout=10)
    assert "2 harga tersimpan (2 baru" in saved.text, saved.text[saved.text.find("<main"):][:1500]
    assert market_board(platform) == {"beras-medium": 30_000, "telur-ayam-ras": 29_500}
    assert 'value="30000"' in saved.text  # the form of the day shows what is stored
    alerts = http.get(f"{platform.url}/petugas/harga", timeout=10).text
    assert "Pasar Malabar" in alerts.split("judul-peringatan")[-1] and "di atas HET" in alerts


def test_csv_upload_reports_each_line(platform, accounts):
    http, _ = accounts.session("region_admin")
    home = http.get(f"{platform.url}/petugas/harga", timeout=10)
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    sheet = ("pasar,komoditas,tanggal,satuan,harga\n"
             f"pasar-ciledug,beras-premium,{today - timedelta(days=1)},kg,15000\n"
             f"pasar-ciledug,gula-pasir,{today - timedelta(days=1)},kg,0\n"
             f"pasar-ciledug,beras-premium,{today - timedelta(days=1)},kg,16000\n"
             f"pasar-ciledug,beras-premium,{today + timedelta(days=3)},kg,15000\n")
    report = http.post(f"{platform.url}/petugas/harga/unggah", data={"csrf": csrf_of(home.text)},
                       files={"berkas": ("harga.csv", sheet.encode(), "text/csv")}, timeout=30)
    assert report.status_code == 200, report.text[-2000:]
    text = report.text
    assert '<strong id="diterima">1</strong>' in text and '<strong id="kosong">1</strong>' in text
    assert '<strong id="ditolak">2</strong>' in text
    assert "<td>4</td><td>harga</td>" in text and "<td>5</td><td>tanggal</td>" in text
    assert market_board(platform, "pasar-ciledug") == {"beras-premium": 15_000}


def test_an_admin_of_36_03_records_nothing_in_36_71(platform, accounts):
    http, _ = accounts.session("region_admin", region="36.03")
    home = http.get(f"{platform.url}/petugas/harga", timeout=10)
    assert "Pasar Anyar" not in home.text and "Pasar Kutabumi" in home.text
    refused = http.post(f"{platform.url}/petugas/harga/pasar/pasar-modern-cikokol", timeout=10,
                        data={"csrf": csrf_of(home.text), "harga-beras-medium": "13000"})
    assert refused.status_code == 400
    assert market_board(platform, "pasar-modern-cikokol") == {}
    # a Disnaker officer has no prices section
    disnaker, _ = accounts.session("disnaker_officer")
    assert disnaker.get(f"{platform.url}/petugas/harga", timeout=10).status_code == 403


def test_a_market_price_clerk_works_in_prices_only(platform, accounts):
    http, _ = accounts.session("price_clerk")
    home = http.get(f"{platform.url}/petugas/", timeout=10)
    assert 'href="/petugas/harga"' in home.text and 'href="/petugas/laksa"' not in home.text
    form_url = f"{platform.url}/petugas/harga/pasar/{MARKET}"
    page = http.get(form_url, timeout=10)
    saved = http.post(form_url, timeout=10, data={"csrf": csrf_of(page.text), "harga-gula-pasir": "17500"})
    assert "1 harga tersimpan" in saved.text
    assert market_board(platform)["gula-pasir"] == 17_500
    for elsewhere in ("/petugas/laksa", "/petugas/wilayah", "/petugas/berita", "/petugas/disnaker"):
        assert http.get(platform.url + elsewhere, timeout=10).status_code == 403, elsewhere


def test_prices_refused_for_a_race_are_named_to_the_officer_in_indonesian():
    from services.gateway.prices.console import not_recorded
    from services.servicekit.errors import Conflict

    # as the RPC delivers it: error details as text
    refused = Conflict("2 price(s) not recorded ...",
                       {"field": "prices", "lines": ["2", "5"], "recorded": "3"})
    assert not_recorded(refused) == (
        "2 harga belum tersimpan (baris 2, 5) karena petugas lain mengoreksi harga yang sama bersamaan; "
        "3 harga lain tersimpan. Kirim sekali lagi untuk menyimpan sisanya.")
