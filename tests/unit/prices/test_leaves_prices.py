"""What leaves the prices service, key by key: the boards, the history, the trends, the
comparison, the alerts, a record's corrections and the live summary. The expected sets are
written out here; a new key in any of them fails until it is added on purpose (and the
gateway's pages and CSV columns asked). Handlers over the in-memory store, no broker."""
from datetime import date, timedelta

import pytest
from nameko.testing.services import worker_factory

from services.prices.days import today_in
from services.prices.fake_repository import FakeOutbox, FakePriceRepository
from services.prices.service import PricesService
from services.servicekit.regions import get_region
from tests.helpers import signed

REGION = "36.71"
ADMIN = signed("region_admin", REGION)

BOARD = {"region", "market", "date", "items"}
BOARD_ITEM = {"commodity", "name", "unit", "date", "price", "previous_date", "previous_price", "gap",
              "gap_percent", "direction", "high", "low", "markets", "week", "month", "reference"}
REFERENCE = {"kind", "price", "lower", "zone", "effective", "effective_to", "source"}
JUDGED_REFERENCE = REFERENCE | {"status", "rule", "percent_above"}  # a reference beside a price
SOURCE = {"id", "type", "number", "title", "issued", "citation", "note"}
HISTORY = {"region", "commodity", "name", "unit", "scope", "market", "regions", "from", "to", "points"}
POINT = {"date", "price", "previous_date", "previous_price", "gap", "gap_percent", "direction"}
TRENDS = {"region", "from", "to", "commodities"}
TREND = {"points", "reference"}
COMPARE = {"commodity", "name", "unit", "date", "items"}
COMPARE_ITEM = {"region", "region_name", "price", "previous_date", "previous_price", "gap",
                "gap_percent", "direction", "markets", "reference"}
ALERTS = {"region", "items"}
# the stored alert without its event and the import that raised it
ALERT = {"_id", "region", "raised_at", "commodity", "commodity_name", "unit", "market", "market_name",
         "date", "price", "rules", "previous_price", "gap_percent", "reference",
         "percent_above_reference", "rise_threshold_percent"}
ALERT_REFERENCE = {"kind", "price", "lower", "effective", "source"}
ALERT_SOURCE = {"type", "number", "title"}
RECORD = {"market", "commodity", "date", "price", "unit", "recorded_at", "source", "history", "version"}
CORRECTION = {"price", "recorded_at", "recorded_by", "source", "version"}  # officers only
LIVE = {"date", "board", "alerts", "as_of"}
LIVE_BOARD_ITEM = {"commodity", "name", "unit", "date", "price", "gap", "gap_percent", "direction"}
LIVE_ALERT = {"commodity", "market", "date", "price", "rules"}
LIVE_MARK = {"date", "prices", "alerts"}


@pytest.fixture(scope="module")
def service():
    store = FakePriceRepository()
    service = worker_factory(PricesService, repo=store, outbox=FakeOutbox(imports=store.imports),
                             config={})
    today = date.fromisoformat(today_in(get_region(REGION)))
    before, yesterday = [(today - timedelta(days=days)).isoformat() for days in (2, 1)]
    service.record_prices(REGION, "pasar-anyar", before, [
        {"commodity": "beras-medium", "price": 13_000}, {"commodity": "gula-pasir", "price": 17_500}],
        caller=ADMIN)
    service.record_prices(REGION, "pasar-anyar", yesterday, [  # gula-pasir past its HAP: an alert
        {"commodity": "beras-medium", "price": 13_500}, {"commodity": "gula-pasir", "price": 25_000}],
        caller=ADMIN)
    service.record_prices(REGION, "pasar-anyar", yesterday, [{"commodity": "beras-medium", "price": 13_600}],
                          caller=ADMIN)  # a correction
    service.yesterday = yesterday
    return service


def assert_reference(reference, expected):
    assert set(reference) == expected
    assert set(reference["source"]) == SOURCE


@pytest.mark.parametrize("market", [None, "pasar-anyar"], ids=["region", "market"])
def test_the_boards_carry_exactly_the_allowed_keys(service, market):
    board = service.board(REGION, market=market)
    assert set(board) == BOARD
    assert len(board["items"]) == 2
    for item in board["items"]:
        assert set(item) == BOARD_ITEM
        assert_reference(item["reference"], JUDGED_REFERENCE)


def test_the_history_and_its_points_carry_exactly_the_allowed_keys(service):
    history = service.history(REGION, "beras-medium")
    assert set(history) == HISTORY
    assert len(history["points"]) == 2
    assert [set(point) for point in history["points"]] == [POINT, POINT]


def test_the_trends_carry_exactly_the_allowed_keys(service):
    trends = service.trends(REGION)
    assert set(trends) == TRENDS
    assert set(trends["commodities"]) == {"beras-medium", "gula-pasir"}
    for trend in trends["commodities"].values():
        assert set(trend) == TREND
        assert_reference(trend["reference"], REFERENCE)


def test_the_comparison_carries_exactly_the_allowed_keys(service):
    compared = service.compare(REGION, "beras-medium")
    assert set(compared) == COMPARE
    mine = [item for item in compared["items"] if item["region"] == REGION]
    assert [set(item) for item in mine] == [COMPARE_ITEM]
    assert_reference(mine[0]["reference"], JUDGED_REFERENCE)
    others = [item for item in compared["items"] if item["region"] != REGION]
    assert others and all(set(item) == {"region", "region_name", "price"} for item in others)


def test_the_alerts_carry_exactly_the_allowed_keys(service):
    alerts = service.alerts(REGION)
    assert set(alerts) == ALERTS
    assert alerts["items"]
    for alert in alerts["items"]:
        assert set(alert) == ALERT
        assert set(alert["reference"]) == ALERT_REFERENCE
        assert set(alert["reference"]["source"]) == ALERT_SOURCE


def test_a_record_and_its_corrections_carry_exactly_the_allowed_keys(service):
    record = service.price_record(REGION, "pasar-anyar", "beras-medium", service.yesterday, caller=ADMIN)
    assert set(record) == RECORD
    assert [set(entry) for entry in record["history"]] == [CORRECTION]


def test_the_live_summary_and_marks_carry_exactly_the_allowed_keys(service):
    live = service.live_summary(REGION)
    assert set(live) == LIVE
    assert [set(item) for item in live["board"]] == [LIVE_BOARD_ITEM] * 2
    assert live["alerts"] and all(set(alert) == LIVE_ALERT for alert in live["alerts"])
    marks = service.live_marks([REGION])
    assert set(marks) == {"regions"} and set(marks["regions"][REGION]) == LIVE_MARK
