"""The edge profile: its uplink bound refuses, never drops; its link verifies the hub.

The uplink policy is the one the edge overlay deploys (deploy/k8s/overlays/edge,
read from the rendered manifests) with its max-length scaled down, set on
this test's vhost of the real broker; events are published as the outbox
publishes them (persistent, confirmed) on aspirasi's exchange, which the
edge binds to its uplink queue (partners.UPLINK_SOURCES).
"""
import json

import pytest
from amqp.exceptions import MessageNacked
from kombu.exceptions import OperationalError

from services.platform import partners
from services.servicekit.errors import ValidationFailed
from tests.ops.manifests import KUSTOMIZATIONS, find, render
from tests.partners.support import publish_service_event, submitted_event

REGION = "36.01"
BOUND = 3


def test_a_full_uplink_refuses_the_publisher_and_keeps_what_it_holds(broker):
    (policy,) = [d["spec"] for d in find(render(KUSTOMIZATIONS["edge"]), "Policy")]
    definition = {**policy["definition"], "max-length": BOUND}
    broker.request("PUT", "policies", broker.vhost, policy["name"], json={
        "pattern": policy["pattern"], "definition": definition, "priority": policy["priority"],
        "apply-to": policy["applyTo"]})
    uplink = partners.uplink_queue(REGION)
    broker.declare_queue(uplink)
    for exchange, key in partners.UPLINK_SOURCES:
        broker.declare_exchange(exchange)
        broker.bind(exchange, uplink, key)
    events = [submitted_event(REGION, n) for n in range(1, BOUND + 3)]
    publish_service_event(broker.amqp_uri, *events[:BOUND])
    # A quorum queue (the kit's uplink queue) notices it is full on the message
    # that fills it past the bound, so it takes at most one more, then refuses.
    accepted = BOUND
    with pytest.raises(OperationalError) as refused:
        for event in events[BOUND:]:
            publish_service_event(broker.amqp_uri, event)
            accepted += 1
    # kombu raises the broker's nack as an OperationalError; the outbox keeps that event
    assert isinstance(refused.value.__cause__, MessageNacked)
    assert accepted <= BOUND + 1
    held = broker.request("POST", "queues", broker.vhost, uplink, "get",
                          json={"count": BOUND + 2, "ackmode": "ack_requeue_true", "encoding": "auto"})
    numbers = [json.loads(m["payload"])["payload"]["number"] for m in held]
    # the oldest are kept (nothing dropped), the refused one is not there
    assert numbers == [e["payload"]["number"] for e in events[:accepted]]


def test_an_amqps_hub_uri_must_verify_the_hub():
    with pytest.raises(ValidationFailed) as refused:
        partners.link_edge(None, REGION, "amqps://lebak:secret@hub.example:5671/")
    details = refused.value.details
    assert details["field"] == "hub_uri" and list(details["fields"]) == ["hub_uri"]
    assert "verify=verify_peer" in refused.value.message
    with pytest.raises(ValidationFailed):  # verify without a CA to verify against
        partners.check_hub_uri("amqps://lebak:secret@hub.example:5671/?verify=verify_peer")
    partners.check_hub_uri("amqps://lebak:secret@hub.example:5671/?cacertfile=/etc/tl-hub-ca/ca.crt"
                           "&verify=verify_peer&server_name_indication=hub.example")
    partners.check_hub_uri("amqp://lebak:secret@127.0.0.1:5672/")  # a plain link (tests, a private line)
