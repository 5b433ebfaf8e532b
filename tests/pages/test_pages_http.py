"""The citizen pages over plain HTTP: status codes, form errors in Indonesian, no personal data."""
import hashlib
import itertools
import re

import pytest

from services.gateway.web.templating import tanggal
from services.servicekit.regions import all_regions
from tests.helpers import until_limited, wait_for

NIK, PHONE, EMAIL = "3671011405980001", "0812 7777 3131", "siti.aminah@contoh.id"
CLIENTS = itertools.count(20)


def client(http):
    """Each test its own client address, so the submission limit is its own."""
    http.headers["X-Forwarded-For"] = f"198.51.100.{next(CLIENTS)}"
    return http


def lapor_form(http, url, region="36.71"):
    page = http.get(f"{url}/r/{region}/lapor", timeout=10)
    assert page.status_code == 200, page.text
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text).group(1)
    category = re.search(r'<option value="([^"]+)"', page.text).group(1)
    return {"idempotency_key": key, "category": category,
            "description": "Lampu jalan mati sejak tiga hari di depan masjid.",
            "address": "Jl. Daan Mogot No. 10, Tangerang", "lat": "-6.1781", "long": "106.6319",
            "name": "Siti Aminah", "phone": PHONE, "email": EMAIL, "nik": NIK}


def html(response, status):
    assert response.status_code == status, response.text[:2000]
    assert response.headers["Content-Type"].startswith("text/html")
    return response.text


def test_home_is_a_region_chooser_that_remembers_the_choice(platform, http):
    chooser = html(http.get(f"{platform.url}/", allow_redirects=False, timeout=10), 200)
    for region in all_regions():
        assert f'<a href="/pilih/{region.code}">{region.name}</a>' in chooser
    assert "Set-Cookie" not in http.get(f"{platform.url}/r/32.73/", timeout=10).headers  # cacheable
    chosen = http.get(f"{platform.url}/pilih/32.73", allow_redirects=False, timeout=10)
    assert chosen.status_code == 303 and chosen.headers["Location"] == "/r/32.73/"
    assert http.cookies.get("wilayah") == "32.73"
    back = http.get(f"{platform.url}/", allow_redirects=False, timeout=10)
    assert back.status_code == 303 and back.headers["Location"] == "/r/32.73/"
    assert "Halaman ini pindah ke" in html(back, 303)
    page = html(http.get(f"{platform.url}/r/36.71/", timeout=10), 200)
    for heading in ("Berita terbaru", "Lowongan kerja", "Aspirasi warga"):
        assert heading in page
    assert page.count("Diperbarui ") >= 3 and "Sedang tidak tersedia" not in page
    for region in all_regions():  # the switcher lists every registered region (and remembers it)
        assert f'href="/pilih/{region.code}"' in page and region.name in page
    # One script, our own offline helper (progressive); nothing inline may run.
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/tl-offline.js" defer data-region="36.71">']
    policy = http.get(f"{platform.url}/r/36.71/", timeout=10).headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("style-src")[0]


def test_unknown_pages_and_wrong_methods_are_indonesian_pages(platform, http):
    # a page without its trailing slash is the page, not werkzeug's English redirect
    assert "Tangerang Live: Kota Tangerang" in html(http.get(f"{platform.url}/r/36.71", allow_redirects=False,
                                                             timeout=10), 200)
    for path in ("/r/36.71/nope", "/lacak/", "/tidak/ada"):
        assert "Halaman tidak ditemukan" in html(http.get(f"{platform.url}{path}", timeout=10), 404)
    wrong = http.delete(f"{platform.url}/r/36.71/lapor", timeout=10)
    assert "Metode tidak diizinkan" in html(wrong, 405) and "POST" in wrong.headers["Allow"]
    assert http.get(f"{platform.url}/api/v1/nope", timeout=10).json()["error"]["code"] == "not_found"
    icon = http.get(f"{platform.url}/favicon.ico", timeout=10)
    assert icon.status_code == 200 and icon.headers["Content-Type"].startswith("image/svg+xml")


def test_unknown_region_ticket_and_article_are_html_404s(platform, http):
    assert "tidak dikenal" in html(http.get(f"{platform.url}/r/99.99/", timeout=10), 404)
    html(http.get(f"{platform.url}/r/abc/lapor", timeout=10), 400)
    missing = http.get(f"{platform.url}/lacak/LAKSA-3671-2020-999999", timeout=10)
    assert "tidak ditemukan" in html(missing, 404)
    html(http.get(f"{platform.url}/berita/36.71/tidak-ada-berita-ini", timeout=10), 404)


def test_lapor_creates_one_ticket_per_form_and_lacak_shows_no_personal_data(platform, http):
    url, http = platform.url, client(http)
    form = lapor_form(http, url)
    first = http.post(f"{url}/r/36.71/lapor", data=form, allow_redirects=False, timeout=10)
    assert first.status_code == 303, first.text[:2000]
    again = http.post(f"{url}/r/36.71/lapor", data=form, allow_redirects=False, timeout=10)
    assert again.headers["Location"] == first.headers["Location"]  # double submit: one ticket
    number = re.fullmatch(r"/lacak/(LAKSA-3671-\d{4}-\d{6})\?baru=1", first.headers["Location"]).group(1)

    page = html(http.get(f"{url}{first.headers['Location']}", timeout=10), 200)
    # the confirmation: the number to keep and the due date of verification
    assert f'<strong id="nomor-tiket" style="font-size:1.2rem">{number}</strong>' in page
    assert re.search(r'id="batas-verifikasi">\d+ \w+ \d{4} \d\d\.\d\d WIB<', page)
    assert "Terkirim" in page and "Jl. Daan Mogot No. 10" in page and "Lampu jalan mati" in page
    for personal in (NIK, PHONE, EMAIL, "Siti Aminah", "0812"):
        assert personal not in page
    # the tracking secret is shown once, right after the submission, and it works
    secret = re.search(r"Kode rahasia pelacakan: <code>([\w-]+)</code>", page).group(1)
    again = html(http.get(f"{url}{first.headers['Location']}", timeout=10), 200)
    assert "Kode rahasia" not in again and secret not in again
    assert platform.db("aspirasi").tickets.find_one({"_id": number})["tracking_hash"] == (
        hashlib.sha256(secret.encode()).hexdigest())
    looked_up = http.get(f"{url}/r/36.71/lacak", params={"number": number.lower()}, allow_redirects=False,
                         timeout=10)
    assert looked_up.status_code == 303 and looked_up.headers["Location"] == f"/lacak/{number}"


def test_the_secret_cookie_is_secure_behind_the_tls_ingress(platform, http):
    """The ingress ends TLS and says so in X-Forwarded-Proto: the cookie carrying the
    tracking secret must then be Secure; over plain HTTP (make run) it cannot be."""
    url, http = platform.url, client(http)
    for proto, secure in (("https", True), (None, False)):
        headers = {"X-Forwarded-Proto": proto} if proto else {}
        sent = http.post(f"{url}/r/36.71/lapor", data=lapor_form(http, url), headers=headers,
                         allow_redirects=False, timeout=10)
        assert sent.status_code == 303, sent.text[:2000]
        cookie = sent.headers["Set-Cookie"]
        assert cookie.startswith("tl_rahasia=") and "HttpOnly" in cookie, cookie
        assert ("; Secure" in cookie) is secure, (proto, cookie)


# Pages translate a refusal by its code (messages_id.yaml), never its English.
@pytest.mark.parametrize("change, field, message", [
    ({"description": "  "}, "description", "Wajib diisi."),
    ({"phone": "telepon saya", "email": ""}, "phone", "Tulis nomor telepon seperti 0812 3456 7890."),
    ({"email": "bukan-email"}, "email", "Tulis alamat e-mail seperti nama@contoh.go.id."),
    ({"nik": "12345"}, "nik", "NIK harus 16 angka."),
    ({"nik": "3671013205980001"}, "nik", "Angka ke-7 sampai ke-12 NIK harus tanggal lahir"),
    ({"phone": "", "email": ""}, "reporter", "Isi nomor telepon atau e-mail"),
    ({"address": "", "lat": "", "long": ""}, "location", "Isi alamat lokasi"),
    ({"lat": "utara", "long": "106.6"}, "location", "harus berupa angka"),
    ({"category": "tidak-ada"}, "category", "Kategori ini tidak tersedia"),
])
def test_lapor_errors_are_indonesian_next_to_their_field(platform, http, change, field, message):
    url, http = platform.url, client(http)
    form = {**lapor_form(http, url), **change}
    page = html(http.post(f"{url}/r/36.71/lapor", data=form, timeout=10), 400)
    shown = re.search(rf'<p class="galat" id="galat-{field}">([^<]+)</p>', page)
    assert shown and message in shown.group(1), page[:3000]
    assert "Laporan belum terkirim" in page
    # the form comes back filled in, with the same key: fixing it and sending makes one ticket
    assert f'value="{form["idempotency_key"]}"' in page
    assert "Jl. Daan Mogot" in page or field == "location"


def test_lapor_shows_every_mistake_at_once_each_linked_to_its_field(platform, http):
    url, http = platform.url, client(http)
    form = {**lapor_form(http, url), "description": "", "email": "bukan-email", "nik": "12345",
            "name": ""}
    page = html(http.post(f"{url}/r/36.71/lapor", data=form, timeout=10), 400)
    summary = re.search(r'<div class="ringkasan-galat".+?</div>', page, re.S).group(0)
    for field in ("description", "email", "nik", "name"):
        assert f'href="#isian-{field}"' in summary and f'id="isian-{field}"' in page, field
        assert f'id="galat-{field}"' in page, field


def test_a_nik_from_another_region_is_accepted(platform, http):
    """A NIK is for life: a Lebak NIK reports in Kota Tangerang (officers see it flagged)."""
    url, http = platform.url, client(http)
    form = {**lapor_form(http, url), "nik": "3602011405980001"}
    response = http.post(f"{url}/r/36.71/lapor", data=form, timeout=10)
    assert "Terkirim" in html(response, 200) and "/lacak/LAKSA-3671-" in response.url


def test_anonymous_report_needs_no_contact(platform, http):
    url, http = platform.url, client(http)
    form = {**lapor_form(http, url), "anonymous": "1", "name": "", "phone": "", "email": "", "nik": ""}
    response = http.post(f"{url}/r/36.71/lapor", data=form, timeout=10)
    assert "Terkirim" in html(response, 200) and "/lacak/LAKSA-3671-" in response.url


def test_lapor_submissions_are_rate_limited_with_a_429_page(platform, http):
    url, http = platform.url, client(http)
    http.headers["X-Forwarded-For"] = "203.0.113.201"
    statuses = until_limited(lambda: http.post(f"{url}/r/36.71/lapor", data={}, timeout=10).status_code, 20)
    assert statuses[:20] == [400] * 20 and statuses[-1] == 429
    limited = http.post(f"{url}/r/36.71/lapor", data={}, timeout=10)
    assert "Coba lagi dalam" in html(limited, 429) and int(limited.headers["Retry-After"]) >= 1


def test_harga_shows_changes_per_market(platform, http, demo):
    if not demo["prices"]:
        pytest.skip("the prices service is not registered in services/platform/service_index.py yet")
    page = html(http.get(f"{platform.url}/r/36.71/harga", params={"market": "pasar-anyar"}, timeout=10), 200)
    assert "Pasar Anyar" in page and "Beras medium" in page and "Rp13.500" in page
    assert "&#9650; 3,9%" in page  # 13.000 -> 13.500: +3,85%
    assert "&#9660; 8,3%" in page  # 60.000 -> 55.000
    # each reference with the instrument that set it: beras at its HET (allowed), cabai in its HAP range
    assert "HET Rp13.500" in page and "HAP Rp40.000&ndash;Rp57.000" in page and "di atas" not in page
    sources = re.search(r'<ol class="kecil" id="sumber-acuan">(.+?)</ol>', page).group(1)
    assert "Keputusan Kepala Badan Pangan Nasional Nomor 299 Tahun 2025" in sources
    assert "Peraturan Badan Pangan Nasional Nomor 17 Tahun 2023" in sources
    rows = assert_garlic_is_of_yesterday(page, demo["yesterday"])
    assert set(rows) == {"bawang-putih", "beras-medium", "cabai-rawit-merah"}  # all this market priced
    html(http.get(f"{platform.url}/r/36.71/harga", params={"market": "pasar-bulan"}, timeout=10), 404)


def board_rows(page):
    table = re.search(r'<table id="papan-harga"[^>]*>.+?</table>', page, re.S).group(0)
    return {code: row for code, row in re.findall(r'<tr><td><a href="/r/36.71/harga/([\w-]+)">(.+?)</tr>',
                                                   table, re.S)}


def assert_garlic_is_of_yesterday(page, yesterday):
    """Garlic was priced only yesterday: still listed, its price said to be of its own date
    ("per 26 November 2026") in its phone card's Harga cell; the rows of the board's day say nothing."""
    rows = board_rows(page)
    garlic = re.search(r'<td class="uang" data-label="Harga">Rp38\.000/kg(.+?)</td>', rows["bawang-putih"],
                       re.S)
    assert garlic and garlic.group(1).startswith(f'<div class="kecil">per {tanggal(yesterday)}</div>')
    assert not any('<div class="kecil">per ' in rows[code] for code in ("beras-medium", "cabai-rawit-merah"))
    assert "memakai harga terakhirnya" in page
    return rows


def test_harga_region_board_charts_and_comparison(platform, http, demo):
    if not demo["prices"]:
        pytest.skip("the prices service is not registered")
    url = platform.url
    page = html(http.get(f"{url}/r/36.71/harga", timeout=10), 200)
    rice = re.search(r"<tr><td><a href=\"/r/36.71/harga/beras-medium\">.+?</tr>", page, re.S).group(0)
    # the median and the markets behind it as the prices service counts them (other tests on this
    # platform record prices in 36.71 too), the named date of the change, the sparkline with its HET line
    board = http.get(f"{url}/api/v1/regions/36.71/prices/board", timeout=10).json()["items"]
    item = next(i for i in board if i["commodity"] == "beras-medium")
    price = f"Rp{round(item['price']):,}".replace(",", ".")
    assert f"{price}/kg" in rice and f"{item['markets']} pasar" in rice and "sejak " in rice
    assert '<svg class="spark"' in rice and "<polyline" in rice and 'stroke="#b3261e"' in rice
    # on a phone each cell names its column (base.html's .kartu-hp)
    assert all(f'data-label="{label}"' in rice for label in ("Harga", "Perubahan", "Acuan", "30 hari"))
    assert "perubahan dibanding " in page and page.count("<script") == 1  # the offline helper only
    chili = re.search(r"<tr><td><a href=\"/r/36.71/harga/cabai-rawit-merah\">.+?</tr>", page, re.S).group(0)
    assert "HAP Rp40.000&ndash;Rp57.000" in chili
    assert_garlic_is_of_yesterday(page, demo["yesterday"])
    # beranda's prices (the live view) say it too
    beranda = wait_for(lambda: (got := http.get(f"{url}/r/36.71/", timeout=10).text) and
                       "Bawang putih bonggol" in got and got, what="garlic on beranda")
    garlic = re.search(r"<tr><td>Bawang putih bonggol</td>.+?</tr>", beranda, re.S).group(0)
    assert f'<div class="kecil">per {tanggal(demo["yesterday"])}</div>' in garlic
    rice = re.search(r"<tr><td>Beras medium</td>.+?</tr>", beranda, re.S).group(0)
    assert "per " not in rice
    chart = html(http.get(f"{url}/r/36.71/harga/beras-medium", params={"hari": 90}, timeout=10), 200)
    assert '<svg class="grafik"' in chart and 'class="acuan"' in chart and "HET Rp13.500/kg" in chart
    assert "<strong>90 hari</strong>" in chart and len(chart.encode()) < 100_000
    assert "Rp13.000" in chart and price in re.search(r'<table id="data-grafik">.+?</table>', chart,
                                                      re.S).group(0)
    html(http.get(f"{url}/r/36.71/harga/beras-medium", params={"hari": 7}, timeout=10), 400)
    html(http.get(f"{url}/r/36.71/harga/kaviar", timeout=10), 404)
    compare = html(http.get(f"{url}/r/36.71/harga/banding", params={"komoditas": "beras-medium"},
                            timeout=10), 200)
    markets = re.search(r'<table id="banding-pasar"[^>]*>.+?</table>', compare, re.S).group(0)
    assert 'Pasar Anyar</td><td class="uang" data-label="Harga">Rp13.500' in markets
    assert "belum ada data" in markets
    garlic = html(http.get(f"{url}/r/36.71/harga/banding", params={"komoditas": "bawang-putih"},
                           timeout=10), 200)
    assert (f'Pasar Anyar</td><td class="uang" data-label="Harga">Rp38.000</td><td class="uang" '
            f'data-label="Tanggal">{tanggal(demo["yesterday"])}</td>') in garlic  # its own date
    regions = re.search(r'<table id="banding-daerah"[^>]*>.+?</table>', compare, re.S).group(0)
    assert "Kota Tangerang" in regions and "Kota Denpasar" in regions
    assert max(len(p.encode()) for p in (page, chart, compare)) < 100_000


def test_loker_search_and_vacancy_page(platform, http, demo):
    url = platform.url
    page = html(http.get(f"{url}/r/36.71/loker", params={"q": "bubut", "employment_type": "FULL_TIME"},
                         timeout=10), 200)
    assert "Operator Mesin Bubut" in page and f'href="/loker/{demo["vacancy_id"]}"' in page
    assert "Tidak ada lowongan" in html(http.get(f"{url}/r/36.71/loker", params={"q": "astronot"},
                                                 timeout=10), 200)
    # the refusal named beside its field, in the words of its code (not_allowed)
    assert "Pendidikan: Pilih salah satu dari daftar." in html(
        http.get(f"{url}/r/36.71/loker", params={"education": "doktor-honoris"}, timeout=10), 400)
    vacancy = html(http.get(f"{url}/loker/{demo['vacancy_id']}", timeout=10), 200)
    assert '<script type="application/ld+json">' in vacancy and "JobPosting" in vacancy


def test_berita_list_filter_and_sanitized_article(platform, http, demo):
    url = platform.url
    page = html(http.get(f"{url}/r/36.71/berita", timeout=10), 200)
    assert "Pasar murah di Alun-alun" in page and "Vaksinasi gratis" in page
    only = html(http.get(f"{url}/r/36.71/berita", params={"category": "kesehatan"}, timeout=10), 200)
    assert "Vaksinasi gratis" in only and "Pasar murah di Alun-alun" not in only
    html(http.get(f"{url}/r/36.71/berita", params={"category": "gosip"}, timeout=10), 404)
    article = html(http.get(f"{url}/berita/36.71/{demo['article']}", timeout=10), 200)
    assert "<strong>Sabtu pagi</strong>" in article and "alert(1)" not in article
    assert article.count("<script") == 1  # only the layout's offline helper
    assert 'property="og:title" content="Pasar murah di Alun-alun Ahmad Yani"' in article
    assert f'property="og:url" content="{url}/berita/36.71/{demo["article"]}"' in article
    assert 'name="twitter:card" content="summary"' in article
    # the pages advertise their feeds, and each advertised feed answers
    beranda = html(http.get(f"{url}/r/36.71/", timeout=10), 200)
    for listing in (beranda, page, only):
        feeds = re.findall(r'<link rel="alternate" type="application/(?:rss|atom)\+xml" title="[^"]+" '
                           r'href="([^"]+)">', listing)
        assert "/feeds/36.71/rss.xml" in feeds and "/feeds/36.71/atom.xml" in feeds
        for feed in feeds:
            assert http.get(f"{url}{feed}", timeout=10).status_code == 200, feed
    assert "/feeds/36.71/kesehatan/rss.xml" in only


def test_every_citizen_page_is_under_100_kb_and_runs_only_our_offline_script(platform, http, demo):
    url = platform.url
    paths = ["/", "/r/36.71/", "/r/36.71/lapor", "/r/36.71/lacak", "/r/36.71/harga",
             "/r/36.71/harga/banding", "/r/36.71/harga/beras-medium?hari=90", "/r/36.71/loker",
             "/r/36.71/berita", f"/berita/36.71/{demo['article']}", f"/loker/{demo['vacancy_id']}",
             "/r/36.71/ak1/daftar", "/ak1/masuk", "/r/36.71/tidak-ada"]
    for path in paths:
        response = http.get(f"{url}{path}", timeout=10)
        assert response.status_code in (200, 404), path
        assert len(response.content) < 100_000, (path, len(response.content))
        # JSON-LD data blocks, and exactly one script that runs: the same-origin offline helper
        scripts = [attrs for attrs in re.findall(r"<script([^>]*)>", response.text)
                   if 'type="application/ld+json"' not in attrs]
        assert [re.search(r'src="([^"]+)"', attrs)[1] for attrs in scripts] == ["/tl-offline.js"], path
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("style-src")[0], path
