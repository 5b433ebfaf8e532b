"""A write and its event cannot part ways, even when the writer dies in between."""
import time

from kombu import Connection
from nameko.dependency_providers import Config
from nameko.events import event_handler, get_event_exchange
from nameko.testing.services import entrypoint_waiter

from services.aspirasi.repository import TicketRepository
from services.aspirasi.service import AspirasiService
from services.servicekit.envelope import contract, new_event, utcnow
from services.servicekit.outbox import OUTBOX_FIELDS, Outbox
from services.servicekit.outbox_fields import pending
from services.servicekit.store import MongoStore, Repository
from tests.faults.conftest import submitted_event


class Listener:
    name = "listener"

    @event_handler("aspirasi", "aspirasi_submitted")
    def on_submitted(self, event):
        return event


def test_event_written_but_never_published_is_relayed(container_factory, service_config, mongo_db):
    """The first writer wrote ticket + outbox and died before publishing (we
    call the repository the service uses and stop there). A fresh service
    process finds the pending event and publishes it."""
    config = service_config("aspirasi")
    TicketRepository.ensure_indexes(mongo_db)
    now = utcnow()
    ticket = {"_id": "LAKSA-3671-2026-000777", "region": "36.71", "category": "sampah",
              "opd": "Dinas Lingkungan Hidup", "description": "x", "location": {"address": "y"},
              "photos": [], "reporter": None, "anonymous": True, "status": "submitted",
              "submitted_at": now, "updated_at": now, "breaches": [], "history": []}
    event = new_event("aspirasi_submitted", "aspirasi", "36.71", {
        "number": ticket["_id"], "category": "sampah", "opd": ticket["opd"],
        "submitted_at": now.isoformat(), "location": {}})
    assert TicketRepository(mongo_db).insert(ticket, [event])

    listener = container_factory(Listener, config)
    listener.start()
    service = container_factory(AspirasiService, config)

    def same_event(worker_ctx, result, exc_info):
        return result["event_id"] == event["event_id"]

    with entrypoint_waiter(listener, "on_submitted", callback=same_event, timeout=15):
        service.start()
    # the relay clears the outbox once the broker confirmed
    deadline = time.monotonic() + 5
    while mongo_db.tickets.find_one({"_id": ticket["_id"]})["outbox_pending"]:
        assert time.monotonic() < deadline, "published event never cleared from the outbox"
        time.sleep(0.05)
    assert mongo_db.tickets.find_one({"_id": ticket["_id"]})["outbox"] == []


class Notices:
    """A minimal service with an outbox, to drive the relay's steps by hand."""
    name = "notices"

    config = Config()
    repo = MongoStore(Repository)
    outbox = Outbox("notices")


def relay_of(container):
    outbox = next(d for d in container.extensions if isinstance(d, Outbox))
    return outbox.get_dependency(None)


def append_event(db, doc_id, event):
    """A writer queueing one more event, as the repositories do (whole outbox, new token)."""
    doc = db.notices.find_one({"_id": doc_id})
    db.notices.update_one({"_id": doc_id}, {"$set": pending((doc.get("outbox") or []) + [event])})


def queued_copies(amqp_uri, queue):
    with Connection(amqp_uri) as conn:
        return conn.default_channel.queue_declare(queue, passive=True).message_count


def bind_queue(amqp_uri, queue, key):
    """A durable queue on the notices' event exchange (declared as nameko does)."""
    with Connection(amqp_uri) as conn:
        channel = conn.default_channel
        exchange = get_event_exchange("notices", {})
        exchange(channel).declare()
        channel.queue_declare(queue, durable=True, auto_delete=False)
        channel.queue_bind(queue, exchange.name, key)


def test_event_appended_between_the_relays_read_and_its_clear_is_published(
        container_factory, service_config, mongo_db):
    """The relay reads a document, a writer appends a second event, then the
    relay publishes what it read and clears: the newcomer must stay pending
    (flag up) and go out with the next flush, not be stranded."""
    config = {**service_config("aspirasi"), "MONGO_DB": mongo_db.name}
    container = container_factory(Notices, config)
    container.start()
    amqp_uri = config["AMQP_URI"]
    bind_queue(amqp_uri, "notices-seen", "aspirasi_submitted")
    first, second = submitted_event(seq=1), submitted_event(seq=2)
    mongo_db.notices.insert_one({"_id": "n1", **pending([first])})
    relay = relay_of(container)

    read = mongo_db.notices.find_one({"_id": "n1", "outbox_pending": True}, OUTBOX_FIELDS)
    append_event(mongo_db, "n1", second)                      # the writer, in between
    assert relay.publish_and_clear([("notices", read)]) == 1  # published and cleared `first` only

    doc = mongo_db.notices.find_one({"_id": "n1"})
    assert [e["event_id"] for e in doc["outbox"]] == [second["event_id"]]
    assert doc["outbox_pending"]
    assert relay.flush("notices", "n1") == 1
    doc = mongo_db.notices.find_one({"_id": "n1"})
    assert doc["outbox"] == [] and not doc["outbox_pending"]
    assert queued_copies(amqp_uri, "notices-seen") == 2       # each event once


def test_unroutable_event_that_needs_a_listener_stays_queued_until_one_is_bound(
        container_factory, service_config, mongo_db):
    """`article_published` must reach news' syndication queue: published while
    no queue is bound, the broker returns it and the outbox keeps it. An event
    nobody needs to hear (aspirasi_submitted) is cleared though unrouted."""
    config = {**service_config("aspirasi"), "MONGO_DB": mongo_db.name}
    container = container_factory(Notices, config)
    container.start()
    example = contract("article_published")["x-example"]
    needed = new_event("article_published", "news", "36.71", example["payload"])
    optional = submitted_event(seq=3)
    mongo_db.notices.insert_many([{"_id": "a1", **pending([needed])}, {"_id": "a2", **pending([optional])}])
    relay = relay_of(container)

    assert relay.flush("notices", "a1") == 0
    assert relay.flush("notices", "a2") == 1
    doc = mongo_db.notices.find_one({"_id": "a1"})
    assert doc["outbox_pending"] and [e["event_id"] for e in doc["outbox"]] == [needed["event_id"]]
    assert not mongo_db.notices.find_one({"_id": "a2"})["outbox_pending"]

    bind_queue(config["AMQP_URI"], "syndication", "article_published")
    assert relay.flush("notices", "a1") == 1
    assert not mongo_db.notices.find_one({"_id": "a1"})["outbox_pending"]
    assert queued_copies(config["AMQP_URI"], "syndication") == 1


def test_event_the_broker_refuses_stays_queued(container_factory, service_config, mongo_db):
    """A full queue that refuses publishes (reject-publish) nacks the event: the
    outbox keeps it, flag up, for the relay to try again."""
    config = {**service_config("aspirasi"), "MONGO_DB": mongo_db.name}
    container = container_factory(Notices, config)
    container.start()
    with Connection(config["AMQP_URI"]) as conn:
        channel = conn.default_channel
        exchange = get_event_exchange("notices", {})
        exchange(channel).declare()
        channel.queue_declare("full", durable=True, auto_delete=False,
                              arguments={"x-max-length": 0, "x-overflow": "reject-publish"})
        channel.queue_bind("full", exchange.name, "aspirasi_submitted")
    event = submitted_event(seq=4)
    mongo_db.notices.insert_one({"_id": "f1", **pending([event])})

    assert relay_of(container).flush("notices", "f1") == 0
    doc = mongo_db.notices.find_one({"_id": "f1"})
    assert doc["outbox_pending"] and [e["event_id"] for e in doc["outbox"]] == [event["event_id"]]
