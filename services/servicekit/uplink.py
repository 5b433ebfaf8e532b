"""The hub's end of an edge region's uplink: check each event, then republish it.

An edge broker's shovel (partners.link_edge) delivers the edge's aspirasi
events and its own shared events to the hub's `tangerang.uplink` exchange,
keyed `edge.events.<code>` and stamped with the region's broker user as
`user_id`. RabbitMQ refuses a `user_id` other than the connecting user and,
by topic permissions, a key of another region; the edge's user can write
nowhere else, so nothing from an edge reaches the services' exchanges
unchecked. Here an event is accepted only when it keeps its contract, when
publisher, routing key and envelope all name the same region, and when it is
of a stream an edge sends up (aspirasi, or a shared type). It is then
republished, confirmed, where the hub's own outbox would put it: its source's
event exchange and, for shared types, `tangerang.shared`.

Malformed events are dead-lettered once to `tangerang.hub.uplink.dead`
(`python -m tools.deadletters list tangerang.hub.uplink`); events naming
another region are dropped and counted (`tl_partner_events_rejected_total`).
"""
import logging
from functools import partial

from kombu import Exchange, Queue
from nameko.amqp.publish import Publisher
from nameko.constants import PERSISTENT
from nameko.events import get_event_exchange
from nameko.exceptions import ContainerBeingKilled
from nameko.extensions import DependencyProvider
from nameko.messaging import Consumer

from services.servicekit.arrival import (
    PARTNER_REJECTED,
    REJECTED,
    Rejected,
    checked_event,
    publisher_region,
)
from services.servicekit.envelope import is_shared, isoformat, utcnow
from services.servicekit.events import DEAD_AT_HEADER, ERROR_HEADER, dead_queue_name
from services.servicekit.outbox import shared_exchange, shared_routing_key
from services.servicekit.partners import UPLINK_EXCHANGE_NAME, UPLINK_QUEUE, UPLINK_SOURCES

log = logging.getLogger(__name__)

UPLINK_STREAMS = tuple(exchange.split(".")[0] for exchange, _ in UPLINK_SOURCES)
uplink_exchange = Exchange(UPLINK_EXCHANGE_NAME, type="topic", durable=True)
uplink_queue = Queue(UPLINK_QUEUE, exchange=uplink_exchange, routing_key="#", durable=True)


def check_uplinked(event, routing_key, user_id):
    """Refuse a contract-valid uplinked event that is not the publishing edge's own."""
    publisher = publisher_region(user_id)
    if publisher is None:
        raise Rejected("publisher", f"user_id {user_id!r} is no region's broker user")
    if routing_key.rsplit(".", 2)[-2:] != publisher.split("."):
        raise Rejected("publisher", f"region {publisher}'s user sent routing key {routing_key}")
    if event["region"] != publisher:
        raise Rejected("region", f"region {publisher} sent an event of region {event['region']}")
    if event["source"] not in UPLINK_STREAMS and not is_shared(event["event_type"]):
        raise Rejected("stream", f"a {event['source']} {event['event_type']} event is not sent up")


def destinations(event, config):
    """[(exchange, routing key)] the hub's outbox would publish `event` to."""
    targets = []
    if event["source"] in UPLINK_STREAMS:
        targets.append((get_event_exchange(event["source"], config), event["event_type"]))
    if is_shared(event["event_type"]):
        targets.append((shared_exchange, shared_routing_key(event)))
    return targets


class UplinkConsumer(Consumer):
    """Hands the method only uplinked events that passed `check_uplinked`."""

    def __init__(self, **kwargs):
        # A failed republish (the broker busy) leaves the event queued for another try.
        super().__init__(uplink_queue, requeue_on_error=True, **kwargs)

    def setup(self):
        super().setup()
        dead = Queue(dead_queue_name(UPLINK_QUEUE), durable=True)
        self.dead_letters = Publisher(self.container.config["AMQP_URI"], use_confirms=True,
                                      delivery_mode=PERSISTENT, serializer="json", declare=[dead])

    def handle_message(self, body, message):
        routing_key = message.delivery_info["routing_key"]
        user_id = message.properties.get("user_id")
        try:
            event = checked_event(body)
            check_uplinked(event, routing_key, user_id)
        except Rejected as exc:
            self.refuse(message, exc, routing_key, user_id)
            return
        try:  # no context data: nothing a partner puts in headers reaches the worker
            self.container.spawn_worker(self, (event,), {}, context_data={},
                                        handle_result=partial(self.handle_result, message))
        except ContainerBeingKilled:
            self.queue_consumer.requeue_message(message)

    def refuse(self, message, exc, routing_key, user_id):
        if exc.reason == "malformed":
            REJECTED.labels(self.container.service_name, self.method_name, exc.reason).inc()
            headers = {**(message.headers or {}), ERROR_HEADER: f"refused on arrival: {exc}"[:500],
                       DEAD_AT_HEADER: isoformat(utcnow()), "x-tl-publisher": user_id or "",
                       "x-tl-routing-key": routing_key}
            try:
                self.dead_letters.publish(message.payload, routing_key=dead_queue_name(UPLINK_QUEUE),
                                          headers=headers)
            except Exception:  # noqa: BLE001 - the broker keeps the message instead
                log.exception("uplink: could not dead-letter a malformed event; it stays queued")
                self.queue_consumer.requeue_message(message)
                return
        else:
            PARTNER_REJECTED.labels(exc.reason).inc()
        log.warning("uplink: refused an event from %s (key %s): %s", user_id, routing_key, exc)
        self.queue_consumer.ack_message(message)


uplink_consumer = UplinkConsumer.decorator


class UplinkPublisher(DependencyProvider):
    """Confirmed, persistent republishing of accepted uplinked events."""

    def setup(self):
        exchanges = [get_event_exchange(stream, self.container.config) for stream in UPLINK_STREAMS]
        self.publisher = Publisher(self.container.config["AMQP_URI"], use_confirms=True,
                                   delivery_mode=PERSISTENT, serializer="json",
                                   declare=[*exchanges, shared_exchange])

    def get_dependency(self, worker_ctx):
        return self

    def republish(self, event):
        for exchange, routing_key in destinations(event, self.container.config):
            self.publisher.publish(event, exchange=exchange, routing_key=routing_key)


class RelaysUplinks:
    """Service mixin: the hub's relay of edge regions' uplinks (the gateway hosts it)."""

    uplink = UplinkPublisher()

    @uplink_consumer
    def relay_uplink(self, event):
        self.uplink.republish(event)
