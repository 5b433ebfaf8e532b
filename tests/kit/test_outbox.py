"""A write and its event cannot part ways, even when the writer dies in between."""
import time

from nameko.events import event_handler
from nameko.testing.services import entrypoint_waiter

from services.aspirasi.repository import TicketRepository
from services.aspirasi.service import AspirasiService
from services.servicekit.envelope import new_event, utcnow


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
