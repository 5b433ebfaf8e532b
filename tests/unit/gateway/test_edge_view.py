"""An edge's live view: what the hub sends down reaches its shared section (kept even before
the view was first read, once per event), events that do not agree with their key or are
the edge's own are refused, and sections of modules the deployment does not run are left
out rather than shown unavailable."""
import pytest

from services.gateway.live.downlink import checked_downlinked
from services.gateway.live.model import LiveModel
from services.gateway.live.section import Section
from services.gateway.live.shared import SharedSection
from services.servicekit.arrival import Rejected
from services.servicekit.outbox import shared_routing_key
from services.servicekit.regions import get_region
from tests.partners.support import shared_event

EDGE = get_region("36.01")  # Kabupaten Pandeglang, an edge region


class Kept:
    """The gateway's store of kept items (live/store.py), in memory."""

    def __init__(self):
        self.rows = {}

    def add(self, region, item, event_id):
        self.rows.setdefault(region, {})[event_id] = item

    def latest(self, region, limit=10):
        return list(reversed(list(self.rows.get(region, {}).values())))[:limit]


class Prices(Section):
    name, source, events = "prices", "prices", ("prices_recorded",)
    built = 0

    def rebuild(self, rpc, region_code):
        Prices.built += 1
        raise TimeoutError("no prices service at this edge")


def test_an_event_sent_down_is_kept_before_the_view_was_read_and_shown_once():
    kept = Kept()
    model = LiveModel([SharedSection(sources_of=lambda *a: [])], kept=kept)
    alert = shared_event("price_alert_raised", "36.71")
    assert model.receive(alert, EDGE.code) is False  # no view built yet, but kept
    items = model.document(EDGE, rpc=None)["sections"]["shared"]["items"]
    assert [i["id"] for i in items] == [alert["event_id"]]
    assert items[0]["source_region"] == "36.71"
    vacancy = shared_event("vacancy_posted", "36.03")
    assert model.receive(vacancy, EDGE.code) is True
    assert model.receive(vacancy, EDGE.code) is False  # a redelivery changes nothing
    items = model.document(EDGE, rpc=None)["sections"]["shared"]["items"]
    assert [i["id"] for i in items] == [vacancy["event_id"], alert["event_id"]]
    assert len(kept.rows[EDGE.code]) == 2


def test_a_module_this_deployment_does_not_run_has_no_section_not_an_unavailable_one(monkeypatch):
    monkeypatch.setenv("DEPLOYED_MODULES", "aspirasi")
    Prices.built = 0
    model = LiveModel([Prices(), SharedSection(sources_of=lambda *a: [])], kept=Kept())
    sections = model.document(EDGE, rpc=None)["sections"]
    assert set(sections) == {"shared"}
    model.check(rpc=None)
    assert Prices.built == 0  # never asked for: no timeouts against a service that is not there
    monkeypatch.setenv("DEPLOYED_MODULES", "aspirasi,prices")
    model.cache.clear()
    assert model.document(EDGE, rpc=None)["sections"]["prices"]["status"] == "unavailable"


def test_what_comes_down_must_agree_with_its_key_and_not_be_the_edges_own():
    alert = shared_event("price_alert_raised", "36.71")
    came = checked_downlinked(alert, shared_routing_key(alert), None, EDGE.code)
    assert came["event_id"] == alert["event_id"]
    with pytest.raises(Rejected, match="region"):
        checked_downlinked(alert, "prices.price_alert_raised.36.02", None, EDGE.code)
    with pytest.raises(Rejected, match="publisher"):
        checked_downlinked(alert, shared_routing_key(alert), "region-36.02", EDGE.code)
    own = shared_event("price_alert_raised", EDGE.code)
    with pytest.raises(Rejected, match="itself"):
        checked_downlinked(own, shared_routing_key(own), None, EDGE.code)
    with pytest.raises(Rejected, match="malformed"):
        checked_downlinked({"event_type": "price_alert_raised"}, "x", None, EDGE.code)
