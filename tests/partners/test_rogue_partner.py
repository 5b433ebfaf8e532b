"""A rogue partner, with its own broker credentials, against the running hub.

Kab. Lebak (36.02, an edge region) holds the broker user onboarding made for
it. Whatever lies outside its fence the broker itself refuses (ACCESS_REFUSED);
what the broker cannot judge (an envelope naming another region, a stream an
edge does not send up, a malformed event) the hub's relay drops and counts, or
dead-letters once. No store and no other region's live view changes. A valid
event sent up the same way gets through, so the refusals are not an uplink
that simply does nothing.
"""
import re

import pytest
from amqp.exceptions import AccessRefused, PreconditionFailed
from kombu import Connection

from services.platform import partners
from services.platform.service_index import SERVICES
from services.servicekit.envelope import contract, new_event
from services.servicekit.events import dead_queue_name
from tests.helpers import wait_for
from tests.partners.support import peek, publish_raw, shared_event, submitted_event

REGION = "36.02"
INBOX = "test.rogue.inbox"  # stands for the hub's consumers of aspirasi and prices events


@pytest.fixture
def lebak(platform, partner_user):
    hub = partners.Broker(platform.env["AMQP_URI"], platform.api_uri)
    user, uri = partner_user(hub, REGION, edge=True)
    return hub, user, uri


def stored(platform):
    """Documents per collection in every service's database (photo chunks aside: the
    embedded store cannot count GridFS collections, and no event writes photos)."""
    return {(name, coll): platform.db(name)[coll].count_documents({})
            for name in SERVICES for coll in platform.db(name).list_collection_names()
            if not coll.endswith((".files", ".chunks", "_files", "_chunks"))}


def metric(http, platform, name, **labels):
    text = http.get(f"{platform.ops_url('gateway')}/metrics", timeout=5).text
    for found in re.finditer(rf"^{name}{{(.*)}} (\S+)$", text, re.M):
        if labels.items() <= dict(re.findall(r'(\w+)="([^"]*)"', found.group(1))).items():
            return float(found.group(2))
    return 0.0


def aspirasi_view(http, platform, code):
    """The aspirasi section without `checked_at` (the time of its last check moves by itself)."""
    section = http.get(f"{platform.url}/api/v1/regions/{code}/live", timeout=5).json()["sections"]["aspirasi"]
    return {k: v for k, v in section.items() if k != "checked_at"}


def event_of(event_type, region):
    example = contract(event_type)["x-example"]
    return new_event(event_type, example["source"], region, example["payload"])


REFUSED = {
    "publish another region's shared event": lambda uri: publish_raw(
        uri, shared_event("vacancy_posted", "36.71"), "tangerang.shared", "pencaker.vacancy_posted.36.71"),
    "call an RPC": lambda uri: publish_raw(
        uri, {"args": ["LAKSA-3671-2026-000001", "resolve"], "kwargs": {}}, "nameko-rpc",
        "aspirasi.transition", reply_to="rogue", correlation_id="1"),
    "send to a service's queue": lambda uri: publish_raw(uri, {}, "", "rpc-aspirasi"),
    "publish on a service's event exchange": lambda uri: publish_raw(
        uri, submitted_event("36.71", 1), "aspirasi.events", "aspirasi_submitted"),
    "send up as another region": lambda uri: publish_raw(
        uri, submitted_event("36.71", 1), "tangerang.uplink", "edge.events.36.71"),
    "read another region's queue": lambda uri: on_channel(uri, "basic_get", "tangerang.region.36.71"),
    "read the hub's uplink queue": lambda uri: on_channel(uri, "basic_get", partners.UPLINK_QUEUE),
    "declare a queue": lambda uri: on_channel(uri, "queue_declare", "lebak.tap", durable=True),
    "bind its queue to every key": lambda uri: on_channel(
        uri, "queue_bind", partners.queue_name(REGION), "tangerang.shared", "#"),
    "delete its queue": lambda uri: on_channel(uri, "queue_delete", partners.queue_name(REGION)),
}


def on_channel(uri, method, *args, **kwargs):
    with Connection(uri) as connection:
        return getattr(connection.channel(), method)(*args, **kwargs)


def test_a_partner_reaches_only_its_own_queue_and_keys(platform, http, lebak):
    hub, user, uri = lebak
    hub.declare_queue(INBOX)
    for exchange in ("aspirasi.events", "prices.events"):
        hub.bind(exchange, INBOX, "#")
    host_before, lebak_before = aspirasi_view(http, platform, "36.71"), aspirasi_view(http, platform, REGION)
    counted = {reason: metric(http, platform, "tl_partner_events_rejected_total", reason=reason)
               for reason in ("region", "stream", "publisher")}
    malformed_before = metric(http, platform, "tl_events_rejected_total", consumer="uplink_relay",
                              reason="malformed")
    before = stored(platform)

    for what, attempt in REFUSED.items():
        with pytest.raises(AccessRefused, match="ACCESS_REFUSED"):
            attempt(uri)
            pytest.fail(f"the broker let Lebak {what}")
    with pytest.raises(PreconditionFailed, match="user_id property set to 'guest'"):
        publish_raw(uri, shared_event("vacancy_posted", REGION), "tangerang.shared",
                    "pencaker.vacancy_posted.36.02", user_id="guest")

    # What the broker lets through its own fence, the hub's relay checks.
    key = partners.uplink_key(REGION)
    claims_host = {**submitted_event(REGION, 1), "region": "36.71"}
    not_sent_up = event_of("prices_recorded", REGION)
    malformed = {**submitted_event(REGION, 2), "payload": {"number": "LAKSA-3602-2026-000002"}}
    valid = submitted_event(REGION, 3)
    publish_raw(uri, claims_host, "tangerang.uplink", key, user_id=user)
    publish_raw(uri, not_sent_up, "tangerang.uplink", key, user_id=user)
    publish_raw(uri, submitted_event(REGION, 4), "tangerang.uplink", key)  # no user_id: no publisher
    publish_raw(uri, malformed, "tangerang.uplink", key, user_id=user)
    publish_raw(uri, valid, "tangerang.uplink", key, user_id=user)

    wait_for(lambda: peek(hub, INBOX), 15, "the valid event to be relayed")
    assert [e["event_id"] for e in peek(hub, INBOX)] == [valid["event_id"]]
    wait_for(lambda: aspirasi_view(http, platform, REGION)["received"] == lebak_before["received"] + 1,
             10, "Lebak's own event in its live view")
    for reason in ("region", "stream", "publisher"):
        assert metric(http, platform, "tl_partner_events_rejected_total", reason=reason) == \
            counted[reason] + 1, reason
    assert metric(http, platform, "tl_events_rejected_total", consumer="uplink_relay",
                  reason="malformed") == malformed_before + 1
    assert [e["event_id"] for e in peek(hub, dead_queue_name(partners.UPLINK_QUEUE))] == [
        malformed["event_id"]]  # dead-lettered once, not looped
    assert peek(hub, partners.UPLINK_QUEUE) == []
    assert aspirasi_view(http, platform, "36.71") == host_before
    assert stored(platform) == before


def test_the_live_view_takes_only_events_that_keep_their_contract(platform, http):
    hub = partners.Broker(platform.env["AMQP_URI"], platform.api_uri)
    received = aspirasi_view(http, platform, "36.73")["received"]
    dropped = metric(http, platform, "tl_events_rejected_total", service="gateway",
                     consumer="on_aspirasi_submitted", reason="malformed")
    broken = {**submitted_event("36.73", 1), "payload": {"number": "LAKSA-3673-2026-000001"}}
    publish_raw(hub.amqp_uri, broken, "aspirasi.events", "aspirasi_submitted")
    publish_raw(hub.amqp_uri, submitted_event("36.73", 2), "aspirasi.events", "aspirasi_submitted")
    wait_for(lambda: aspirasi_view(http, platform, "36.73")["received"] == received + 1, 10,
             "the valid event in the live view")
    assert metric(http, platform, "tl_events_rejected_total", service="gateway",
                  consumer="on_aspirasi_submitted", reason="malformed") == dropped + 1
