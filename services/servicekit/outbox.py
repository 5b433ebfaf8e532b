"""The outbox: events are written into the document they announce.

A write stores the document together with its pending events (`outbox`) and
a scalar `outbox_pending` flag, in one single-document write, so the two can
never part ways. The relay then publishes each event persistently with
publisher confirms, and only after the broker confirmed it removes the event
from the document. If the process dies in between, the periodic relay finds
the flag and publishes later; consumers drop the duplicate by `event_id`.

Events go to nameko's per-service event exchange (so `@event_handler` works
unchanged) and, when their contract says `x-shared`, also to the partner
regions' shared topic exchange as `<source>.<event_type>.<region>`.
"""
import logging
import time

from kombu import Exchange
from nameko.amqp.publish import Publisher
from nameko.constants import PERSISTENT
from nameko.events import get_event_exchange
from nameko.extensions import DependencyProvider

from services.servicekit.envelope import is_shared
from services.servicekit.store import MongoStore

log = logging.getLogger(__name__)

SHARED_EXCHANGE_NAME = "tangerang.shared"
# Seconds a writer has to publish its own events before the relay steps in.
RELAY_GRACE = 3
shared_exchange = Exchange(SHARED_EXCHANGE_NAME, type="topic", durable=True)


def shared_routing_key(event):
    return f"{event['source']}.{event['event_type']}.{event['region']}"


class OutboxRelay:
    def __init__(self, provider):
        self._provider = provider

    def flush(self, collection, doc_id):
        """Publish the pending events of one document, then clear them."""
        doc = self._provider.db[collection].find_one(
            {"_id": doc_id, "outbox_pending": True}, {"outbox": 1})
        if doc:
            self._publish_and_clear(collection, doc)

    def flush_all(self, limit=200, grace=RELAY_GRACE):
        """Relay what earlier writers left behind (crash, broker outage)."""
        published = 0
        settled = time.time() - grace
        for collection in self._provider.collections:
            cursor = self._provider.db[collection].find(
                {"outbox_pending": True, "outbox_since": {"$lt": settled}}, {"outbox": 1}).limit(limit)
            for doc in cursor:
                published += self._publish_and_clear(collection, doc)
        return published

    def _publish_and_clear(self, collection, doc):
        events = doc.get("outbox") or []
        for event in events:
            self._provider.publish(event)
        coll = self._provider.db[collection]
        ids = [e["event_id"] for e in events]
        coll.update_one({"_id": doc["_id"]}, {"$pull": {"outbox": {"event_id": {"$in": ids}}}})
        # A concurrent writer may have queued more meanwhile; only an empty
        # outbox lowers the flag.
        current = coll.find_one({"_id": doc["_id"]}, {"outbox": 1})
        if current is not None and not current.get("outbox"):
            coll.update_one({"_id": doc["_id"], "outbox_pending": True},
                            {"$set": {"outbox_pending": False}})
        return len(events)


class Outbox(DependencyProvider):
    """Confirmed, persistent publishing of the events kept in documents."""

    def __init__(self, *collections):
        self.collections = collections

    def setup(self):
        config = self.container.config
        self.exchange = get_event_exchange(self.container.service_name, config)
        self.publisher = Publisher(
            config["AMQP_URI"], use_confirms=True, delivery_mode=PERSISTENT,
            serializer="json", declare=[self.exchange, shared_exchange])
        self.store = next(d for d in self.container.dependencies if isinstance(d, MongoStore))

    @property
    def db(self):
        return self.store.db

    def publish(self, event):
        self.publisher.publish(event, exchange=self.exchange, routing_key=event["event_type"])
        if is_shared(event["event_type"]):
            self.publisher.publish(event, exchange=shared_exchange,
                                   routing_key=shared_routing_key(event))

    def get_dependency(self, worker_ctx):
        return OutboxRelay(self)
