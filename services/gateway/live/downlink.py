"""At an edge: what the hub sends down, into the live view and the pages.

An edge region's broker receives, by its downlink shovel (platform/edge_links.py), the
shared events of the regions it subscribes to into `tangerang.region.<code>`. At the
hub that queue is read by the partner's own systems; at the edge the gateway reads it
itself: this entrypoint consumes it when the deployment's own region (HOST_REGION) is
an edge region, and is idle anywhere else. Every event is checked as a partner's
subscriber checks it (contract, envelope region, routing key and publisher agree, the
records it names are its region's) and is never one of the edge's own. It is acked
whatever happened, as the live view's own queue is: the view keeps at most the latest
items and dedupes by event id, so a hot redelivery loop would help nobody; a refused
event is logged and counted (`tl_partner_events_rejected_total`, `tl_events_rejected_total`).
"""
import logging
from functools import partial

from kombu import Queue
from nameko.exceptions import ContainerBeingKilled
from nameko.messaging import Consumer

from services.platform.partner_names import queue_name
from services.servicekit.arrival import (
    NOT_MINE,
    PARTNER_REJECTED,
    REJECTED,
    Rejected,
    check_partner_event,
    checked_event,
)
from services.servicekit.errors import DomainError
from services.servicekit.events import CONNECTION_ERRORS
from services.servicekit.queues import region_queue_arguments
from services.servicekit.regions import get_region, host_code

log = logging.getLogger(__name__)


def edge_region():
    """The deployment's own region when it is an edge region, else None."""
    try:
        region = get_region(host_code())
    except DomainError:
        return None
    return region.code if region.edge else None


def checked_downlinked(body, routing_key, user_id, own):
    """The event as this release reads it, or Rejected: it must keep its contract, agree
    with its key and publisher, and be another region's (the edge's own go up, not down)."""
    event = checked_event(body)
    check_partner_event(event, routing_key, user_id)
    if event["region"] == own:
        raise Rejected("region", f"an event of region {own} itself came down from the hub")
    return event


class DownlinkConsumer(Consumer):
    """Entrypoint: `fn(event, region)` for every event the hub sent this edge region."""

    def __init__(self, **kwargs):
        super().__init__(queue=None, **kwargs)
        self.region = None

    def setup(self):
        self.region = edge_region()
        if self.region is None:
            return  # not an edge: nothing comes down here
        # Declared as link-edge declares it (a quorum queue with the partners' delivery limit).
        self.queue = Queue(queue_name(self.region), durable=True, auto_delete=False,
                           queue_arguments=region_queue_arguments())
        super().setup()

    def stop(self):
        if self.region is not None:
            super().stop()

    def handle_message(self, body, message):
        try:
            event = checked_downlinked(body, message.delivery_info.get("routing_key"),
                                       message.properties.get("user_id"), self.region)
        except Rejected as exc:
            self._count(exc)
            log.warning("downlink: dropped an event refused on arrival (%s): %.300r", exc, message.payload)
            self.handle_message_processed(message)
            return
        try:
            self.container.spawn_worker(self, (event, self.region), {}, context_data={},
                                        handle_result=partial(self.handle_result, message))
        except ContainerBeingKilled:
            self.queue_consumer.requeue_message(message)

    def _count(self, exc):
        service = self.container.service_name
        if exc.reason == "not_mine":
            NOT_MINE.labels(service, "downlink").inc()
        elif exc.reason in ("malformed", "unknown_version"):
            REJECTED.labels(service, "downlink", exc.reason).inc()
        else:
            PARTNER_REJECTED.labels(exc.reason).inc()

    def handle_message_processed(self, message, result=None, exc_info=None):
        try:
            self.queue_consumer.ack_message(message)
        except CONNECTION_ERRORS as exc:
            log.warning("connection lost before a downlinked event's ack (%s); it will be redelivered",
                        type(exc).__name__)


downlink_events = DownlinkConsumer.decorator
