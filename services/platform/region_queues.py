"""The hub's broker topology for partner regions: each region's queue bound exactly
to its subscriptions, and the uplink that edges' shovels deliver to. Idempotent:
applying the same subscriptions again changes nothing, and what is queued stays."""
from typing import Any

from services.platform.broker_api import Broker
from services.platform.partner_names import UPLINK_EXCHANGE_NAME, UPLINK_QUEUE, queue_name
from services.platform.subscription_store import host_codes, subscriptions_for
from services.platform.subscriptions import binding_keys
from services.servicekit.outbox import SHARED_EXCHANGE_NAME
from services.servicekit.regions import all_regions


def ensure_region_queue(broker: Broker, code: str, keys: list[str]) -> dict[str, Any]:
    """Declare the queue and make its bindings exactly `keys`.

    New bindings are added before stale ones are removed, and the queue is
    never redeclared differently, so what is queued stays queued.
    """
    queue = queue_name(code)
    broker.declare_exchange(SHARED_EXCHANGE_NAME)
    broker.declare_queue(queue)
    current = broker.bindings(SHARED_EXCHANGE_NAME, queue)
    have = {b["routing_key"] for b in current}
    added = [k for k in keys if k not in have]
    for key in added:
        broker.bind(SHARED_EXCHANGE_NAME, queue, key)
    removed = [b for b in current if b["routing_key"] not in keys]
    for binding in removed:
        broker.unbind(SHARED_EXCHANGE_NAME, queue, binding)
    return {"queue": queue, "bindings": list(keys), "added": added,
            "removed": sorted(b["routing_key"] for b in removed)}


def apply_region(broker: Broker, code: str) -> dict[str, Any]:
    return ensure_region_queue(broker, code, binding_keys(code, subscriptions_for(code), host_codes()))


def ensure_uplink(broker: Broker) -> None:
    """The hub's uplink exchange and the queue the relay reads (declared before any edge
    links, so nothing an edge sends up is unroutable)."""
    broker.declare_exchange(UPLINK_EXCHANGE_NAME)
    broker.declare_queue(UPLINK_QUEUE)
    broker.bind(UPLINK_EXCHANGE_NAME, UPLINK_QUEUE, "#")


def apply_all(broker: Broker) -> dict[str, dict[str, Any]]:
    """The policy, the uplink and every registered region's queue (idempotent)."""
    broker.ensure_policy()
    ensure_uplink(broker)
    return {r.code: apply_region(broker, r.code) for r in all_regions()}
