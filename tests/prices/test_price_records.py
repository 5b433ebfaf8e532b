"""Price records under parallel writes and their timestamps: every write answered as
recorded is in the record's history, in version order; a write that cannot be recorded
is refused (409, Conflict) and leaves nothing; every timestamp is aware UTC."""
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
import requests
from nameko.standalone.rpc import ServiceRpcProxy

from services.prices.days import today_in
from services.prices.domain import price_records
from services.prices.domain.cells import Row
from services.prices.domain.price_math import day_before
from services.prices.repository import CONFLICT, CORRECTED, PriceRepository
from services.prices.service import PricesService
from services.servicekit.envelope import utcnow
from services.servicekit.errors import Conflict
from services.servicekit.regions import get_region
from tests.helpers import signed

PARALLEL = 50


def old_day(region):
    return day_before(today_in(get_region(region)), 40)  # old enough to raise no alert


def assert_history_holds(record, recorded, first):
    """One history entry per recorded correction, versions 1 .. n contiguous, the first
    price and then every recorded correction once, the last one stored."""
    history = record["history"]
    assert len(history) == len(recorded)
    assert [entry["version"] for entry in history] == list(range(1, len(recorded) + 1))
    assert record["version"] == len(recorded) + 1
    assert history[0]["price"] == first
    assert sorted([entry["price"] for entry in history[1:]] + [record["price"]]) == sorted(recorded)


def test_parallel_corrections_leave_every_recorded_one_in_the_history(platform, token):
    region, market, commodity = "36.74", "pasar-ciputat", "bawang-merah"
    day = old_day(region)
    officer = token("region_admin", region)
    url = f"{platform.url}/api/v1/regions/{region}/prices/markets/{market}/records"

    def send(price):
        return price, requests.post(url, json={"date": day, "prices": [{"commodity": commodity,
                                                                         "price": price}]},
                                    headers=officer, timeout=30)

    first = send(30_000)[1]
    assert first.status_code == 201 and first.json()["new"] == 1, first.text
    with ThreadPoolExecutor(PARALLEL) as pool:
        answers = list(pool.map(send, [30_001 + i for i in range(PARALLEL)]))

    recorded = [price for price, answer in answers if answer.status_code == 201]
    for _, answer in answers:
        if answer.status_code == 201:  # recorded means recorded: nothing set aside inside a 201
            assert (answer.json()["corrected"], answer.json()["rejected"]) == (1, []), answer.text
        else:
            assert answer.status_code == 409, answer.text
            assert "at the same moment" in answer.json()["error"]["message"], answer.text
    assert recorded, "at least one correction is recorded"
    record = requests.get(f"{url}/{commodity}/{day}", headers=officer, timeout=5).json()
    assert_history_holds(record, recorded, 30_000)


def race(repository, record_id, attempts):
    """PARALLEL threads correcting one record at once, each to its own price: (price, outcome)."""
    start = threading.Barrier(PARALLEL)

    def correct(price):
        start.wait(5)
        return price, repository.correct_prices([record_id], lambda doc: price_records.correct(
            doc, price, "budi", f"sheet-{price}", utcnow()), attempts=attempts)[record_id]

    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(correct, [17_001 + i for i in range(PARALLEL)]))


def test_parallel_corrections_in_the_repository_are_recorded_or_refused(mongo_db):
    """The repository's compare-and-set, 50 threads on one record: with as many
    attempts as writers all are recorded (a lost attempt means another writer's won, so
    no writer can lose PARALLEL times); with a single attempt the losers are refused and
    write nothing."""
    repository = PriceRepository(mongo_db)
    row = Row(1, "pasar-anyar", "gula-pasir", "2026-01-05", 17_000)
    for attempts in (PARALLEL, 1):
        mongo_db.prices.delete_many({})
        record = price_records.new_record("36.71", row, "kg", "ani", "sheet-0", utcnow())
        repository.insert_prices([record])
        outcomes = race(repository, record["_id"], attempts)
        recorded = [price for price, outcome in outcomes if outcome == CORRECTED]
        assert {outcome for _, outcome in outcomes} <= {CORRECTED, CONFLICT}
        if attempts == 1:
            assert len(recorded) < PARALLEL, "one attempt each: some must lose the race"
        else:
            assert len(recorded) == PARALLEL
        assert_history_holds(mongo_db.prices.find_one({"_id": record["_id"]}), recorded, 17_000)


@pytest.fixture
def one_attempt(container_factory, service_config):
    """The prices service giving each correction a single attempt; its config."""
    config = {**service_config("prices"), "CORRECTION_ATTEMPTS": 1}
    container_factory(PricesService, config).start()
    return config


def test_a_correction_that_keeps_losing_is_refused_naming_its_line(one_attempt, mongo_db):
    region, market = "36.71", "pasar-anyar"
    day, officer = old_day(region), signed("region_admin", region, "ani", service="prices")

    def record(price):
        with ServiceRpcProxy("prices", one_attempt, timeout=20) as prices:
            try:
                return price, prices.record_prices(region, market, day, [
                    {"commodity": "beras-medium", "price": 13_000},
                    {"commodity": "gula-pasir", "price": price}], caller=officer)
            except Conflict as refused:
                return price, refused

    record(17_000)
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(record, [17_001 + i for i in range(20)]))
    refused = [answer for _, answer in answers if isinstance(answer, Conflict)]
    assert refused, "one attempt each: some corrections must be refused"
    for conflict in refused:
        assert conflict.details["lines"] == ["2"]  # error details cross RPC as text
        assert conflict.message.startswith("1 price(s) not recorded (line 2: gula-pasir at pasar-anyar")
        assert "Send the sheet again" in conflict.message
    recorded = [price for price, answer in answers if not isinstance(answer, Conflict)]
    stored = mongo_db.prices.find_one({"_id": f"{region}:{market}:gula-pasir:{day}"})
    assert_history_holds(stored, recorded, 17_000)
    assert mongo_db.prices.find_one({"_id": f"{region}:{market}:beras-medium:{day}"})["version"] == 1


def test_a_corrected_record_keeps_every_timestamp_aware_utc(platform, token):
    region, market, commodity = "36.74", "pasar-modern-bsd", "gula-pasir"
    day, officer = old_day(region), token("region_admin", region)
    url = f"{platform.url}/api/v1/regions/{region}/prices/markets/{market}/records"
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    for price in (17_000, 17_100, 17_200, 17_100):  # the last sheet is the second sent again
        answer = requests.post(url, json={"date": day, "prices": [{"commodity": commodity, "price": price}]},
                               headers=officer, timeout=10)
        assert answer.status_code == 201, answer.text

    record = requests.get(f"{url}/{commodity}/{day}", headers=officer, timeout=5).json()
    moments = [record["recorded_at"]] + [entry["recorded_at"] for entry in record["history"]]
    assert len(moments) == 4
    for moment in moments:  # one format: ISO 8601 in UTC, as every other timestamp of the API
        assert moment.endswith("Z") and "T" in moment, moments
        assert before <= datetime.fromisoformat(moment) <= datetime.now(timezone.utc), moments
    stored = platform.db("prices").prices.find_one({"_id": f"{region}:{market}:{commodity}:{day}"})
    for moment in [stored["recorded_at"]] + [entry["recorded_at"] for entry in stored["history"]]:
        assert isinstance(moment, datetime) and moment.tzinfo is timezone.utc, stored
    for sheet in platform.db("prices").imports.find({"region": region}):
        assert isinstance(sheet["started_at"], datetime) and sheet["started_at"].tzinfo is timezone.utc
