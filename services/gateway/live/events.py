"""The gateway's event feed: one durable queue per gateway replica.

nameko's BROADCAST handlers consume auto-delete queues that vanish with the
connection, so whatever was published while a replica reconnected (a broker
restart, a network blip) never reached it. Each replica instead consumes one
durable queue of its own, named after the replica (LIVE_REPLICA, by default
the host name: the pod name under Kubernetes, so a restarted container finds
its queue again) and bound to every event the live view and the page cache
follow. `x-expires` lets the broker delete the queue of a replica that has
been gone for LIVE_QUEUE_EXPIRES seconds. Every event is checked on arrival
against the stream it came on and its contract, as every reliable handler's is
(`servicekit.events.arrival`): one that breaks it is counted, logged and
dropped; the view is given only the fields this release's contract names.
"""
import logging
import socket

from kombu import Queue, binding
from nameko.messaging import Consumer
from nameko.standalone.events import get_event_exchange

from services.servicekit.events import CONNECTION_ERRORS, arrival

log = logging.getLogger(__name__)
QUEUE_EXPIRES = 600  # seconds


def replica_id(config):
    return str(config.get("LIVE_REPLICA") or socket.gethostname())


def replica_queue(name, bindings, expires_s):
    """The one place this queue's kind is chosen (quorum queues take x-expires too)."""
    return Queue(name, bindings=bindings, durable=True, auto_delete=False,
                 queue_arguments={"x-expires": round(expires_s * 1000)})


class ReplicaEventConsumer(Consumer):
    """Entrypoint: `fn(event)` for every (source, event_type) in `subscriptions`."""

    def __init__(self, subscriptions, **kwargs):
        self.subscriptions = sorted(set(subscriptions))
        super().__init__(queue=None, **kwargs)

    def setup(self):
        config = self.container.config
        bindings = [binding(get_event_exchange(source, config), routing_key=event_type)
                    for source, event_type in self.subscriptions]
        name = f"evt-live--{self.container.service_name}.{replica_id(config)}"
        self.queue = replica_queue(name, bindings, float(config.get("LIVE_QUEUE_EXPIRES", QUEUE_EXPIRES)))
        super().setup()

    def handle_message(self, body, message):
        source = message.delivery_info.get("exchange", "").removesuffix(".events")
        event_type = message.delivery_info.get("routing_key")
        stream = f"on_{event_type}"  # counted per stream, as one handler per event type was
        event, refused = arrival(body, message.headers, source, event_type,
                                 self.container.service_name, stream)
        if refused is not None:
            log.error("%s: dropped an event refused on arrival (%s): %.300r", stream, refused,
                      message.payload)
            self.handle_message_processed(message)
            return
        super().handle_message(event, message)  # unknown fields never reach a page

    def handle_message_processed(self, message, result=None, exc_info=None):
        # Acked whatever happened (a view is rebuilt by reconciliation, never by a
        # hot redelivery loop); an ack lost with the connection means a
        # redelivery, which the model's event-id memory absorbs.
        try:
            self.queue_consumer.ack_message(message)
        except CONNECTION_ERRORS as exc:
            log.warning("connection lost before an event's ack (%s); it will be redelivered",
                        type(exc).__name__)


replica_events = ReplicaEventConsumer.decorator
