"""The prices service's handlers over the in-memory store: what a sheet stores and
announces, what a correction keeps, and that a refusal stores and announces nothing.
No broker, no MongoDB: the service class with fake dependencies (worker_factory)."""
from datetime import date, timedelta

import pytest
from nameko.testing.services import worker_factory

from services.prices.days import today_in
from services.prices.fake_repository import FakeOutbox, FakePriceRepository
from services.prices.service import PricesService
from services.servicekit.errors import ValidationFailed
from services.servicekit.regions import get_region
from tests.helpers import signed

REGION = "36.71"
ADMIN = signed("region_admin", REGION)


@pytest.fixture
def store():
    return FakePriceRepository()


@pytest.fixture
def outbox(store):
    return FakeOutbox(imports=store.imports)


@pytest.fixture
def service(store, outbox):
    return worker_factory(PricesService, repo=store, outbox=outbox, config={})


def today():
    return today_in(get_region(REGION))


def days_ago(days):
    return (date.fromisoformat(today()) - timedelta(days=days)).isoformat()


def types(outbox):
    return [e["event_type"] for e in outbox.announced]


def test_a_form_stores_its_prices_and_announces_the_sheet_once(service, store, outbox):
    day = days_ago(20)  # too old to alert
    report = service.record_prices(REGION, "pasar-anyar", day, [
        {"commodity": "beras-medium", "price": 13_000}, {"commodity": "Gula pasir", "price": 17_500}],
        caller=ADMIN)
    assert (report["accepted"], report["new"], report["corrected"], report["rejected"]) == (2, 2, 0, [])
    record = store.prices[f"{REGION}:pasar-anyar:gula-pasir:{day}"]
    assert (record["price"], record["version"], record["history"], record["unit"]) == (17_500, 1, [], "kg")
    assert types(outbox) == ["prices_recorded"]
    payload = outbox.announced[0]["payload"]
    assert (payload["new"], payload["corrected"], payload["markets"]) == (2, 0, ["pasar-anyar"])
    assert {i["commodity"]: i["price"] for i in payload["board"]["items"]} == {
        "beras-medium": 13_000, "gula-pasir": 17_500}
    assert store.imports[report["import_id"]]["status"] == "applied"
    assert store.latest(REGION)["date"] == day

    again = service.record_prices(REGION, "pasar-anyar", day, [
        {"commodity": "beras-medium", "price": 13_000}, {"commodity": "gula-pasir", "price": 17_500}],
        caller=ADMIN)
    assert (again["new"], again["corrected"], again["unchanged"]) == (0, 0, 2)
    assert types(outbox) == ["prices_recorded"]  # the same sheet again announces nothing


def test_a_correction_keeps_what_it_replaced(service, store, outbox):
    day = days_ago(20)
    service.record_prices(REGION, "pasar-anyar", day, [{"commodity": "beras-medium", "price": 13_000}],
                          caller=ADMIN)
    report = service.record_prices(REGION, "pasar-anyar", day, [{"commodity": "beras-medium",
                                                                  "price": 13_200}], caller=ADMIN)
    assert (report["new"], report["corrected"]) == (0, 1)
    record = store.prices[f"{REGION}:pasar-anyar:beras-medium:{day}"]
    assert (record["price"], record["version"]) == (13_200, 2)
    assert [(h["version"], h["price"]) for h in record["history"]] == [(1, 13_000)]
    assert [e["payload"]["corrected"] for e in outbox.announced] == [0, 1]


def test_a_price_above_the_het_raises_one_alert(service, store, outbox):
    day = today()
    service.record_prices(REGION, "pasar-anyar", day, [{"commodity": "beras-medium", "price": 16_000}],
                          caller=ADMIN)
    assert types(outbox) == ["prices_recorded", "price_alert_raised"]
    alert = outbox.announced[1]["payload"]
    assert (alert["commodity"], alert["price"], alert["rules"]) == ("beras-medium", 16_000, ["above_het"])
    assert list(store.alert_docs) == [f"{REGION}:pasar-anyar:beras-medium:{day}"]
    service.record_prices(REGION, "pasar-anyar", day, [{"commodity": "beras-medium", "price": 16_500}],
                          caller=ADMIN)
    assert types(outbox) == ["prices_recorded", "price_alert_raised", "prices_recorded"]  # raised once


def test_an_implausible_price_is_refused_with_its_code_and_stores_nothing(service, store, outbox):
    with pytest.raises(ValidationFailed) as caught:
        service.record_prices(REGION, "pasar-anyar", days_ago(3), [
            {"commodity": "beras-medium", "price": 13_000}, {"commodity": "gula-pasir", "price": 650_000}],
            caller=ADMIN)
    assert caught.value.details["fields"] == {"prices[1].price": {
        "code": "implausible_price", "price": 650_000, "unit": "kg", "commodity": "Gula pasir (konsumsi)",
        "min": 5_000, "max": 60_000,
        "message": "Rp 650,000 per kg is not plausible for Gula pasir (konsumsi) (expected Rp 5,000 to "
                   "Rp 60,000)"}}
    assert (store.prices, store.imports, store.alert_docs, outbox.announced) == ({}, {}, {}, [])


def test_every_bad_entry_of_a_form_is_named_at_once(service, store, outbox):
    with pytest.raises(ValidationFailed) as caught:
        service.record_prices(REGION, "pasar-anyar", days_ago(3), [
            {"commodity": "meteor", "price": 13_000}, {"commodity": "beras-medium", "price": 0},
            {"commodity": "gula-pasir", "price": 17_000, "unit": "liter"},
            {"commodity": "gula-pasir", "price": 17_000}, {"commodity": "telur-ayam-ras"}],
            caller=ADMIN)
    assert {name: p["code"] for name, p in caught.value.details["fields"].items()} == {
        "prices[0].commodity": "unknown_commodity", "prices[1].price": "too_small",
        "prices[2].unit": "unit_mismatch", "prices[4].price": "required"}
    assert (store.prices, store.imports, outbox.announced) == ({}, {}, [])


def test_a_form_of_a_future_day_or_another_regions_market_is_refused(service, store):
    tomorrow = (date.fromisoformat(today()) + timedelta(days=1)).isoformat()
    with pytest.raises(ValidationFailed) as caught:
        service.record_prices(REGION, "pasar-anyar", tomorrow, [{"commodity": "beras-medium",
                                                                 "price": 13_000}], caller=ADMIN)
    assert caught.value.details["fields"]["date"]["code"] == "future_date"
    with pytest.raises(ValidationFailed) as caught:
        service.record_prices(REGION, "pasar-ciputat", days_ago(1), [{"commodity": "beras-medium",
                                                                      "price": 13_000}], caller=ADMIN)
    assert caught.value.details["fields"]["market"]["code"] == "unknown_market"
    assert store.prices == {}


def test_a_sheets_bad_rows_are_reported_with_their_codes_and_the_rest_applied(service, store, outbox):
    day = days_ago(10)
    sheet = ("Tanggal,Pasar,Komoditas,Satuan,Harga\n"
             f"{day},Pasar Anyar,Beras Medium,Rp/kg,13.000\n"
             f"{day},Pasar Anyar,Gula pasir,Rp/kg,650.000\n"
             f"{day},Pasar Senen,Beras Medium,Rp/kg,13.000\n"
             f"{day},Pasar Anyar,Beras Medium,Rp/kg,13.500\n"
             f"{day},Pasar Anyar,Minyak goreng curah,Rp/liter,0\n")
    report = service.import_csv(REGION, sheet, caller=ADMIN)
    assert report["accepted"] == 1 and len(report["missing"]) == 1
    assert [(r["line"], r["field"], r["code"]) for r in report["rejected"]] == [
        (3, "price", "implausible_price"), (4, "market", "unknown_market"), (5, "price", "conflicting_price")]
    assert report["rejected"][2]["conflicts_with"] == 2
    assert list(store.prices) == [f"{REGION}:pasar-anyar:beras-medium:{day}"]
    assert types(outbox) == ["prices_recorded"] and outbox.announced[0]["payload"]["rejected"] == 3


def test_a_sheet_without_its_columns_is_refused_whole(service, store, outbox):
    with pytest.raises(ValidationFailed) as caught:
        service.import_csv(REGION, "Harga\n1000\n", caller=ADMIN)
    assert caught.value.details["fields"]["header"]["code"] == "missing_columns"
    assert caught.value.details["fields"]["header"]["missing"] == ["date", "commodity"]
    assert (store.prices, store.imports, outbox.announced) == ({}, {}, [])


def test_a_control_character_in_a_sheet_rejects_its_row_not_the_sheet(service, store):
    day = days_ago(10)
    sheet = ("Tanggal,Pasar,Komoditas,Harga\n"
             f"{day},Pasar Anyar,Beras Medium,13000\n"
             f"{day},Pasar Anyar,Gula\x01pasir,17000\n")
    report = service.import_csv(REGION, sheet, caller=ADMIN)
    assert report["accepted"] == 1 and [(r["line"], r["code"]) for r in report["rejected"]] == [
        (3, "unknown_commodity")]
    with pytest.raises(ValidationFailed) as caught:
        service.import_csv(REGION, sheet, caller=ADMIN, default_market="Pasar Senen")
    assert caught.value.details["fields"]["market"]["code"] == "unknown_market"
