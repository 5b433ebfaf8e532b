"""The previous recorded release and HEAD on one broker, exchanging events both ways, then
the same across an upgrade of the hub while the edge keeps running (issue #26, item 3).

Hub = this test's vhost; edge = a second vhost on the same RabbitMQ node, linked by the
edge's shovels as in production (platform.edge_links). The hub runs the previous release's
gateway (its uplink relay) and subscriber, from a worktree of the commit CHANGELOG.md
names; the edge runs HEAD's subscriber. Each side's events are made and published by its
own tree's code (tests/compat/produce.py). Then the hub is upgraded in place: its old
gateway and subscriber are stopped, events keep coming from the edge meanwhile, and HEAD's
gateway and subscriber start on the same databases, queue and state files.
"""
import time
import uuid
from urllib.parse import urlparse

import pytest
import requests

from services.platform import partners
from services.platform.partner_names import UPLINK_QUEUE
from services.servicekit.events import dead_queue_name
from tests.compat.releases import HEAD, Gateway, lines, previous_tree, produce, stop, subscriber
from tests.helpers import wait_for

REGION = "36.02"  # Kabupaten Lebak, an edge region
HOST = "36.71"
HUB_INBOX = "test.compat.hub.aspirasi"  # stands for the hub's consumers of aspirasi events
ASPIRASI = ("aspirasi_submitted", "aspirasi_status_changed", "aspirasi_sla_breached")


@pytest.fixture
def edge_vhost(rabbit_config):
    api = f"{partners.Broker(rabbit_config['AMQP_URI']).api}"
    vhost = f"tl-compat-edge-{uuid.uuid4().hex[:6]}"
    requests.put(f"{api}/vhosts/{vhost}", timeout=10).raise_for_status()
    requests.put(f"{api}/permissions/{vhost}/guest", json={"configure": ".*", "write": ".*", "read": ".*"},
                 timeout=10).raise_for_status()
    yield partners.Broker(urlparse(rabbit_config["AMQP_URI"])._replace(path="/" + vhost).geturl())
    requests.delete(f"{api}/vhosts/{vhost}", timeout=10)


def received(files):
    return [event["event_id"] for event in lines(files / "out.jsonl")]


def exchanged(sides, expected, what, hub, seconds=30):
    """Wait until every side holds its expected ids (or `seconds` pass); then: none lost,
    none twice, none refused by a subscriber, none dead-lettered by the hub's relay."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(
            len(received(files)) < len(expected[name]) for name, files in sides.items()):
        time.sleep(0.2)
    time.sleep(1)  # anything more (a repeat) would arrive now
    dead = (hub.queue(dead_queue_name(UPLINK_QUEUE)) or {}).get("messages", 0)
    for name, files in sides.items():
        got = received(files)
        lost = sorted(set(expected[name]) - set(got))
        assert got == expected[name], (f"{what}: {name} received {len(got)} of {len(expected[name])} "
                                       f"({len(lost)} lost, {len(got) - len(set(got))} repeated; "
                                       f"{dead} dead-lettered by the hub's uplink relay)")
        assert lines(files / "rejected.jsonl") == [], f"{what}: {name} refused events"
    assert dead == 0, f"{what}: the hub's uplink relay dead-lettered {dead} events"


@pytest.mark.timeout(150)  # about 60 s measured; gateway starts dominate
def test_previous_release_and_head_exchange_events_across_an_upgrade(
        broker, platform_db, partner_user, edge_vhost, tmp_path, monkeypatch):
    hub, edge = broker, edge_vhost
    hub.ensure_policy()
    partners.apply_region(hub, REGION)
    user, hub_as_region = partner_user(hub, REGION, edge=True)
    partners.link_edge(edge, REGION, hub_as_region, reconnect_delay=1)
    hub.declare_exchange("aspirasi.events")
    hub.declare_queue(HUB_INBOX)
    for event_type in ASPIRASI:
        hub.bind("aspirasi.events", HUB_INBOX, event_type)
    sides = {"hub": tmp_path / "hub", "edge": tmp_path / "edge"}
    for files in sides.values():
        files.mkdir()
    log = (tmp_path / "processes.log").open("a")
    hub_env = {"AMQP_URI": hub.amqp_uri, "GATEWAY_DB": f"tc_{uuid.uuid4().hex[:8]}_gateway",
               "PLATFORM_DB": platform_db.name, "TL_REGION": HOST}
    started = time.monotonic()
    with previous_tree() as (release, old):
        checked_out = time.monotonic()
        gateway = Gateway(old, hub_env, log)
        hub_sink = subscriber(old, hub.amqp_uri, HUB_INBOX, sides["hub"], log)
        edge_sink = subscriber(HEAD, edge.amqp_uri, partners.queue_name(REGION), sides["edge"], log)
        try:
            wait_for(lambda: set(partners.edge_link_status(edge).values()) == {"running"}, 20, "the shovels")
            expected = {"edge": produce(old, "hub", hub.amqp_uri, HOST, 5),
                        "hub": produce(HEAD, "edge", edge.amqp_uri, REGION, 5)}
            exchanged(sides, expected, f"{release} hub and HEAD edge", hub)
            mixed, first = time.monotonic(), {name: len(ids) for name, ids in expected.items()}

            gateway.stop()
            stop(hub_sink)
            expected["hub"] += produce(HEAD, "edge", edge.amqp_uri, REGION, 5)  # while the hub is down
            gateway = Gateway(HEAD, hub_env, log)  # the same databases
            hub_sink = subscriber(HEAD, hub.amqp_uri, HUB_INBOX, sides["hub"], log)
            expected["edge"] += produce(HEAD, "hub", hub.amqp_uri, HOST, 5)
            expected["hub"] += produce(HEAD, "edge", edge.amqp_uri, REGION, 5)
            exchanged(sides, expected, "the hub upgraded to HEAD, the edge kept running", hub)
        finally:
            gateway.stop()
            for proc in (hub_sink, edge_sink):
                stop(proc)
            partners.unlink_edge(edge, REGION)
            log.close()
    print(f"\nprevious release {release} checked out in {checked_out - started:.1f}s; "
          f"{release} hub + HEAD edge: {first['edge']} hub->edge and {first['hub']} edge->hub events "
          f"({mixed - checked_out:.1f}s with the old gateway's start); across the hub's upgrade: "
          f"{len(expected['edge']) - first['edge']} and {len(expected['hub']) - first['hub']} more "
          f"({time.monotonic() - mixed:.1f}s); 0 lost, 0 repeated, 0 refused, 0 dead-lettered; "
          f"total {time.monotonic() - started:.1f}s")
