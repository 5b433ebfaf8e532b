"""Prices' storage adapter: one document per price, alert and sheet.

`prices` holds one document per region, market, commodity and day (its _id
says so), so a re-run import finds and overwrites instead of adding. A sheet's
events live in its `imports` document (the outbox); alerts are deduplicated by
their deterministic _id.
"""
import random
import time
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.servicekit.outbox_fields import pending
from services.servicekit.store import Repository

BATCH = 1000
POINT = {"_id": 0, "region": 1, "market": 1, "commodity": 1, "date": 1, "price": 1}
DUPLICATE_KEY = 11000
# A correction that loses the race to the same record reads it again and retries:
# 12 attempts, pausing up to 5, 10, 20 ... 320 ms between them and 320 ms after that
# (1.9 s in all at worst), so dozens of officers correcting one record at once are all
# recorded inside the gateway's 5 s deadline; past that the write is refused
# (Conflict), never lost.
CORRECTION_ATTEMPTS = 12
RETRY_PAUSE = 0.005
RETRY_PAUSE_CAP = 0.32
CORRECTED, UNCHANGED, CONFLICT = "corrected", "unchanged", "conflict"


class PriceRepository(Repository):
    indexes: dict[str, list[tuple[list[tuple[str, int]], dict[str, Any]]]] = {
        "prices": [
            ([("region", ASCENDING), ("date", ASCENDING)], {}),
            ([("region", ASCENDING), ("commodity", ASCENDING), ("date", ASCENDING)], {}),
        ],
        "alerts": [
            ([("region", ASCENDING), ("date", ASCENDING)], {}),
            ([("import_id", ASCENDING)], {}),
        ],
        "imports": [([("outbox_pending", ASCENDING)], {})],
        "markets": [([("region", ASCENDING), ("code", ASCENDING)], {})],
    }

    # markets (domain/markets.py): seeded once per region, then the store is the truth --
    def markets(self, region_code, seed):
        """The region's market documents; the first read of a region stores `seed()` (its
        markets.yaml entries) and a marker, so a market removed or renamed stays so."""
        if self.db.market_seeds.find_one({"_id": region_code}) is None:
            docs = seed()
            if docs:
                insert_new(self.db.markets, docs)
            try:
                self.db.market_seeds.insert_one({"_id": region_code})
            except DuplicateKeyError:
                pass
        return list(self.db.markets.find({"region": region_code}).sort("code", ASCENDING))

    def add_market(self, doc):
        try:
            self.db.markets.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    def update_market(self, market_id, change):
        self.db.markets.update_one({"_id": market_id}, {"$set": change})
        return self.db.markets.find_one({"_id": market_id})

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

    def correct_prices(self, ids, replacement_for, attempts=CORRECTION_ATTEMPTS):
        """Correct stored prices, each by a compare-and-set on its `version`.

        `replacement_for(doc)` (the domain's decision) gives the whole record that
        replaces `doc` as read, or None when it needs no change. The record is
        replaced only if it is still at the version read (one atomic command: a
        whole-document replace, the one update form that keeps datetimes intact on
        the embedded store); a lost race reads again and decides again, up to
        `attempts` times. Returns {id: CORRECTED | UNCHANGED | CONFLICT}: CONFLICT
        when every attempt lost, or the record is gone, and nothing was written.
        """
        ids = list(ids)
        outcome = {}
        for start in range(0, len(ids), BATCH):
            docs = {d["_id"]: d for d in self.db.prices.find({"_id": {"$in": ids[start:start + BATCH]}})}
            for price_id in ids[start:start + BATCH]:
                outcome[price_id] = self._correct(docs.get(price_id), price_id, replacement_for, attempts)
        return outcome

    def _correct(self, doc, price_id, replacement_for, attempts):
        for attempt in range(attempts):
            if doc is None:
                return CONFLICT
            replacement = replacement_for(doc)
            if replacement is None:
                return UNCHANGED
            body = {k: v for k, v in replacement.items() if k != "_id"}
            # version None also matches a record stored before versions (the field missing)
            if self.db.prices.replace_one({"_id": price_id, "version": doc.get("version")},
                                          body).matched_count:
                return CORRECTED
            # Another writer got there first: wait a little (spread out, so the
            # losers of one round do not collide again) and decide on what it wrote.
            if attempt + 1 < attempts:
                time.sleep(random.uniform(0, min(RETRY_PAUSE * 2 ** attempt, RETRY_PAUSE_CAP)))
                doc = self.db.prices.find_one({"_id": price_id})
        return CONFLICT

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
        same sheet sent again finishes it. Sent again, it keeps its first
        `started_at`: the embedded store would keep a datetime `$set` on an
        existing document as text (README, "Known limits of the embedded store")."""
        try:
            self.db.imports.insert_one({**doc, "status": "applying"})
        except DuplicateKeyError:
            fields = {k: v for k, v in doc.items() if k not in ("_id", "started_at")}
            self.db.imports.update_one({"_id": doc["_id"]}, {"$set": {**fields, "status": "applying"}})

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
