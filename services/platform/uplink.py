"""The hub's end of an edge region's uplink: check each event, then republish it.

An edge broker's shovel (edge_links.link_edge) delivers the edge's aspirasi
events and its own shared events to the hub's `tangerang.uplink` exchange,
keyed `edge.events.<code>` and stamped with the region's broker user as
`user_id`. RabbitMQ refuses a `user_id` other than the connecting user and,
by topic permissions, a key of another region; the edge's user can write
nowhere else, so nothing from an edge reaches the services' exchanges
unchecked. Here an event is accepted only when it keeps its contract, when
publisher, routing key and envelope all name the same region, when the
records its payload names are that region's too (an edge's
`aspirasi_status_changed` for a `LAKSA-3671-...` ticket would otherwise have
the hub's notifications write to a Kota Tangerang reporter), and when it is
of a stream an edge sends up (aspirasi, or a shared type). It is then
republished, confirmed, where the hub's own outbox would put it: its source's
event exchange and, for shared types, `tangerang.shared`.

The relay reads its queue one message at a time, in order (an edge's
`aspirasi_status_changed` must not overtake its `aspirasi_submitted`), and
acknowledges only after the broker confirmed the republished copies: a crash
in between means a redelivery, which consumers drop by `event_id`.
Malformed events are dead-lettered once to `tangerang.hub.uplink.dead`
(`python -m tools.deadletters list tangerang.hub.uplink`); events naming
another region, or records of another region, are dropped and counted
(`tl_partner_events_rejected_total{reason}`: publisher, region, record_region, stream).
"""
import logging
from typing import Any

import eventlet
from kombu import Connection, Exchange, Queue
from kombu.mixins import ConsumerMixin
from nameko.amqp.publish import Publisher
from nameko.constants import PERSISTENT
from nameko.events import get_event_exchange
from nameko.extensions import DependencyProvider
from prometheus_client import Counter

from services.platform.partner_names import UPLINK_EXCHANGE_NAME, UPLINK_QUEUE, UPLINK_SOURCES
from services.servicekit.arrival import (
    NOT_MINE,
    PARTNER_REJECTED,
    REJECTED,
    Rejected,
    check_record_regions,
    checked_event,
    publisher_region,
)
from services.servicekit.envelope import is_shared, isoformat, utcnow
from services.servicekit.events import DEAD_AT_HEADER, ERROR_HEADER, dead_queue_name
from services.servicekit.outbox import shared_exchange, shared_routing_key
from services.servicekit.queues import dead_letter_queue_arguments, region_queue_arguments
from services.servicekit.scrub import scrub

log = logging.getLogger(__name__)

UPLINK_STREAMS = tuple(exchange.split(".")[0] for exchange, _ in UPLINK_SOURCES)
RETRY_AFTER = 1  # seconds before an event whose republishing failed is tried again
uplink_exchange = Exchange(UPLINK_EXCHANGE_NAME, type="topic", durable=True)
# As region_queues.ensure_uplink declares them: quorum queues (queues.py).
uplink_queue = Queue(UPLINK_QUEUE, exchange=uplink_exchange, routing_key="#", durable=True,
                     queue_arguments=region_queue_arguments())
dead_queue = Queue(dead_queue_name(UPLINK_QUEUE), durable=True,
                   queue_arguments=dead_letter_queue_arguments())

RELAYED = Counter("tl_partner_uplink_relayed_total", "Edge regions' events accepted and republished "
                  "at the hub", ["region"])


def check_uplinked(event: dict[str, Any], routing_key: str, user_id: str | None) -> None:
    """Refuse a contract-valid uplinked event that is not the publishing edge's own."""
    publisher = publisher_region(user_id)
    if publisher is None:
        raise Rejected("publisher", f"user_id {user_id!r} is no region's broker user")
    if routing_key.rsplit(".", 2)[-2:] != publisher.split("."):
        raise Rejected("publisher", f"region {publisher}'s user sent routing key {routing_key}")
    if event["region"] != publisher:
        raise Rejected("region", f"region {publisher} sent an event of region {event['region']}")
    check_record_regions(event)
    if event["source"] not in UPLINK_STREAMS and not is_shared(event["event_type"]):
        raise Rejected("stream", f"a {event['source']} {event['event_type']} event is not sent up")


def destinations(event: dict[str, Any], config: dict[str, Any]) -> list[tuple[Exchange, str]]:
    """[(exchange, routing key)] the hub's outbox would publish `event` to."""
    targets: list[tuple[Exchange, str]] = []
    if event["source"] in UPLINK_STREAMS:
        targets.append((get_event_exchange(event["source"], config), event["event_type"]))
    if is_shared(event["event_type"]):
        targets.append((shared_exchange, shared_routing_key(event)))
    return targets


class RelayLoop(ConsumerMixin):
    """One consumer, one message in flight: check, republish (confirmed), then ack."""

    def __init__(self, config: dict[str, Any], service_name: str) -> None:
        self.config, self.service_name = config, service_name
        self.connection = Connection(config["AMQP_URI"])
        self.publisher = Publisher(config["AMQP_URI"], use_confirms=True, delivery_mode=PERSISTENT,
                                   serializer="json", declare=[
                                       *(get_event_exchange(s, config) for s in UPLINK_STREAMS),
                                       shared_exchange, dead_queue])

    def get_consumers(self, consumer_cls: Any, channel: Any) -> list[Any]:
        return [consumer_cls(queues=[uplink_queue], callbacks=[self.on_message], accept=["json"],
                             prefetch_count=1)]

    def on_message(self, body: Any, message: Any) -> None:
        routing_key = message.delivery_info["routing_key"]
        user_id = message.properties.get("user_id")
        try:
            event = checked_event(body)
            check_uplinked(event, routing_key, user_id)
        except Rejected as exc:
            self.refuse(message, body, exc, routing_key, user_id)
            return
        # Retried in place, holding the message: a requeue would count against
        # the queue's delivery limit, which is for messages that crash the relay.
        while True:
            try:
                for exchange, key in destinations(event, self.config):
                    self.publisher.publish(event, exchange=exchange, routing_key=key)
                break
            except Exception as exc:  # noqa: BLE001 - the broker keeps the event; try again shortly
                log.warning("uplink: republishing %s failed (%s); retrying in %ss", event["event_id"],
                            type(exc).__name__, RETRY_AFTER)
                if self.should_stop:
                    message.requeue()
                    return
                eventlet.sleep(RETRY_AFTER)
        RELAYED.labels(event["region"]).inc()
        message.ack()

    def on_decode_error(self, message: Any, exc: Exception) -> None:
        self.refuse(message, message.body.decode("utf-8", "replace")[:10000],
                    Rejected("malformed", f"undecodable body ({type(exc).__name__})"),
                    message.delivery_info["routing_key"], message.properties.get("user_id"))

    def refuse(self, message: Any, body: Any, exc: Rejected, routing_key: str, user_id: str | None) -> None:
        log.warning("uplink: refused an event from %s (key %s): %s", user_id, routing_key, exc)
        if exc.reason == "not_mine":  # a newer edge's type or source: counted, dropped
            NOT_MINE.labels(self.service_name, "uplink_relay").inc()
            message.ack()
            return
        if exc.reason not in ("malformed", "unknown_version"):  # parked: replayable after an upgrade
            PARTNER_REJECTED.labels(exc.reason).inc()
            message.ack()
            return
        REJECTED.labels(self.service_name, "uplink_relay", exc.reason).inc()
        headers = {**(message.headers or {}), ERROR_HEADER: scrub(f"refused on arrival: {exc}")[:500],
                   DEAD_AT_HEADER: isoformat(utcnow()), "x-tl-publisher": user_id or "",
                   "x-tl-routing-key": routing_key}
        try:
            self.publisher.publish(body, routing_key=dead_queue.name, headers=headers)
        except Exception:  # noqa: BLE001 - the broker keeps the message instead
            log.exception("uplink: could not dead-letter a malformed event; it stays queued")
            eventlet.sleep(RETRY_AFTER)
            message.requeue()
            return
        message.ack()


class UplinkRelay(DependencyProvider):
    """Runs the relay in the hosting service's process (the hub's gateway)."""

    def setup(self) -> None:
        self.loop = RelayLoop(self.container.config, self.container.service_name)

    def start(self) -> None:
        self.thread = self.container.spawn_managed_thread(self.loop.run, identifier="uplink_relay")

    def stop(self) -> None:
        self.loop.should_stop = True
        self.thread.wait()

    def kill(self) -> None:
        self.loop.should_stop = True
