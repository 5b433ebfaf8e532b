"""The checks every consumer makes on arrival, and the fence a partner's broker user gets (pure)."""
import re

import pytest

from services.platform import partners
from services.platform.uplink import check_uplinked, destinations
from services.servicekit.arrival import (
    Rejected,
    check_partner_event,
    check_record_regions,
    checked_event,
    publisher_region,
    record_region,
)
from services.servicekit.envelope import contract, new_event
from services.servicekit.events import attempts_so_far
from tests.partners.support import shared_event, submitted_event

VACANCY = shared_event("vacancy_posted", "36.02")


def event_of(event_type, region):
    """The contract's example as `region`'s event, its records left of the example's region
    (vacancy LK-3671-..., alert 36.02:...)."""
    example = contract(event_type)["x-example"]
    return new_event(event_type, example["source"], region, example["payload"])


@pytest.mark.parametrize("body, detail", [
    ([VACANCY], "JSON list"),
    ({**VACANCY, "event_type": "../envelope"}, "has no contract"),
    ({**VACANCY, "event_type": "envelope"}, "has no contract"),
    ({**VACANCY, "region": "36.7"}, "region"),
    ({**VACANCY, "payload": {**VACANCY["payload"], "openings": 0}, "extra": 1}, "payload.openings"),
])
def test_malformed_events_are_refused_naming_what_is_wrong(body, detail):
    with pytest.raises(Rejected) as refused:
        checked_event(body)
    assert refused.value.reason == "malformed" and detail in refused.value.detail


def test_an_event_on_another_stream_is_malformed():
    assert checked_event(VACANCY, "pencaker", "vacancy_posted") == VACANCY
    with pytest.raises(Rejected, match="on the pencaker vacancy_closed stream"):
        checked_event(VACANCY, "pencaker", "vacancy_closed")


@pytest.mark.parametrize("value", ["1", -1, True, 1.5])
def test_a_bad_attempts_header_is_refused(value):
    assert attempts_so_far({}) == 0 and attempts_so_far({"x-tl-attempts": 3}) == 3
    with pytest.raises(Rejected) as refused:
        attempts_so_far({"x-tl-attempts": value})
    assert refused.value.reason == "attempts_header"


@pytest.mark.parametrize("routing_key, user_id, reason", [
    ("pencaker.vacancy_posted.36.02", None, None),
    ("pencaker.vacancy_posted.36.02", "region-36.02~e2e-1", None),
    ("vacancy_posted", "guest", None),  # a service exchange: only the hub's services publish there
    ("pencaker.vacancy_posted.36.71", None, "region"),
    ("news.vacancy_posted.36.02", None, "routing_key"),
    ("tangerang.region.36.02", None, "routing_key"),
    ("pencaker.vacancy_posted.36.02", "region-36.71", "publisher"),
    # a vacancy of 36.71 (LK-3671-...) sent as 36.02's own: its region, key and publisher agree
    ("pencaker.vacancy_posted.36.02", "region-36.02", "record_region"),
])
def test_envelope_region_routing_key_and_publisher_must_agree(routing_key, user_id, reason):
    if reason == "record_region":
        with pytest.raises(Rejected, match="payload.vacancy_id 'LK-3671-2026-000042' is of region 36.71"):
            check_partner_event(event_of("vacancy_posted", "36.02"), routing_key, user_id)
        return
    if reason is None:
        check_partner_event(VACANCY, routing_key, user_id)
        return
    with pytest.raises(Rejected) as refused:
        check_partner_event(VACANCY, routing_key, user_id)
    assert refused.value.reason == reason


@pytest.mark.parametrize("event, routing_key, user_id, reason", [
    (submitted_event("36.02", 1), "edge.events.36.02", "region-36.02", None),
    (shared_event("price_alert_raised", "36.02"), "edge.events.36.02", "region-36.02~hub", None),
    (submitted_event("36.02", 1), "edge.events.36.02", None, "publisher"),
    (submitted_event("36.02", 1), "edge.events.36.02", "guest", "publisher"),
    (submitted_event("36.02", 1), "edge.events.36.01", "region-36.02", "publisher"),
    (submitted_event("36.71", 1), "edge.events.36.02", "region-36.02", "region"),
    (shared_event("prices_recorded", "36.02"), "edge.events.36.02", "region-36.02", "stream"),
    # events of the edge's own region that name another region's records
    (new_event("aspirasi_status_changed", "aspirasi", "36.02", {
        **shared_event("aspirasi_status_changed", "36.02")["payload"], "number": "LAKSA-3671-2026-000123",
        "note": "kirim Rp250.000 ke rekening 123"}), "edge.events.36.02", "region-36.02", "record_region"),
    ({**submitted_event("36.02", 1), "payload": {**submitted_event("36.02", 1)["payload"],
                                                 "number": "LAKSA-36.71-2026-000001"}},
     "edge.events.36.02", "region-36.02", "record_region"),
    (event_of("vacancy_posted", "36.02"), "edge.events.36.02", "region-36.02", "record_region"),
    (event_of("price_alert_raised", "36.71"), "edge.events.36.71", "region-36.71", "record_region"),
])
def test_the_hub_accepts_an_uplinked_event_only_as_the_edge_regions_own(event, routing_key, user_id,
                                                                        reason):
    if reason is None:
        check_uplinked(event, routing_key, user_id)
        return
    with pytest.raises(Rejected) as refused:
        check_uplinked(event, routing_key, user_id)
    assert refused.value.reason == reason


@pytest.mark.parametrize("value, region", [
    ("LAKSA-3671-2026-000123", "36.71"), ("LK-3602-2026-000042", "36.02"),
    ("LK-3671-2026-000042.S0123456789abcde", "36.71"),
    ("36.02:pasar-rangkasbitung:cabai:2026-11-27", "36.02"),
    ("36.71", "36.71"), ("LAKSA-367-2026-000123", None), ("LAKSA-36711-2026-1", None), ("laksa-3671-1", None),
    ("sampah", None), ("", None), (3671, None),
])
def test_the_region_a_record_id_names(value, region):
    assert record_region(value) == region


def test_every_marked_field_must_name_the_envelopes_region():
    own = new_event("vacancy_posted", "pencaker", "36.02", {
        **shared_event("vacancy_posted", "36.02")["payload"], "vacancy_id": "LK-3602-2026-000042",
        "location_region": "36.02", "employer_id": "EMP-3671-000001"})  # an employer of elsewhere may post
    check_record_regions(own)
    for field, value in (("vacancy_id", "LK-3671-2026-000042"), ("location_region", "36.71")):
        with pytest.raises(Rejected, match=f"payload.{field} .* is of region 36.71, the envelope 36.02"):
            check_record_regions({**own, "payload": {**own["payload"], field: value}})
    with pytest.raises(Rejected, match="of no region"):
        check_record_regions({**own, "payload": {**own["payload"], "vacancy_id": "LK-x"}})


def test_uplinked_events_go_where_the_hubs_outbox_would_put_them():
    config = {}
    submitted, alert = submitted_event("36.02", 1), shared_event("price_alert_raised", "36.02")
    assert [(e.name, k) for e, k in destinations(submitted, config)] == [
        ("aspirasi.events", "aspirasi_submitted")]
    assert [(e.name, k) for e, k in destinations(alert, config)] == [
        ("tangerang.shared", "prices.price_alert_raised.36.02")]


def test_a_partner_user_is_fenced_to_its_queue_and_its_own_routing_keys():
    assert partners.partner_user("36.02") == "region-36.02"
    assert partners.partner_user("36.02", "e2e-1") == "region-36.02~e2e-1"
    assert publisher_region("region-36.02~e2e-1") == "36.02" and publisher_region("guest") is None
    permissions, topics = partners.partner_permissions("36.02", edge=False)
    assert permissions == {"configure": "^$", "read": r"^tangerang\.region\.36\.02$",
                           "write": r"^(tangerang\.shared)$"}
    own = {t["exchange"]: re.compile(t["write"]) for t in topics}
    assert own["tangerang.shared"].match("prices.price_alert_raised.36.02")
    for key in ("prices.price_alert_raised.36.021", "prices.price_alert_raised.36x02",
                "a.b.c.36.02", "prices.price_alert_raised.36.71"):
        assert not own["tangerang.shared"].match(key), key
    assert not own["tangerang.uplink"].match("edge.events.36.02")  # not an edge: no uplink
    permissions, topics = partners.partner_permissions("36.02", edge=True)
    assert permissions["write"] == r"^(tangerang\.shared|tangerang\.uplink)$"
    assert all(re.match(t["write"], "edge.events.36.02") for t in topics)
