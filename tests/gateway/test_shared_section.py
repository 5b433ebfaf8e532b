"""The live view carries what a region subscribes to, marked with the source region."""
from services.gateway.live.model import LiveModel
from services.gateway.live.shared import SharedSection
from services.platform.partners import subscribed_sources
from services.servicekit.envelope import contract, new_event
from services.servicekit.regions import get_region

SUBSCRIPTIONS = {"36.71": {"prices": ["36.02", "36.01"]}, "36.03": {"prices": []}}


def sources_of(region, source, event_type):
    return SUBSCRIPTIONS.get(region, {}).get(source, [])


def alert_from(region):
    example = contract("price_alert_raised")["x-example"]
    return new_event("price_alert_raised", "prices", region, example["payload"])


def built(model, *codes):
    for code in codes:
        model.view(get_region(code), rpc=None)


def test_an_alert_reaches_subscribers_only_once_and_marked_with_its_source():
    model = LiveModel([SharedSection(sources_of)])
    built(model, "36.71", "36.03", "36.02")
    event = alert_from("36.02")
    assert model.apply(event) and not model.apply(event)  # a redelivery changes nothing
    host = model.snapshot("36.71")["shared"]["data"]["items"]
    assert [(i["type"], i["source_region"]) for i in host] == [("price_alert_raised", "36.02")]
    assert model.snapshot("36.03")["shared"]["data"]["items"] == []
    assert model.snapshot("36.02")["shared"]["data"]["items"] == []  # its own news is not "shared"
    assert '"source_region":"36.02"' in model.view(get_region("36.71"), rpc=None)


def test_only_the_latest_ten_are_kept():
    model = LiveModel([SharedSection(sources_of)])
    built(model, "36.71")
    for _ in range(12):
        model.apply(alert_from("36.01"))
    assert len(model.snapshot("36.71")["shared"]["data"]["items"]) == 10


def test_default_subscriptions_route_banten_alerts_to_the_host():
    # subscriptions.yaml: the host follows every region's price alerts
    assert "36.02" in subscribed_sources("36.71", "prices", "price_alert_raised")


def test_the_shared_section_survives_a_restart_from_the_gateways_store(mongo_db):
    from services.gateway.live.store import KEEP, SharedItems

    model = LiveModel([SharedSection(sources_of)], kept=SharedItems(mongo_db.live_shared))
    built(model, "36.71", "36.03")
    events = [alert_from("36.02") for _ in range(KEEP + 2)]
    for event in events:
        model.apply(event)
    # a new process: the same store, nothing in memory
    restarted = LiveModel([SharedSection(sources_of)], kept=SharedItems(mongo_db.live_shared))
    shown = restarted.document(get_region("36.71"), rpc=None)["sections"]["shared"]
    assert [i["id"] for i in shown["items"]] == [e["event_id"] for e in reversed(events)][:KEEP]
    assert shown["items"][0]["source_region_name"] == get_region("36.02").name
    assert mongo_db.live_shared.count_documents({"region": "36.71"}) == KEEP  # bounded per region
    assert mongo_db.live_shared.count_documents({"region": "36.03"}) == 0
