"""Prices end to end: officers' sheets through the gateway, exports, the live view, shared alerts."""
import csv
import io
import re
import time

from kombu import Connection, Queue

from services.prices.days import today_in
from services.prices.domain.price_math import day_before
from services.servicekit.outbox import shared_exchange
from services.servicekit.regions import get_region

HEADER = "Tanggal,Pasar,Komoditas,Satuan,Harga\n"


def poll(check, seconds=10):
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


def live_prices(http, platform, region):
    return http.get(f"{platform.url}/api/v1/regions/{region}/live", timeout=5).json()["sections"]["prices"]


def prices_drift(http, platform):
    """How often the gateway found its prices section out of step with the prices service."""
    text = http.get(f"{platform.ops_url('gateway')}/metrics", timeout=5).text
    found = re.search(r'^tl_live_drift_total\{section="prices"\} (\S+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


def upload(http, platform, region, sheet, headers, market=None):
    return http.post(f"{platform.url}/api/v1/regions/{region}/prices/imports", data=sheet.encode(),
                     params={"market": market} if market else None, timeout=60,
                     headers={**headers, "Content-Type": "text/csv"})


def test_sheet_import_reaches_the_live_view_and_alerts_are_shared(platform, http, token):
    region = "36.73"
    today = today_in(get_region(region))
    yesterday = day_before(today)
    assert live_prices(http, platform, region)["status"] == "ok"  # built before the events arrive
    drift = prices_drift(http, platform)

    with Connection(platform.env["AMQP_URI"]) as conn:
        # A partner region subscribed to Banten's price alerts (the shared topic).
        alerts = Queue("", exchange=shared_exchange, routing_key="prices.price_alert_raised.36.*",
                       exclusive=True)
        bound = alerts(conn.default_channel)
        bound.declare()
        sheet = HEADER + (f"{yesterday},Pasar Induk Rau,Beras Medium,Rp./Kg,13.000\r\n"
                          f"{yesterday},Pasar Induk Rau,Cabai Rawit Merah,Rp/kg,50000\n"
                          f"{today},Pasar Induk Rau,Beras Medium,Rp./Kg,13.100\n"
                          f"{today},Pasar Induk Rau,Cabai Rawit Merah,Rp/kg,70000\n"
                          f"{today},Pasar Induk Rau,Telur Ayam Ras,Rp/kg,0\n"
                          f"{today},Pasar Induk Rau,Durian,Rp/kg,30000\n"
                          f"{yesterday},Pasar Induk Rau,Gula Pasir,Rp/kg,17000\n")
        response = upload(http, platform, region, sheet, token("region_admin", region))
        assert response.status_code == 201, response.text
        report = response.json()
        assert (report["new"], report["alerts_raised"]) == (5, 1)
        assert report["missing"][0]["line"] == 6 and report["rejected"][0]["line"] == 7

        message = poll(lambda: bound.get(no_ack=True), seconds=10)
        event = message.payload
        assert event["event_type"] == "price_alert_raised" and event["region"] == region
        assert event["payload"]["commodity"] == "cabai-rawit-merah"
        assert "region_admin" not in repr(event)

    def shows_today():
        section = live_prices(http, platform, region)
        return section if section["date"] == today and section["alerts"] else None
    section = poll(shows_today)
    beras = next(i for i in section["board"] if i["commodity"] == "beras-medium")
    assert beras == {"commodity": "beras-medium", "date": today, "price": 13100, "gap": 100,
                     "gap_percent": 0.77, "direction": "up", "name": "Beras medium", "unit": "kg"}
    assert section["alerts"][0]["rules"] == ["above_reference", "daily_rise"]
    # sugar was priced only yesterday: still on today's board, with its date, here and in the API
    sugar = next(i for i in section["board"] if i["commodity"] == "gula-pasir")
    assert (sugar["date"], sugar["price"]) == (yesterday, 17000)
    board = http.get(f"{platform.url}/api/v1/regions/{region}/prices/board", timeout=5).json()
    assert board["date"] == today and [(i["commodity"], i["date"]) for i in board["items"]] == [
        ("beras-medium", today), ("cabai-rawit-merah", today), ("gula-pasir", yesterday)]
    # two checks of the live view against the service's marks later, nothing found out of step
    for _ in range(2):
        checked = section["checked_at"]
        section = poll(lambda seen=checked: (now := live_prices(http, platform, region))["checked_at"] != seen
                       and now)
    assert prices_drift(http, platform) == drift and section["board"][-1]["commodity"] == "gula-pasir"

    # the same sheet again: nothing new
    again = upload(http, platform, region, sheet, token("region_admin", region)).json()
    assert (again["new"], again["unchanged"], again["alerts_raised"]) == (0, 5, 0)


def test_views_export_as_csv_and_json(platform, http, token):
    region = "36.72"
    today = today_in(get_region(region))
    officer = token("region_admin", region)
    recorded = http.post(f"{platform.url}/api/v1/regions/{region}/prices/markets/pasar-kranggot/records",
                         json={"date": today, "prices": [{"commodity": "gula-pasir", "price": 17600}]},
                         headers=officer, timeout=10)
    assert recorded.status_code == 201, recorded.text
    corrected = http.post(f"{platform.url}/api/v1/regions/{region}/prices/markets/pasar-kranggot/records",
                          json={"date": today, "prices": [{"commodity": "gula-pasir", "price": 17700}]},
                          headers=officer, timeout=10).json()
    assert corrected["corrected"] == 1
    record = http.get(f"{platform.url}/api/v1/regions/{region}/prices/markets/pasar-kranggot/records/"
                      f"gula-pasir/{today}", headers=officer, timeout=5).json()
    assert record["price"] == 17700 and [h["price"] for h in record["history"]] == [17600]

    board = http.get(f"{platform.url}/api/v1/regions/{region}/prices/board", timeout=5)
    assert board.json()["date"] == today and board.json()["items"][0]["price"] == 17700
    exported = http.get(f"{platform.url}/api/v1/regions/{region}/prices/board", params={"format": "csv"},
                        timeout=5)
    assert exported.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert rows[0]["commodity"] == "gula-pasir" and rows[0]["price"] == "17700"
    assert rows[0]["reference_kind"] == "HAP" and rows[0]["reference_price"] == "17500"
    history = http.get(f"{platform.url}/api/v1/regions/{region}/prices/history",
                       params={"commodity": "Gula Pasir", "scope": "market", "market": "pasar-kranggot",
                               "format": "csv"}, timeout=5)
    assert history.text.splitlines()[0].startswith("date,price") and today in history.text
    compared = http.get(f"{platform.url}/api/v1/regions/{region}/prices/compare",
                        params={"commodity": "gula-pasir", "date": today}, timeout=5).json()
    assert {"36.71", "36.72", "36.02"} <= {i["region"] for i in compared["items"]}
    catalogue = http.get(f"{platform.url}/api/v1/regions/{region}/prices/catalogue", timeout=5).json()
    assert catalogue["zone"] == "1" and catalogue["markets"][0]["code"] == "pasar-kranggot"
    beras = next(c["reference"] for c in catalogue["commodities"] if c["code"] == "beras-medium")
    assert (beras["kind"], beras["price"], beras["source"]["number"]) == ("HET", 13500, "299 Tahun 2025")
    assert rows[0]["reference_source"] == "Surat Badan Pangan Nasional Nomor 425/TS.02.02/B/6/2024"
    bad = http.get(f"{platform.url}/api/v1/regions/{region}/prices/board", params={"format": "xml"},
                   timeout=5)
    assert bad.status_code == 400 and bad.json()["error"]["details"]["field"] == "format"


def test_only_the_regions_officers_record(platform, http, token):
    region = "36.72"
    sheet = HEADER + "2026-01-05,Pasar Kranggot,Beras Medium,Rp/kg,13000\n"
    assert upload(http, platform, region, sheet, {}).status_code == 401
    assert upload(http, platform, region, sheet, token("citizen", region)).status_code == 403
    other = upload(http, platform, region, sheet, token("region_admin", "36.71"))
    assert other.status_code == 403 and other.json()["error"]["details"]["field"] == "region"
    wrong_type = http.post(f"{platform.url}/api/v1/regions/{region}/prices/imports", data=sheet,
                           headers={**token("region_admin", region), "Content-Type": "text/plain"},
                           timeout=10)
    assert wrong_type.status_code == 415
    nothing = upload(http, platform, region, HEADER + "2026-01-05,Pasar Kranggot,Beras Medium,Rp/kg,5\n",
                     token("region_admin", region))
    assert nothing.status_code == 422 and "not plausible" in nothing.json()["rejected"][0]["reason"]
    no_header = upload(http, platform, region, "a,b\n1,2\n", token("region_admin", region))
    assert no_header.status_code == 400 and no_header.json()["error"]["details"]["field"] == "header"
    operator = upload(http, platform, region, sheet, token("platform_operator", "36.71"))
    assert operator.status_code == 201
