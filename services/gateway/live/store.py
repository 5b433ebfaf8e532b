"""The live view's kept section: what partner regions shared, in the gateway's store.

The services keep no list of "what others shared with you", so the gateway
keeps the latest items per region itself (bounded: KEEP per region) and the
shared section is rebuilt from here after a restart.
"""
import time

from pymongo import DESCENDING

KEEP = 10


class SharedItems:
    def __init__(self, collection):
        self.items = collection
        collection.create_index([("region", 1), ("seq", DESCENDING)])

    def add(self, region, item, event_id):
        """Store `item` for `region` once (by event id), in the order received, as the
        section shows them; drop what is past KEEP."""
        self.items.update_one({"_id": f"{region}|{event_id}"},
                              {"$set": {"region": region, "seq": time.time_ns(), "item": item}}, upsert=True)
        older = [d["_id"] for d in self.items.find({"region": region}, {"_id": 1})
                 .sort([("seq", DESCENDING)]).skip(KEEP)]
        if older:
            self.items.delete_many({"_id": {"$in": older}})

    def latest(self, region, limit=KEEP):
        return [d["item"] for d in self.items.find({"region": region}, {"item": 1})
                .sort([("seq", DESCENDING)]).limit(limit)]
