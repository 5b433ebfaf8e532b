"""A redelivered event is applied once (real broker, real store)."""
from nameko.events import event_handler
from nameko.standalone.events import event_dispatcher
from nameko.testing.services import entrypoint_waiter

from services.servicekit.envelope import new_event
from services.servicekit.store import MongoStore, Repository


class CounterRepository(Repository):
    def bump(self, region):
        self.db.counters.update_one({"_id": region}, {"$inc": {"n": 1}}, upsert=True)


class CountingService:
    name = "counting"
    repo = MongoStore(CounterRepository)

    @event_handler("aspirasi", "aspirasi_submitted")
    def on_submitted(self, event):
        self.repo.apply_once(event, "count_submitted", lambda: self.repo.bump(event["region"]))


def test_redelivered_event_changes_nothing(container_factory, service_config, mongo_db):
    config = service_config("aspirasi")
    container = container_factory(CountingService, config)
    container.start()
    event = new_event("aspirasi_submitted", "aspirasi", "36.71", {
        "number": "LAKSA-3671-2026-000001", "category": "sampah", "opd": "DLH",
        "submitted_at": "2026-11-27T03:00:00+00:00", "location": {}})
    dispatch = event_dispatcher(config)
    for _ in range(3):  # the broker may deliver the same message again after a failure
        with entrypoint_waiter(container, "on_submitted", timeout=10):
            dispatch("aspirasi", "aspirasi_submitted", event)
    assert mongo_db.counters.find_one({"_id": "36.71"})["n"] == 1
    assert mongo_db.applied_events.count_documents({}) == 1
