"""The prices service on the real broker and store, with the real Bandung sample."""
import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from nameko.events import event_handler
from nameko.testing.services import entrypoint_waiter
from prometheus_client import REGISTRY

from services.gateway.prices.live import PricesSection
from services.prices.days import today_in
from services.prices.domain import price_math
from services.prices.repository import PriceRepository
from services.prices.service import PricesService, sheet_id
from services.servicekit.envelope import utcnow
from services.servicekit.errors import ValidationFailed
from services.servicekit.regions import get_region
from services.servicekit.working_days import is_working_day
from tests.helpers import assert_live_item, rpc, signed, start_with_recorder

SAMPLE = Path(__file__).parent / "data" / "harga_komoditas_konsumen_kota_bandung.csv"


def admin(region):
    return signed("region_admin", region, "ani")


class Recorder:
    name = "recorder"
    seen = []

    @event_handler("prices", "prices_recorded")
    def recorded(self, event):
        Recorder.seen.append(event)

    @event_handler("prices", "price_alert_raised")
    def alert(self, event):
        Recorder.seen.append(event)


@pytest.fixture
def prices(container_factory, service_config):
    return start_with_recorder(container_factory, service_config("prices"), PricesService, Recorder)


def events(event_type):
    """Distinct events of a type: delivery is at least once, consumers drop repeats by event_id."""
    unique = {e["event_id"]: e for e in Recorder.seen if e["event_type"] == event_type}
    return list(unique.values())


def local_today():
    return today_in(get_region("36.71"))


def test_bandung_sample_imports_with_zero_prices_missing_and_the_source_gap_percent(prices, mongo_db):
    container, recorder = prices
    text = SAMPLE.read_bytes().decode("utf-8")
    source = list(csv.DictReader(io.StringIO(text, newline="")))
    with entrypoint_waiter(recorder, "recorded", timeout=30):
        report = rpc(container, "import_csv", "32.73", text, caller=admin("32.73"),
                     default_market="panel-harga")

    zero_lines = [line for line, row in enumerate(source, start=2) if int(row["Harga"]) == 0]
    assert len(zero_lines) == 299
    assert [m["line"] for m in report["missing"]] == zero_lines
    assert report["rejected"] == [] and report["duplicates"] == []
    assert report["alerts_raised"] == 0  # 2025 is back-fill: stored, but no alerts now
    assert report["accepted"] == report["new"] == len(source) - 299
    assert mongo_db.prices.count_documents({"region": "32.73"}) == len(source) - 299
    [event] = events("prices_recorded")
    assert event["payload"]["new"] == 1326 and event["payload"]["missing"] == 299
    assert event["payload"]["board"]["date"] == "2025-11-16"

    # Our change against the previous report equals the source's own "Gap Persen"
    # wherever the source's "yesterday" is the previous report we hold.
    by_day = {(row["ID"], row["Timestamp"]): int(row["Harga"]) for row in source}
    names = {row["ID"]: row["Komoditas"] for row in source}
    compared = 0
    for commodity_id, name in names.items():
        series = rpc(container, "history", "32.73", name, "market", "panel-harga",
                     "2025-09-13", "2025-11-16")
        code = series["commodity"]
        for point in series["points"]:
            row = next(r for r in source if r["ID"] == commodity_id and r["Timestamp"] == point["date"])
            day_before = (date.fromisoformat(point["date"]) - timedelta(days=1)).isoformat()
            if by_day.get((commodity_id, day_before), 0) and int(row["Harga Kemarin"]):
                assert point["gap_percent"] == float(row["Gap Persen"]), (code, point)
                assert point["gap"] == int(row["Gap"]) and point["direction"] == row["Gap Perubahan"]
                compared += 1
    assert compared > 1000
    # and the pure function agrees with every row that has both prices
    for row in source:
        today_price, yesterday_price = int(row["Harga"]), int(row["Harga Kemarin"])
        if today_price and yesterday_price:
            assert price_math.gap_percent(today_price, yesterday_price) == float(row["Gap Persen"])

    # Re-running the same sheet adds nothing and announces nothing new.
    again = rpc(container, "import_csv", "32.73", text, caller=admin("32.73"), default_market="panel-harga")
    assert again["new"] == 0 and again["unchanged"] == 1326 and again["corrected"] == 0
    assert mongo_db.prices.count_documents({"region": "32.73"}) == 1326
    assert mongo_db.imports.count_documents({}) == 1
    assert mongo_db.imports.find_one({})["outbox"] == []


def test_one_event_per_sheet_corrections_keep_history(prices, mongo_db):
    container, recorder = prices
    today = local_today()
    yesterday = price_math.day_before(today)
    sheet = "Tanggal,Pasar,Komoditas,Satuan,Harga\n" + "".join(
        f"{day},{market},{name},{unit},{price}\n"
        for day in (yesterday, today)
        for market in ("Pasar Anyar", "Pasar Malabar", "Pasar Lembang Ciledug")
        for name, unit, price in (("Beras Medium", "Rp/kg", 13000), ("Minyakita", "Rp/liter", 15700),
                                  ("Telur Ayam Ras", "Rp./Kg", 0)))
    with entrypoint_waiter(recorder, "recorded", timeout=15):
        report = rpc(container, "import_csv", "36.71", sheet, caller=admin("36.71"))
    assert (report["new"], len(report["missing"]), report["alerts_raised"]) == (12, 6, 0)
    assert len(events("prices_recorded")) == 1

    # an officer corrects one price: the stored one is replaced, the old kept
    with entrypoint_waiter(recorder, "recorded", timeout=15):
        fixed = rpc(container, "record_prices", "36.71", "pasar-anyar", today,
                    [{"commodity": "beras-medium", "price": 13400}], caller=admin("36.71"))
    assert (fixed["corrected"], fixed["new"]) == (1, 0)
    record = rpc(container, "price_record", "36.71", "pasar-anyar", "beras-medium", today,
                 caller=admin("36.71"))
    assert record["price"] == 13400 and record["version"] == 2
    assert [h["price"] for h in record["history"]] == [13000]
    assert record["history"][0]["source"] == report["import_id"]

    board = rpc(container, "board", "36.71")
    beras = next(i for i in board["items"] if i["commodity"] == "beras-medium")
    assert (board["date"], beras["price"], beras["markets"]) == (today, 13000, 3)
    market = rpc(container, "board", "36.71", None, "Pasar Anyar")
    beras = next(i for i in market["items"] if i["commodity"] == "beras-medium")
    assert (beras["price"], beras["gap"], beras["gap_percent"], beras["direction"]) == (
        13400, 400, 3.08, "up")
    # the live view's board: the same read from us as applied from the last sheet's event
    summary = rpc(container, "live_summary", "36.71")
    recorded = events("prices_recorded")
    assert len(recorded) == 2 and summary["date"] == today
    applied = PricesSection().apply({"date": None, "board": [], "alerts": []}, recorded[-1])
    assert applied == {k: summary[k] for k in ("date", "board", "alerts")}
    for item in summary["board"]:
        assert_live_item("prices_recorded", item)


def test_the_board_keeps_what_was_priced_before_the_latest_day(prices):
    container, recorder = prices
    today = local_today()
    yesterday = price_math.day_before(today)
    for market, day, entries in (("pasar-anyar", yesterday, {"beras-medium": 13000, "telur-ayam-ras": 29000}),
                                 ("pasar-malabar", today, {"beras-medium": 13400})):
        with entrypoint_waiter(recorder, "recorded", timeout=15):
            rpc(container, "record_prices", "36.71", market, day,
                [{"commodity": c, "price": p} for c, p in entries.items()], caller=admin("36.71"))

    board = rpc(container, "board", "36.71")
    assert board["date"] == today
    assert [(i["commodity"], i["date"], i["price"], i["markets"]) for i in board["items"]] == [
        ("beras-medium", today, 13400, 1), ("telur-ayam-ras", yesterday, 29000, 1)]
    beras = board["items"][0]
    assert (beras["previous_date"], beras["gap"]) == (yesterday, 400)
    # a market's board: its own latest day, and what it priced before that
    malabar = rpc(container, "board", "36.71", None, "pasar-malabar")
    anyar = rpc(container, "board", "36.71", None, "pasar-anyar")
    assert [(i["commodity"], i["date"]) for i in malabar["items"]] == [("beras-medium", today)]
    assert anyar["date"] == yesterday and [i["commodity"] for i in anyar["items"]] == [
        "beras-medium", "telur-ayam-ras"]

    # the live view shows the same board, and its check computes the same prices: no drift
    summary = rpc(container, "live_summary", "36.71")
    assert [(i["commodity"], i["date"], i["price"]) for i in summary["board"]] == [
        (i["commodity"], i["date"], i["price"]) for i in board["items"]]
    marks = rpc(container, "live_marks", ["36.71"])["regions"]["36.71"]
    assert marks == PricesSection().mark(summary)
    assert marks["prices"] == {"beras-medium": 13400, "telur-ayam-ras": 29000}
    # and so does today's sheet's event, which the live view applies without asking
    latest = max(events("prices_recorded"), key=lambda e: e["payload"]["dates"]["to"])
    assert latest["payload"]["board"] == {"date": today, "items": summary["board"]}

    # the check's prices are kept between checks, until a sheet changes the region: an
    # older market's correction moves no date, yet the next check sees it
    with entrypoint_waiter(recorder, "recorded", timeout=15):
        rpc(container, "record_prices", "36.71", "pasar-anyar", yesterday,
            [{"commodity": "telur-ayam-ras", "price": 29500}], caller=admin("36.71"))
    marks = rpc(container, "live_marks", ["36.71"])["regions"]["36.71"]
    assert marks["date"] == today and marks["prices"] == {"beras-medium": 13400, "telur-ayam-ras": 29500}
    assert marks == PricesSection().mark(rpc(container, "live_summary", "36.71"))


def alerts_counted(region, commodity):
    return REGISTRY.get_sample_value("tl_prices_alerts_raised_total",
                                     {"region": region, "commodity": commodity}) or 0


def test_alert_once_per_commodity_market_and_day(prices, mongo_db):
    container, recorder = prices
    counted = alerts_counted("36.02", "cabai-rawit-merah")
    today = local_today()
    yesterday = price_math.day_before(today)
    rpc(container, "record_prices", "36.02", "pasar-rangkasbitung", yesterday,
        [{"commodity": "cabai-rawit-merah", "price": 50000}], caller=admin("36.02"))
    with entrypoint_waiter(recorder, "alert", timeout=15):
        report = rpc(container, "record_prices", "36.02", "pasar-rangkasbitung", today,
                     [{"commodity": "cabai-rawit-merah", "price": 70000},
                      {"commodity": "beras-medium", "price": 13500}], caller=admin("36.02"))
    assert report["alerts_raised"] == 1
    [alert] = events("price_alert_raised")
    payload = alert["payload"]
    assert alert["region"] == "36.02"
    assert payload["rules"] == ["above_reference", "daily_rise"]
    assert (payload["previous_price"], payload["gap_percent"]) == (50000, 40.0)
    reference = payload["reference"]
    assert (reference["kind"], reference["lower"], reference["price"], reference["source"]["number"]) == (
        "HAP", 40000, 57000, "17 Tahun 2023")
    assert "ani" not in repr(alert)  # no personal data in a shared event
    # a correction the same day, still too high: the alert is not raised again
    with entrypoint_waiter(recorder, "recorded", timeout=15):
        again = rpc(container, "record_prices", "36.02", "pasar-rangkasbitung", today,
                    [{"commodity": "cabai-rawit-merah", "price": 72000}], caller=admin("36.02"))
    assert again["alerts_raised"] == 0 and mongo_db.alerts.count_documents({}) == 1
    assert len(events("price_alert_raised")) == 1
    assert alerts_counted("36.02", "cabai-rawit-merah") == counted + 1
    listed = rpc(container, "alerts", "36.02", today)["items"]
    assert [a["commodity"] for a in listed] == ["cabai-rawit-merah"]
    # the live view's alert: the same read from us as applied from the event
    live = rpc(container, "live_summary", "36.02")
    assert live["alerts"][0]["rules"] == ["above_reference", "daily_rise"]
    assert live["alerts"] == PricesSection().apply({**live, "alerts": []}, alert)["alerts"]
    assert_live_item("price_alert_raised", live["alerts"][0])
    # beras medium at its HET is allowed; one rupiah more is a breach
    with entrypoint_waiter(recorder, "alert", timeout=15):
        breach = rpc(container, "record_prices", "36.02", "pasar-rangkasbitung", today,
                     [{"commodity": "beras-medium", "price": 13501}], caller=admin("36.02"))
    assert breach["alerts_raised"] == 1
    [het] = [e["payload"] for e in events("price_alert_raised")
             if e["payload"]["commodity"] == "beras-medium"]
    assert het["rules"] == ["above_het"]
    assert (het["reference"]["kind"], het["reference"]["price"], het["reference"]["source"]["number"]) == (
        "HET", 13500, "299 Tahun 2025")


def test_a_sheet_cut_short_is_finished_by_sending_it_again(prices, mongo_db):
    """The first attempt died after writing some prices (we play its part with
    the repository and stop there). Every stored row is whole; sending the
    same sheet again applies the rest once and announces the sheet."""
    container, recorder = prices
    today = local_today()
    sheet = "Tanggal,Pasar,Komoditas,Satuan,Harga\n" + "".join(
        f"{today},Pasar Kutabumi,{name},Rp/kg,{price}\n"
        for name, price in (("Beras Medium", 13000), ("Gula Pasir", 17500), ("Bawang Merah", 40000)))
    import_id = sheet_id("csv", "36.03", None, sheet)
    repository = PriceRepository(mongo_db)
    repository.begin_import({"_id": import_id, "region": "36.03", "kind": "csv", "actor": "ani",
                             "started_at": utcnow()})
    repository.insert_prices([{"_id": f"36.03:pasar-kutabumi:beras-medium:{today}", "region": "36.03",
                               "market": "pasar-kutabumi", "commodity": "beras-medium", "date": today,
                               "price": 13000, "unit": "kg", "recorded_by": "ani",
                               "recorded_at": utcnow(), "source": import_id, "history": [],
                               "version": 1}])
    with entrypoint_waiter(recorder, "recorded", timeout=15):
        report = rpc(container, "import_csv", "36.03", sheet, caller=admin("36.03"))
    assert (report["new"], report["unchanged"]) == (2, 1)
    assert mongo_db.prices.count_documents({"region": "36.03"}) == 3
    assert mongo_db.imports.find_one({"_id": import_id})["status"] == "applied"
    assert len(events("prices_recorded")) == 1


def test_bad_input_is_named(prices):
    container, _ = prices
    with pytest.raises(ValidationFailed) as caught:
        rpc(container, "import_csv", "36.71", "Harga\n1000\n", caller=admin("36.71"))
    assert caught.value.details["field"] == "header"
    with pytest.raises(ValidationFailed) as caught:
        rpc(container, "import_csv", "36.71", "Tanggal,Komoditas,Harga\n", caller=admin("36.71"),
            default_market="Pasar Senen")
    assert caught.value.details["field"] == "market"
    with pytest.raises(ValidationFailed) as caught:
        rpc(container, "history", "36.71", "meteor")
    assert caught.value.details["field"] == "commodity"
    with pytest.raises(ValidationFailed) as caught:
        rpc(container, "record_prices", "36.71", "pasar-anyar", local_today(),
            [{"commodity": "beras-medium", "price": 5}], caller=admin("36.71"))
    assert caught.value.details["field"] == "prices[0].price"
    sheet = "Tanggal,Pasar,Komoditas,Satuan,Harga\n2020-01-01,Pasar Anyar,Beras Medium,Rp/kg,-1\n"
    report = rpc(container, "import_csv", "36.71", sheet, caller=admin("36.71"))
    assert report["accepted"] == 0 and report["rejected"][0]["line"] == 2


def test_history_and_comparison_across_banten(prices):
    container, _ = prices
    today = local_today()
    for day, offset in ((price_math.day_before(today, 2), 0), (price_math.day_before(today), 500),
                        (today, 1000)):
        for region, market, base in (("36.71", "pasar-anyar", 13000), ("36.71", "pasar-malabar", 13200),
                                     ("36.74", "pasar-ciputat", 14000),
                                     ("36.02", "pasar-rangkasbitung", 12000)):
            rpc(container, "record_prices", region, market, day,
                [{"commodity": "beras-medium", "price": base + offset}], caller=admin(region))
    region = rpc(container, "history", "36.71", "beras-medium")
    assert [p["price"] for p in region["points"]] == [13100, 13600, 14100]
    assert region["points"][-1]["gap"] == 500
    market = rpc(container, "history", "36.71", "beras-medium", "market", "pasar-malabar")
    assert [p["price"] for p in market["points"]] == [13200, 13700, 14200]
    province = rpc(container, "history", "36.71", "beras-medium", "province")
    assert "36.02" in province["regions"] and "32.73" not in province["regions"]
    # median of the regions' medians: 13100, 14000, 12000 -> 13100
    assert [p["price"] for p in province["points"]] == [13100, 13600, 14100]
    compared = rpc(container, "compare", "36.71", "beras-medium")
    assert compared["date"] == today
    prices_by_region = {i["region"]: i["price"] for i in compared["items"]}
    assert prices_by_region["36.74"] == 15000 and prices_by_region["36.01"] is None
    chosen = rpc(container, "compare", "36.71", "beras-medium", None, ["36.71", "32.73"])
    assert [i["region"] for i in chosen["items"]] == ["36.71", "32.73"]


def test_days_without_prices_are_counted_per_region(prices):
    container, _ = prices
    region = get_region("36.71")
    last_week = price_math.day_before(today_in(region), 7)
    rpc(container, "record_prices", "36.71", "pasar-anyar", last_week,
        [{"commodity": "beras-medium", "price": 13000}], caller=admin("36.71"))
    rpc(container, "freshness_clock")
    # counted here day by day on the region's calendar, not by the code under test
    expected = sum(is_working_day(date.fromisoformat(last_week) + timedelta(days=n), region.code)
                   for n in range(1, 7))  # the six days between last week's and today
    assert expected >= 3  # seven days back holds at least three working days before today
    assert REGISTRY.get_sample_value("tl_prices_working_days_without_data", {"region": "36.71"}) == expected
