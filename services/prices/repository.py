"""Prices' storage adapter: one document per price, alert and sheet.

`prices` holds one document per region, market, commodity and day (its _id
says so), so a re-run import finds and overwrites instead of adding. A sheet's
events live in its `imports` document (the outbox); alerts are deduplicated by
their deterministic _id.
"""
from pymongo import ASCENDING, DESCENDING, UpdateOne
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.servicekit.outbox_fields import pending
from services.servicekit.store import Repository

BATCH = 1000
POINT = {"_id": 0, "region": 1, "market": 1, "commodity": 1, "date": 1, "price": 1}
DUPLICATE_KEY = 11000


class PriceRepository(Repository):
    indexes = {
        "prices": [
            ([("region", ASCENDING), ("date", ASCENDING)], {}),
            ([("region", ASCENDING), ("commodity", ASCENDING), ("date", ASCENDING)], {}),
        ],
        "alerts": [
            ([("region", ASCENDING), ("date", ASCENDING)], {}),
            ([("import_id", ASCENDING)], {}),
        ],
        "imports": [([("outbox_pending", ASCENDING)], {})],
    }

    # reading ---------------------------------------------------------------
    def points(self, regions, start, end, market=None, commodity=None):
        """(region, market, commodity, date, price) rows of `regions` between two dates."""
        query = {"region": {"$in": list(regions)} if len(regions) > 1 else regions[0],
                 "date": {"$gte": start, "$lte": end}}
        if market:
            query["market"] = market
        if commodity:
            query["commodity"] = commodity
        return list(self.db.prices.find(query, POINT))

    def latest(self, region_code):
        """The region's latest day with prices and its revision (one more for every sheet
        applied there), kept up to date by every sheet; None before the first."""
        doc = self.db.latest.find_one({"_id": region_code})
        return doc and {"date": doc["date"], "revision": doc.get("revision", 0)}

    def latest_day(self, region_code):
        latest = self.latest(region_code)
        return latest and latest["date"]

    def sheet_applied(self, region_code, day):
        """A sheet changed the region's prices up to `day`: its latest day moves forward
        (never back) and its revision counts the sheet."""
        if not self.db.latest.update_one({"_id": region_code, "date": {"$lt": day}},
                                         {"$set": {"date": day}}).matched_count:
            try:
                self.db.latest.insert_one({"_id": region_code, "date": day})
            except DuplicateKeyError:
                pass  # already at `day` or later
        self.db.latest.update_one({"_id": region_code}, {"$inc": {"revision": 1}})

    def latest_date(self, region_code, until, market=None, commodity=None):
        query = {"region": region_code, "date": {"$lte": until}}
        if market:
            query["market"] = market
        if commodity:
            query["commodity"] = commodity
        doc = self.db.prices.find_one(query, {"date": 1}, sort=[("date", DESCENDING)])
        return doc["date"] if doc else None

    def alert_count(self, region_code, day):
        return self.db.alerts.count_documents({"region": region_code, "date": day})

    def record(self, price_id):
        return self.db.prices.find_one({"_id": price_id})

    # writing ---------------------------------------------------------------
    def insert_prices(self, docs):
        """Insert new price documents in batches; return the ids another writer got to first."""
        taken = []
        for start in range(0, len(docs), BATCH):
            taken.extend(insert_new(self.db.prices, docs[start:start + BATCH]))
        return taken

    def correct_prices(self, corrections, fields_for):
        """Replace stored prices, each compare-and-set on its `version`.

        `fields_for(doc)` gives the new fields of a stored document (history
        included: the whole array is `$set`). Returns the ids that changed
        under us and were left alone.
        """
        ids = list(corrections)
        lost = []
        for start in range(0, len(ids), BATCH):
            docs = list(self.db.prices.find({"_id": {"$in": ids[start:start + BATCH]}}))
            operations = [UpdateOne({"_id": d["_id"], "version": d.get("version", 1)},
                                    {"$set": fields_for(d)}) for d in docs]
            if not operations:
                continue
            result = self.db.prices.bulk_write(operations, ordered=False)
            if result.matched_count != len(operations):
                lost.extend(self._stale(docs))
        return lost

    def _stale(self, docs):
        current = {d["_id"]: d.get("version", 1) for d in self.db.prices.find(
            {"_id": {"$in": [d["_id"] for d in docs]}}, {"version": 1})}
        return [d["_id"] for d in docs if current.get(d["_id"]) != d.get("version", 1) + 1]

    def insert_alerts(self, docs):
        """Insert alerts; return the ids that were new (the rest were raised before)."""
        taken = set(insert_new(self.db.alerts, docs)) if docs else set()
        return [d["_id"] for d in docs if d["_id"] not in taken]

    def alerts(self, region_code, day=None, limit=200):
        query = {"region": region_code}
        if day:
            query["date"] = day
        return list(self.db.alerts.find(query, {"event": 0, "import_id": 0}).sort(
            [("date", DESCENDING), ("_id", ASCENDING)]).limit(limit))

    def alert_payloads(self, region_code, day, limit):
        """The payloads a day's alerts were announced with, as `alerts` orders them."""
        return [d["event"]["payload"] for d in self.db.alerts.find(
            {"region": region_code, "date": day}, {"event": 1}).sort("_id", ASCENDING).limit(limit)]

    def alert_events_of(self, import_id):
        return [d["event"] for d in self.db.alerts.find({"import_id": import_id}, {"event": 1})]

    # sheets --------------------------------------------------------------
    def get_import(self, import_id):
        return self.db.imports.find_one({"_id": import_id}, {"outbox": 0})

    def begin_import(self, doc):
        """Mark a sheet as being applied: a crash leaves it `applying`, and the
        same sheet sent again finishes it."""
        fields = {k: v for k, v in doc.items() if k != "_id"}
        self.db.imports.update_one({"_id": doc["_id"]}, {"$set": {**fields, "status": "applying"}},
                                   upsert=True)

    def finish_import(self, import_id, report, events):
        outbox = (self.db.imports.find_one({"_id": import_id}, {"outbox": 1}) or {}).get("outbox") or []
        self.db.imports.update_one({"_id": import_id}, {"$set": {
            "status": "applied", "report": report, **pending(outbox + list(events))}})


def insert_new(collection, docs):
    """Insert `docs` unordered; return the ids that were stored already (by another writer
    or an earlier attempt): those are skipped, every other document is inserted."""
    try:
        collection.insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if any(e.get("code") != DUPLICATE_KEY for e in errors):
            raise
        return [docs[e["index"]]["_id"] for e in errors]
    return []
