"""A small durable consumer the fault tests kill, stop and poison.

It books every `aspirasi_submitted` event to the desk of the ticket's OPD.
The desk must exist (seeded by the test): an event for an OPD without one
fails every time, a poison message until someone adds the desk. Every
delivery is logged, so a test can count redeliveries and retry spacing.
"""
import eventlet
from nameko.dependency_providers import Config

from services.servicekit.envelope import utcnow
from services.servicekit.events import reliable_event_handler
from services.servicekit.store import MongoStore, Repository

HANDLER = "book"
QUEUE = "evt-aspirasi-aspirasi_submitted--ledger.on_submitted"


class LedgerRepository(Repository):
    def log_delivery(self, event):
        self.db.deliveries.insert_one({"event_id": event["event_id"], "at": utcnow()})

    def desk(self, opd):
        desk = self.db.desks.find_one({"_id": opd})
        if desk is None:
            raise LookupError(f"no desk for OPD {opd!r}")
        return desk

    def book(self, event, desk):
        # keyed by the event, so applying it again changes nothing
        self.db.ledger.update_one({"_id": event["event_id"]}, {"$set": {
            "number": event["payload"]["number"], "region": event["region"], "desk": desk["_id"]}},
            upsert=True)


class LedgerService:
    name = "ledger"

    config = Config()
    repo = MongoStore(LedgerRepository)

    @reliable_event_handler("aspirasi", "aspirasi_submitted")
    def on_submitted(self, event):
        self.repo.log_delivery(event)
        eventlet.sleep(self.config.get("LEDGER_WORK_MS", 0) / 1000)  # a handler that takes a while
        desk = self.repo.desk(event["payload"]["opd"])
        self.repo.apply_once(event, HANDLER, lambda: self.repo.book(event, desk))
