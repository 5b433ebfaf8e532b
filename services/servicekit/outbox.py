"""The outbox: events are written into the document they announce.

A write stores the document together with its pending events (`outbox`), a
scalar `outbox_pending` flag and an `outbox_token` that changes with every
write of the outbox, in one single-document write, so they never part ways.
The relay publishes the events in batches with asynchronous publisher
confirms (see confirmed_publisher.py) and, once the broker confirmed them,
removes them in one write conditional on the token it read: a writer that
queued more meanwhile changed the token, so the relay reads again and keeps
the newcomers pending instead of lowering the flag over them. If the process
dies in between, the periodic relay finds the flag and publishes later;
consumers drop the duplicate by `event_id`.

Events go to nameko's per-service event exchange (so `@event_handler` works
unchanged) and, when their contract says `x-shared`, also to the partner
regions' shared topic exchange as `<source>.<event_type>.<region>`. An event
whose contract says `x-listener-required` is published `mandatory`: if the
broker cannot route it to any queue it is not delivered and stays queued. For
the others no route is no loss (nobody subscribes to that event type, or no
region to that topic from that region).
"""
import logging
import threading
import time
from typing import Any

from kombu import Exchange
from nameko.events import get_event_exchange
from nameko.extensions import DependencyProvider

from services.servicekit.confirmed_publisher import ConfirmedPublisher, Message
from services.servicekit.envelope import is_shared, listener_required
from services.servicekit.outbox_fields import new_token
from services.servicekit.store import MongoStore

log = logging.getLogger(__name__)

SHARED_EXCHANGE_NAME = "tangerang.shared"
# Seconds a writer has to publish its own events before the relay steps in.
RELAY_GRACE = 3
RELAY_INTERVAL = 2  # seconds between the relay's passes
# Rounds of re-reading a document whose outbox changed under the relay.
CLEAR_ATTEMPTS = 5
shared_exchange = Exchange(SHARED_EXCHANGE_NAME, type="topic", durable=True)
OUTBOX_FIELDS = {"outbox": 1, "outbox_token": 1}


def shared_routing_key(event: dict[str, Any]) -> str:
    return f"{event['source']}.{event['event_type']}.{event['region']}"


class OutboxRelay:
    def __init__(self, provider: "Outbox") -> None:
        self._provider = provider

    def flush(self, collection: str, doc_id: Any) -> int:
        """Publish the pending events of one document just written, then clear them.

        The write is done and safe: if the broker or the store fails now, this
        logs it and the relay publishes later (the caller's answer stands).
        """
        try:
            doc = self._provider.db[collection].find_one(
                {"_id": doc_id, "outbox_pending": True}, OUTBOX_FIELDS)
            return self.publish_and_clear([(collection, doc)] if doc else [])
        except Exception:  # noqa: BLE001 - the relay retries
            log.warning("publishing events of %s/%s deferred to the relay", collection, doc_id,
                        exc_info=True)
            return 0

    def flush_all(self, limit: int = 200, grace: float = RELAY_GRACE) -> int:
        """Relay what earlier writers left behind (crash, broker outage)."""
        settled = time.time() - grace
        found = [(collection, doc) for collection in self._provider.collections
                 for doc in self._provider.db[collection].find(
                     {"outbox_pending": True, "outbox_since": {"$lt": settled}},
                     OUTBOX_FIELDS).limit(limit)]
        return self.publish_and_clear(found)

    def publish_and_clear(self, found: list[tuple[str, dict[str, Any]]]) -> int:
        """Publish the events of `found` [(collection, doc as read)] in one go; clear
        from each document, as its confirms arrive, the events the broker confirmed.
        Returns how many were cleared."""
        publisher, messages = self._provider.publisher, self._provider.messages
        handed_over = []
        for collection, doc in found:
            events = doc.get("outbox") or []
            sent = [(event["event_id"], message) for event in events for message in messages(event)]
            handed_over.append((collection, doc, sent, publisher.submit([m for _, m in sent])))
        cleared = 0
        for collection, doc, sent, pending in handed_over:
            results = pending.wait()
            failed = {event_id for (event_id, _), delivered in zip(sent, results, strict=True)
                      if not delivered}
            done = {e["event_id"] for e in doc.get("outbox") or []} - failed
            if done:
                self.clear(collection, doc, done)
                cleared += len(done)
        return cleared

    def clear(self, collection: str, doc: dict[str, Any], done: set[str]) -> bool:
        """Remove the events `done` (ids) from the document's outbox, in one write
        conditional on the outbox being as read; lower the flag only when none remain."""
        coll = self._provider.db[collection]
        for _ in range(CLEAR_ATTEMPTS):
            remaining = [e for e in doc.get("outbox") or [] if e["event_id"] not in done]
            result = coll.update_one(
                {"_id": doc["_id"], "outbox_token": doc.get("outbox_token")},
                {"$set": {"outbox": remaining, "outbox_pending": bool(remaining),
                          "outbox_token": new_token()}})
            if result.matched_count:
                return True
            doc = coll.find_one({"_id": doc["_id"]}, OUTBOX_FIELDS)  # a writer queued more
            if doc is None:
                return False
        # Still racing: the events stay queued and go out again (consumers dedupe).
        log.warning("outbox of %s/%s kept changing; its published events will be sent again",
                    collection, doc["_id"])
        return False


class Outbox(DependencyProvider):
    """Confirmed, persistent, batched publishing of the events kept in documents.

    Workers call `self.outbox.flush(collection, id)` after a write; the relay
    (`flush_all`) runs by itself every RELAY_INTERVAL seconds while the
    service runs, so a service declares this dependency and nothing else.
    """

    def __init__(self, *collections: str) -> None:
        self.collections = collections

    def setup(self) -> None:
        config = self.container.config
        self.exchange = get_event_exchange(self.container.service_name, config)
        self.publisher = ConfirmedPublisher(config["AMQP_URI"], declare=[self.exchange, shared_exchange])
        self.mongo = next(d for d in self.container.dependencies if isinstance(d, MongoStore))
        self.stopping = threading.Event()
        self.relay_thread: Any = None

    def start(self) -> None:
        self.relay_thread = self.container.spawn_managed_thread(self._relay, identifier="outbox relay")

    def stop(self) -> None:
        self.stopping.set()  # the relay finishes its pass, then ends
        if self.relay_thread is not None:
            self.relay_thread.wait()
        self.publisher.close()

    def kill(self) -> None:
        if self.relay_thread is not None:
            self.relay_thread.kill()
        self.publisher.close()

    def _relay(self) -> None:
        relay = OutboxRelay(self)
        while not self.stopping.wait(RELAY_INTERVAL):
            try:
                relay.flush_all()
            except Exception as exc:  # noqa: BLE001 - store or broker away: the next pass retries
                log.warning("outbox relay pass failed (%s: %s); retrying in %ss",
                            type(exc).__name__, exc, RELAY_INTERVAL)

    @property
    def db(self) -> Any:
        return self.mongo.db

    def messages(self, event: dict[str, Any]) -> list[Message]:
        """What publishing `event` takes: its service exchange, and the shared one if shared."""
        event_type, event_id = event["event_type"], event["event_id"]
        messages = [Message(self.exchange.name, event_type, event, event_id,
                            may_go_unheard=not listener_required(event_type))]
        if is_shared(event_type):
            # Unrouted there means no region subscribes to this topic from this region.
            messages.append(Message(SHARED_EXCHANGE_NAME, shared_routing_key(event), event, event_id,
                                    may_go_unheard=True))
        return messages

    def get_dependency(self, worker_ctx: Any) -> OutboxRelay:
        return OutboxRelay(self)
