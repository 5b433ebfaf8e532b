"""Markets as data (#28 item 1, the markets of a region): added, renamed and retired through
the prices service, seeded once from markets.yaml, then the store is the truth; a retired
market keeps its prices but takes no new ones. Region 36.04 (Kota Serang) only."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from tests.helpers import signed

REGION = "36.04"
TODAY = datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()


@pytest.fixture(scope="module")
def prices(platform):
    with ClusterRpcProxy({"AMQP_URI": platform.env["AMQP_URI"]}) as cluster:
        yield cluster.prices


def officer():
    return signed("region_admin", REGION, service="prices")


def codes(prices):
    return {m["code"]: m for m in prices.list_markets(REGION)["items"]}


def test_markets_are_added_renamed_and_retired_and_a_retired_one_keeps_its_history(prices):
    seeded = codes(prices)
    assert seeded["pasar-baros"]["lat"] == -6.2126 and seeded["pasar-baros"]["active"]
    # every bad field named at once, nothing stored
    with pytest.raises(Exception) as refused:
        prices.add_market(REGION, {"code": "Pasar Baru!", "name": "Pasar Baros", "type": "mall",
                                   "lat": 95, "lon": 106.1}, caller=officer())
    assert type(refused.value).__name__ == "ValidationFailed"
    for field in ("code", "type", "lat"):
        assert field in refused.value.args[1]["fields"]
    assert set(codes(prices)) == set(seeded)
    added = prices.add_market(REGION, {"code": "pasar-rau-baru", "name": "Pasar Rau Baru",
                                       "type": "traditional", "lat": -6.1201, "lon": 106.1603},
                              caller=officer())
    assert added["active"] and added["lat"] == -6.1201 and added["lon"] == 106.1603
    with pytest.raises(Exception) as taken:  # the name of another market of the region
        prices.add_market(REGION, {"code": "pasar-lain", "name": "pasar  rau baru", "type": "modern",
                                   "lat": -6.1, "lon": 106.1}, caller=officer())
    assert taken.value.args[1]["fields"]["name"]["code"] == "market_taken"
    # a new market takes prices at once, and the catalogue lists it
    prices.record_prices(REGION, "pasar-rau-baru", TODAY, [{"commodity": "beras-medium", "price": 13_100}],
                         caller=officer())
    assert "pasar-rau-baru" in {m["code"] for m in prices.catalogue(REGION)["markets"]}
    renamed = prices.rename_market(REGION, "pasar-rau-baru", {"name": "Pasar Induk Rau Baru", "lat": -6.1205,
                                                              "lon": 106.1609}, caller=officer())
    assert renamed["name"] == "Pasar Induk Rau Baru" and renamed["lat"] == -6.1205
    retired = prices.retire_market(REGION, "pasar-rau-baru", {"reason": "pindah"}, caller=officer())
    assert retired["active"] is False and retired["retired"] == TODAY
    with pytest.raises(Exception) as closed:  # no new prices
        prices.record_prices(REGION, "pasar-rau-baru", TODAY, [{"commodity": "gula-pasir", "price": 17_000}],
                             caller=officer())
    assert closed.value.args[1]["fields"]["market"]["code"] == "unknown_market"
    # its history is kept and read as before; the catalogue (what forms offer) leaves it out
    board = prices.board(REGION, market="pasar-rau-baru")
    assert [(i["commodity"], i["price"]) for i in board["items"]] == [("beras-medium", 13_100)]
    assert "pasar-rau-baru" not in {m["code"] for m in prices.catalogue(REGION)["markets"]}
    assert codes(prices)["pasar-rau-baru"]["name"] == "Pasar Induk Rau Baru"
    with pytest.raises(Exception) as again:
        prices.retire_market(REGION, "pasar-rau-baru", caller=officer())
    assert type(again.value).__name__ == "Conflict"


def test_only_the_regions_officers_change_its_markets(prices):
    for caller in (signed("citizen", REGION, service="prices"),
                   signed("region_admin", "36.71", service="prices")):
        with pytest.raises(Exception) as refused:
            prices.add_market(REGION, {"code": "pasar-x", "name": "Pasar X", "type": "modern", "lat": -6.1,
                                       "lon": 106.1}, caller=caller)
        assert type(refused.value).__name__ == "Forbidden", repr(refused.value)
    assert "pasar-x" not in codes(prices)
