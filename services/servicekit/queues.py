"""Every durable queue that holds work is a quorum queue, declared by the kit.

A quorum queue is replicated across the broker's nodes (a classic queue lives
on one node and is gone while that node is) and counts deliveries: a message
delivered `x-delivery-limit` times without an ack (its consumer died on it
each time) is dead-lettered (a partner's queue: dropped, after many more
deliveries) instead of taking its consumer down forever. A handler that merely fails is not counted:
the reliable handler acks it after moving it to a retry queue (events.py).

Queue arguments cannot change on an existing queue: a broker that still has
a classic queue of the same name refuses the declaration. The error names
`python -m tools.quorum_migration`, which replaces the empty ones.
"""
from typing import Any

from amqp.exceptions import PreconditionFailed

from services.servicekit.errors import ConfigError

QUORUM = {"x-queue-type": "quorum"}
DELIVERY_LIMIT = 10  # deliveries of one message to a service's handler
# A partner's queue is read across a poor link, often by a shovel: each cut of
# the link returns the messages in flight, and that counts as a delivery.
REGION_DELIVERY_LIMIT = 1000
MIGRATION = "python -m tools.quorum_migration"


def dead_letter_to(queue: str) -> dict[str, Any]:
    # at-least-once: the broker keeps the message until the target queue has
    # confirmed it (needs overflow reject-publish; these queues have no length bound).
    return {"x-dead-letter-exchange": "", "x-dead-letter-routing-key": queue,
            "x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"}


def handler_queue_arguments(dead_letter_queue: str) -> dict[str, Any]:
    return {**QUORUM, "x-delivery-limit": DELIVERY_LIMIT, **dead_letter_to(dead_letter_queue)}


def retry_queue_arguments(delay_ms: int, handler_queue: str) -> dict[str, Any]:
    """Holds a failed event `delay_ms`, then hands it back to `handler_queue`."""
    return {**QUORUM, "x-message-ttl": delay_ms, **dead_letter_to(handler_queue)}


def dead_letter_queue_arguments() -> dict[str, Any]:
    # No delivery limit: listing dead letters (tools/deadletters.py) puts them back.
    return dict(QUORUM)


def region_queue_arguments() -> dict[str, Any]:
    # The backlog bound (max length, TTL, drop-head) comes from a policy (partners.py).
    return {**QUORUM, "x-delivery-limit": REGION_DELIVERY_LIMIT}


def declare(queue: Any, channel: Any) -> None:
    """Declare a kombu `queue` on `channel`; an old queue of the same name is one clear line."""
    try:
        queue(channel).declare()
    except PreconditionFailed as exc:
        raise ConfigError(mismatch(queue.name, exc.reply_text)) from None


def mismatch(name: str, detail: str) -> str:
    return (f"queue {name!r} exists with other arguments ({detail}); it is a quorum queue now: "
            f"run `{MIGRATION}` to replace it when empty (drain it first if not)")
