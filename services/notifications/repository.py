"""Notifications' storage: the delivery ledger, opt-outs and price-alert subscribers.

The ledger's `_id` is the delivery key (event, channel, recipient), so a
message recorded as sent is never sent again, whatever redelivers the event.
"""
from datetime import datetime, timezone
from typing import Any

from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from services.servicekit.store import Repository


class NotificationRepository(Repository):
    indexes: dict[str, list[tuple[list[tuple[str, int]], dict[str, Any]]]] = {
        "deliveries": [([("kind", ASCENDING)], {})],
        "subscriptions": [([("region", ASCENDING)], {})],
    }

    def was_sent(self, key):
        return self.db.deliveries.find_one({"_id": key}, {"_id": 1}) is not None

    def record_sent(self, key, channel, kind, event_id):
        try:
            self.db.deliveries.insert_one({"_id": key, "channel": channel, "kind": kind,
                                           "event_id": event_id, "sent_at": _now()})
        except DuplicateKeyError:
            pass

    def opted_out(self, keys):
        return {d["_id"] for d in self.db.optouts.find({"_id": {"$in": list(keys)}}, {"_id": 1})}

    def opt_out(self, contact_key, how):
        self.db.optouts.update_one({"_id": contact_key}, {"$set": {"how": how, "at": _now().isoformat()}},
                                   upsert=True)
        self.db.subscriptions.delete_many({"contact": contact_key})

    def subscribe(self, region_code, channel, address, contact_key):
        self.db.optouts.delete_one({"_id": contact_key})
        self.db.subscriptions.update_one(
            {"_id": f"{region_code}:{channel}:{address}"},
            {"$set": {"region": region_code, "channel": channel, "address": address,
                      "contact": contact_key}}, upsert=True)

    def subscribers(self, region_code):
        return [(d["channel"], d["address"]) for d in self.db.subscriptions.find({"region": region_code})]


def _now():
    return datetime.now(timezone.utc)
