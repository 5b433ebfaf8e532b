"""A blank-spot region: its own broker, linked to the hub by shovels; the link is cut and restored.

Hub = this test's vhost on the test broker; edge = a second RabbitMQ node on
this machine (or, without root, a second vhost). While the link is cut the
edge keeps taking aspirasi submissions and the hub keeps publishing shared
events; after it is restored every edge submission is at the hub and every
hub event at the edge exactly once, in order per stream. Both ends consume
with the partner subscriber (ack after hand-over, dedupe by event_id); the
test prints how many redeliveries that dedupe absorbed. The edge's shovels
connect to the hub as the region's own broker user, and the edge's events
reach the hub's `aspirasi.events` only through the hub's uplink relay.
"""
import json
import os
import re
import signal
import subprocess
import sys
import uuid
from urllib.parse import urlparse

import pytest
import requests

from services.platform import partners
from services.platform.uplink import UplinkRelay
from tests.helpers import wait_for
from tests.partners.edge import EdgeNode, LinkProxy, can_start_node
from tests.partners.support import (
    as_user,
    publish_service_event,
    publish_shared,
    shared_event,
    submitted_event,
)
from tools.backing import die_with_parent
from tools.run_platform import ROOT

REGION = "36.02"  # Kabupaten Lebak
HUB_INBOX = "test.hub.aspirasi"  # stands for the hub's consumers of aspirasi events


class HubRelay:
    """The hub's uplink relay, as the gateway runs it."""
    name = "hub_relay"
    uplink_relay = UplinkRelay()


@pytest.fixture
def edge_broker(rabbit_config):
    if can_start_node():
        node = EdgeNode().start()
        yield "second RabbitMQ node", partners.Broker(node.amqp_uri, node.api_uri)
        node.stop()
        return
    api = os.environ["RABBIT_API_URI"].rstrip("/") + "/api"
    vhost = f"tl-edge-{uuid.uuid4().hex[:6]}"
    requests.put(f"{api}/vhosts/{vhost}", timeout=10).raise_for_status()
    requests.put(f"{api}/permissions/{vhost}/guest", json={"configure": ".*", "write": ".*", "read": ".*"},
                 timeout=10).raise_for_status()
    uri = urlparse(rabbit_config["AMQP_URI"])._replace(path="/" + vhost).geturl()
    yield "second vhost on one node (fallback: no root to start a node)", partners.Broker(uri)
    requests.delete(f"{api}/vhosts/{vhost}", timeout=10)


def subscriber(broker, queue, out, state):
    return subprocess.Popen(
        [sys.executable, "-m", "tools.partner_subscriber", "--amqp", broker.amqp_uri, "--queue", queue,
         "--out", str(out), "--state", str(state), "--rejected", f"{state}.rejected"],
        cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"}, stderr=subprocess.PIPE, text=True,
        preexec_fn=die_with_parent)


def received(path):
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def duplicates_skipped(proc):
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=15)
    found = re.search(r"(\d+) duplicates skipped", err)
    return int(found.group(1)) if found else f"unknown (subscriber said: {err[-300:]!r})"


def shovel_states(edge):
    return set(partners.edge_link_status(edge).values())


def hub_events(n):
    return [shared_event("price_alert_raised", "36.71") if i % 2 else shared_event("vacancy_posted", "32.73")
            for i in range(n)]


@pytest.mark.timeout(90)  # ~45 s measured; the node start dominates
def test_cut_link_loses_nothing_and_repeats_nothing(broker, platform_db, edge_broker, partner_user,
                                                    container_factory, rabbit_config, tmp_path):
    mode, edge = edge_broker
    hub = broker
    hub.ensure_policy()
    partners.apply_region(hub, REGION)  # onboarded at the hub: its queue and its user
    user, hub_uri = partner_user(hub, REGION, edge=True)
    container_factory(HubRelay, rabbit_config).start()
    hub.declare_exchange("aspirasi.events")
    hub.declare_queue(HUB_INBOX)
    hub.bind("aspirasi.events", HUB_INBOX, "aspirasi_submitted")
    proxy = LinkProxy(urlparse(hub.amqp_uri).port or 5672)
    hub_via_link = as_user(hub_uri, user, urlparse(hub_uri).password, port=proxy.port)
    partners.link_edge(edge, REGION, hub_via_link, reconnect_delay=1)
    wait_for(lambda: shovel_states(edge) == {"running"}, 20, "both shovels to run")
    # the uplink is bounded by refusal (publishers get a nack), as overlays/edge sets it
    wait_for(lambda: (edge.queue(partners.uplink_queue(REGION)) or {}).get("effective_policy_definition", {})
             .get("overflow") == "reject-publish", 15, "the uplink queue's bound")
    at_hub, at_edge = tmp_path / "hub.jsonl", tmp_path / "edge.jsonl"
    hub_sink = subscriber(hub, HUB_INBOX, at_hub, tmp_path / "hub.state")
    edge_sink = subscriber(edge, partners.queue_name(REGION), at_edge, tmp_path / "edge.state")
    try:
        submissions = [submitted_event(REGION, seq) for seq in range(1, 41)]
        shared = hub_events(40)
        # linked
        publish_service_event(edge.amqp_uri, *submissions[:10])
        publish_shared(hub.amqp_uri, *shared[:10])
        wait_for(lambda: len(received(at_hub)) == 10 and len(received(at_edge)) == 10, 20,
                 "the first events over the link")

        proxy.cut()
        wait_for(lambda: "running" not in shovel_states(edge), 20, "the shovels to notice the cut")
        for i in range(10, 40, 5):  # both sides keep working, interleaved
            publish_service_event(edge.amqp_uri, *submissions[i:i + 5])
            publish_shared(hub.amqp_uri, *shared[i:i + 5])
        wait_for(lambda: (edge.queue(partners.uplink_queue(REGION)) or {}).get("messages") == 30, 15,
                 "the edge to hold its 30 submissions")
        assert len(received(at_hub)) == 10 and len(received(at_edge)) == 10, "the link was not cut"

        proxy.restore()
        wait_for(lambda: len(received(at_hub)) >= 40 and len(received(at_edge)) >= 40, 30,
                 "everything to cross the restored link")
        wait_for(lambda: shovel_states(edge) == {"running"}, 10, "the shovels to run again")
    finally:
        hub_dups, edge_dups = duplicates_skipped(hub_sink), duplicates_skipped(edge_sink)
        partners.unlink_edge(edge, REGION)
        proxy.cut()

    hub_ids = [e["event_id"] for e in received(at_hub)]
    edge_ids = [e["event_id"] for e in received(at_edge)]
    print(f"\nedge mode: {mode}")
    print(f"edge -> hub: {len(submissions)} aspirasi submissions sent (30 while cut), "
          f"{len(hub_ids)} at the hub, {len(set(hub_ids))} distinct, "
          f"{hub_dups} redeliveries dropped by event_id")
    print(f"hub -> edge: {len(shared)} shared events sent (30 while cut), "
          f"{len(edge_ids)} at the edge, {len(set(edge_ids))} distinct, "
          f"{edge_dups} redeliveries dropped by event_id")
    assert hub_ids == [e["event_id"] for e in submissions]  # exactly once, in order
    for event_type in ("price_alert_raised", "vacancy_posted"):  # in order per stream
        assert [e["event_id"] for e in received(at_edge) if e["event_type"] == event_type] == [
            e["event_id"] for e in shared if e["event_type"] == event_type]
    assert sorted(edge_ids) == sorted(e["event_id"] for e in shared)
