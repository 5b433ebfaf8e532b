"""Harga as a citizen reads it (#33.1, #33.4): the board before the alerts, each commodity's
latest price with its own date, changes against a week and a month ago, one wording per
reference status, alerts folded into one summary, charts that name every line and say when
there is too little data, banding that opens on a commodity priced today. Region 36.03 only
(other tests of this platform record prices in 36.71)."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from tests.helpers import signed

REGION = "36.03"
TODAY = datetime.now(ZoneInfo("Asia/Jakarta")).date()


def day(days_ago):
    return (TODAY - timedelta(days=days_ago)).isoformat()


# market -> days ago -> {commodity: price}. Beras medium has a month of history at Kutabumi;
# bawang putih was priced only yesterday; cabai rawit merah today is above its HAP range
# (40.000-57.000) at Cikupa; gula (HAP one figure, Rp17.500) 1,1% above it stays normal.
SHEETS = {"pasar-kutabumi": {30: {"beras-medium": 12_000}, 7: {"beras-medium": 13_000},
                             1: {"beras-medium": 13_200, "bawang-putih": 38_000},
                             0: {"beras-medium": 13_200, "gula-pasir": 17_700}},
          "pasar-cikupa": {1: {"cabai-rawit-merah": 50_000}, 0: {"cabai-rawit-merah": 60_000}}}


@pytest.fixture(scope="module")
def priced(platform):
    with ClusterRpcProxy({"AMQP_URI": platform.env["AMQP_URI"]}) as cluster:
        for market, days in SHEETS.items():
            for ago, prices in sorted(days.items(), reverse=True):
                cluster.prices.record_prices(REGION, market, day(ago), [
                    {"commodity": c, "price": p} for c, p in prices.items()],
                    caller=signed("region_admin", REGION, service="prices"))
    return platform.url


def page(http, url, status=200, **params):
    response = http.get(url, params=params, timeout=10)
    assert response.status_code == status, response.text[:2000]
    return response.text


def row(board, commodity):
    found = re.search(rf'<tr><td><a href="/r/{REGION}/harga/{commodity}">.+?</tr>', board, re.S)
    assert found, f"{commodity} is not on the board"
    return found.group(0)


def test_the_board_comes_first_and_says_each_price_once(priced, http):
    board = page(http, f"{priced}/r/{REGION}/harga")
    # the prices before the alerts; the alerts one summary that opens to the list
    assert board.index('id="papan-harga"') < board.index('id="peringatan"')
    alerts = re.search(r'<section class="kartu" id="peringatan">.+?</section>', board, re.S).group(0)
    assert "<details>" in alerts and "1 komoditas di luar HAP (lebih mahal)" in alerts
    assert alerts.count("<li>") == 1 and "Pasar Cikupa Rp60.000/kg" in alerts
    # yesterday's garlic is still on the board, with yesterday's date
    garlic = row(board, "bawang-putih")
    assert "Rp38.000/kg" in garlic and f"per {tanggal(day(1))}" in garlic
    assert "per " not in row(board, "beras-medium").split('data-label="Perubahan"')[0]
    # changes against the previous report, a week and a month ago
    rice = row(board, "beras-medium")
    assert "= 0%" in rice  # 13.200 yesterday and today
    assert re.search(r'data-span="week">seminggu: <span class="naik" title="naik">&#9650; 1,5%', rice)
    assert re.search(r'data-span="month">sebulan: <span class="naik" title="naik">&#9650; 10,0%', rice)
    assert "data-sedikit" not in board
    # one wording per status: HET a ceiling, HAP a range (one figure: 10% slack)
    assert 'data-status="within_het">Wajar, tidak melebihi HET</div>' in rice
    chili = row(board, "cabai-rawit-merah")
    assert 'data-status="above_hap">Di luar HAP, lebih mahal (+5,3%)</div>' in chili
    sugar = row(board, "gula-pasir")
    assert 'data-status="near_hap">Wajar, sedikit lebih mahal dari HAP (toleransi 10%) (+1,1%)' in sugar
    assert "di atas acuan" not in board and "di atas HAP" not in board
    assert "garis hijau putus-putus batas bawah HAP" in board


def test_charts_name_every_line_and_say_when_data_is_too_little(priced, http):
    chili = page(http, f"{priced}/r/{REGION}/harga/cabai-rawit-merah", hari=90)
    legend = re.search(r'<ul class="kecil" id="legenda-grafik">.+?</ul>', chili, re.S).group(0)
    assert "Garis biru" in legend and "batas atas HAP Rp57.000/kg" in legend
    assert "batas bawah HAP Rp40.000/kg" in legend
    assert "Baru ada harga 2 hari" in chili and "grafik 90 hari sama dengan grafik 30 hari" in chili
    rice = page(http, f"{priced}/r/{REGION}/harga/beras-medium")
    assert "HET Rp" in rice and "batas harga tertinggi" in rice and "Garis hijau" not in rice
    assert "Baru ada harga 3 hari" in rice  # 30 days back is outside a 30-day chart


def test_banding_opens_on_a_commodity_priced_today(priced, http):
    compare = page(http, f"{priced}/r/{REGION}/harga/banding")
    # the catalogue's first commodity (beras kualitas bawah) has no prices; beras medium has today's
    assert "<h1>Bandingkan harga Beras medium</h1>" in compare
    assert 'Pasar Kutabumi</td><td class="uang" data-label="Harga">Rp13.200' in compare


def tanggal(iso):
    from services.gateway.web.templating import tanggal as words
    return words(iso)


def test_the_market_map_lists_every_market_with_coordinates_without_script(priced, http):
    listing = page(http, f"{priced}/r/{REGION}/harga/peta")
    assert "<script" not in listing.split("<main")[1]
    items = re.findall(r'<li data-lat="([-0-9.]+)" data-lon="([-0-9.]+)"><strong><a href="[^"]+">([^<]+)</a>',
                       listing)
    assert {name: (float(lat), float(lon)) for lat, lon, name in items} == {
        "Pasar Cikupa": (-6.2328, 106.5089), "Pasar Kutabumi": (-6.1856, 106.556)}
    assert "Cabai rawit merah Rp60.000/kg (Di luar HAP, lebih mahal)" in listing
