"""LAKSA's storage adapter: tickets, per-region catalogues, counters, idempotency, api_keys."""
import re
from pathlib import Path
from typing import Any

import yaml
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from services.aspirasi.domain import OPEN_STATES, Category, key_hash
from services.servicekit.errors import Conflict, NotFound
from services.servicekit.migrations import Migration
from services.servicekit.outbox_fields import pending
from services.servicekit.store import Repository

CATALOGUE_TEMPLATE = Path(__file__).parent / "catalogue.yaml"


def template_categories() -> list[dict[str, Any]]:
    return yaml.safe_load(CATALOGUE_TEMPLATE.read_text())["categories"]


class TicketRepository(Repository):
    indexes = {
        "tickets": [
            ([("region", ASCENDING), ("submitted_at", DESCENDING)], {}),
            ([("region", ASCENDING), ("status", ASCENDING)], {}),
            ([("outbox_pending", ASCENDING)], {}),
        ],
        "categories": [([("region", ASCENDING), ("code", ASCENDING)], {"unique": True})],
        "idempotency": [([("sealed_until", ASCENDING)], {"sparse": True})],
    }

    # Was run at every start before 0.3.0; now once, recorded (servicekit/migrations.py).
    migrations = (Migration(1, "hash legacy idempotency keys",
                            lambda db: hash_legacy_idempotency_keys(db)),)

    # catalogue ----------------------------------------------------------
    def categories(self, region_code):
        """The categories offered for new reports (retired ones are kept, not offered)."""
        if not self.db.catalogues.find_one({"_id": region_code}):
            self.seed_categories(region_code)
        docs = self.db.categories.find({"region": region_code, "retired_at": None}).sort("code", ASCENDING)
        return {d["code"]: Category.from_document(d) for d in docs}

    def seed_categories(self, region_code):
        """Copy the template; the marker goes last, so a reader that sees it
        sees the whole catalogue (concurrent seeders just skip duplicates)."""
        for entry in template_categories():
            try:
                self.db.categories.insert_one({"_id": f"{region_code}:{entry['code']}",
                                               "region": region_code, **entry})
            except DuplicateKeyError:
                pass
        try:
            self.db.catalogues.insert_one({"_id": region_code, "template": CATALOGUE_TEMPLATE.name})
        except DuplicateKeyError:
            pass

    def set_category(self, region_code, category, sla=None):
        """Store a category; `sla` holds the stored SLA days it changes (the others stay)."""
        self.categories(region_code)
        self.db.categories.update_one(
            {"_id": f"{region_code}:{category.code}"},
            {"$set": {"region": region_code, "code": category.code, "name": category.name,
                      "opd": category.opd, **{f"sla.{k}": v for k, v in (sla or {}).items()}},
             "$unset": {"retired_at": ""}}, upsert=True)

    def retire_category(self, region_code, code, now):
        """Mark it retired (the document stays, so the template seeding never brings it back)."""
        self.categories(region_code)
        done = self.db.categories.update_one({"_id": f"{region_code}:{code}", "retired_at": None},
                                             {"$set": {"retired_at": now}})
        if not done.matched_count:
            raise NotFound(f"no category {code!r} offered in {region_code}", {"field": "category"})

    def purge_region(self, region_code):
        """Delete the region's catalogue (marker first: a reader then reseeds, never sees a
        marker without categories) and api_keys; count the tickets, which stay."""
        self.db.catalogues.delete_one({"_id": region_code})
        removed = self.db.categories.delete_many({"region": region_code}).deleted_count
        keys = self.db.api_keys.delete_many({"region": region_code}).deleted_count
        return {"categories": removed, "api_keys": keys,
                "tickets_kept": self.db.tickets.count_documents({"region": region_code})}

    # tickets ------------------------------------------------------------
    def next_sequence(self, region_code, year):
        doc = self.db.counters.find_one_and_update(
            {"_id": f"tickets:{region_code}:{year}"}, {"$inc": {"seq": 1}},
            upsert=True, return_document=ReturnDocument.AFTER)
        return doc["seq"]

    def claim_idempotency_key(self, region_code, key_hash, number, sealed):
        """Bind a client's key (by its hash) to a ticket number and the sealed secret;
        return the claim bound first."""
        claim = {"_id": f"{region_code}:{key_hash}", "number": number, "key_hashed": True, **sealed}
        try:
            self.db.idempotency.insert_one(claim)
            return claim
        except DuplicateKeyError:
            return self.db.idempotency.find_one({"_id": claim["_id"]})

    def find_claim(self, region_code, key_hash):
        return self.db.idempotency.find_one({"_id": f"{region_code}:{key_hash}"})

    def drop_sealed_secrets(self, now_epoch):
        """Forget the sealed secrets whose retry window is over; the claims stay (a late
        retry still finds its ticket)."""
        return self.db.idempotency.update_many(
            {"sealed_until": {"$lte": now_epoch}},
            {"$unset": {"sealed": "", "sealed_until": ""}}).modified_count

    def insert(self, ticket, events):
        """Store a new ticket with its events; False when it already exists."""
        try:
            self.db.tickets.insert_one({**ticket, "version": 1, **pending(events)})
            return True
        except DuplicateKeyError:
            return False

    def exists(self, number):
        return self.db.tickets.find_one({"_id": number}, {"_id": 1}) is not None

    def get(self, number):
        ticket = self.db.tickets.find_one({"_id": number}, {"outbox": 0})
        if ticket is None:
            raise NotFound(f"ticket {number} not found", {"field": "number"})
        return ticket

    def update(self, ticket, changes, events):
        """Compare-and-set on `version`: one of two concurrent officers wins."""
        if not self.compare_and_set("tickets", {**ticket, **changes}, events):
            raise Conflict(f"ticket {ticket['_id']} was changed by someone else; reload and retry",
                           {"field": "version"})

    def find(self, region_code=None, status=None, category=None, since=None, until=None,
             limit=50, skip=0):
        query = {}
        if region_code:
            query["region"] = region_code
        if status:
            query["status"] = {"$in": list(status)} if isinstance(status, (list, set)) else status
        if category:
            query["category"] = {"$in": list(category)} if isinstance(category, (list, set)) else category
        if since or until:
            query["submitted_at"] = {k: v for k, v in (("$gte", since), ("$lte", until)) if v}
        cursor = self.db.tickets.find(query, {"outbox": 0}).sort(
            [("submitted_at", DESCENDING), ("_id", DESCENDING)]).skip(skip).limit(limit)
        return list(cursor)

    def in_region(self, region_code, number):
        """A ticket of that region, or None."""
        return self.db.tickets.find_one({"_id": number, "region": region_code}, {"outbox": 0})

    def for_statistics(self, region_code, opd=None):
        """Every ticket of a region (of an OPD), without history, for the statistics."""
        query = {"region": region_code, **({"opd": opd} if opd else {})}
        return list(self.db.tickets.find(query, {"outbox": 0, "history": 0}))

    def status_counts(self, region_code, opd, statuses):
        """{status: tickets of a region (of an OPD) in it}, every one of `statuses` present.
        One `$group` (2 ms for 6,000 tickets on the embedded store, where a count_documents
        per status took 600 ms each)."""
        scope = {"region": region_code, **({"opd": opd} if opd else {})}
        found = {d["_id"]: d["n"] for d in self.db.tickets.aggregate(
            [{"$match": scope}, {"$group": {"_id": "$status", "n": {"$sum": 1}}}])}
        return {status: found.get(status, 0) for status in statuses}

    def queue_rows(self, region_code, opd, statuses, category=None):
        """The tickets of a region (of an OPD) in `statuses` (of a category), without their
        history: what the officers' queue lists."""
        query = {"region": region_code, "status": {"$in": sorted(statuses)},
                 **({"opd": opd} if opd else {}), **({"category": category} if category else {})}
        return list(self.db.tickets.find(query, {"outbox": 0, "history": 0}))

    def for_month(self, region_code, start, end):
        """The tickets kinerja may count for the month from `start` until before `end`,
        history included: the region's open ones, and those that changed within it (a
        ticket's history runs from `submitted_at` to `updated_at`, so any with an entry
        in the month is among them). Two plain queries: the embedded store filters an
        `$or` in Python, about 3 times slower, and gets a date range inside `history` wrong."""
        changed = {"region": region_code, "submitted_at": {"$lt": end}, "updated_at": {"$gte": start}}
        found = {t["_id"]: t for t in self.open_tickets(region_code)}
        found.update((t["_id"], t) for t in self.db.tickets.find(changed, {"outbox": 0}))
        return list(found.values())

    def live_counts(self, region_codes):
        """What the live view shows per region: received, resolved now, and of those
        resolved on time (one pass over a small projection: the embedded store
        counts no faster than it scans)."""
        counts = {code: {"received": 0, "resolved": 0, "resolved_on_time": 0} for code in region_codes}
        for ticket in self.db.tickets.find({"region": {"$in": list(region_codes)}},
                                           {"_id": 0, "region": 1, "status": 1, "breaches": 1}):
            count = counts[ticket["region"]]
            count["received"] += 1
            if ticket["status"] == "resolved":
                count["resolved"] += 1
                count["resolved_on_time"] += 0 if ticket.get("breaches") else 1
        return counts

    def open_tickets(self, region_code=None):
        query = {"status": {"$in": ["submitted", "verified", "dispatched", "in_progress"]}}
        if region_code:
            query["region"] = region_code
        return list(self.db.tickets.find(query, {"outbox": 0}))

    def open_by_office(self):
        """Region, OPD and status of every open ticket, for the business metrics."""
        return self.db.tickets.find({"status": {"$in": sorted(OPEN_STATES)}},
                                    {"region": 1, "opd": 1, "status": 1})

    def outbox_backlog(self):
        return self.db.tickets.count_documents({"outbox_pending": True})

    # Open311 api_keys (stored by hash) -------------------------------------
    def add_api_key(self, key_hash, region_code, label, created_at):
        self.db.api_keys.insert_one({"_id": key_hash, "region": region_code, "label": label,
                                     "created_at": created_at})

    def api_keys(self, region_code):
        return list(self.db.api_keys.find({"region": region_code}))

    def api_key(self, key_hash):
        return self.db.api_keys.find_one({"_id": key_hash})

    def api_key_by_prefix(self, region_code, prefix):
        return self.db.api_keys.find_one({"_id": {"$regex": "^" + re.escape(prefix)}, "region": region_code})

    def revoke_api_key(self, key_hash, revoked_at):
        self.db.api_keys.update_one({"_id": key_hash}, {"$set": {"revoked_at": revoked_at}})


def hash_legacy_idempotency_keys(db):
    """Once, at start: claims and tickets stored before only the keys' hashes were kept
    (their `_id` "<region>:<raw key>", the ticket's `idempotency_key`) get the hash and lose
    the key. Their tracking secrets stay valid (their SHA-256 is what was stored all along)
    but are never answered again: those claims carry no sealed secret. Safe to run from
    several replicas at once (inserts of the same id, deletes and unsets repeat harmlessly)."""
    for claim in db.idempotency.find({"key_hashed": {"$exists": False}}):
        region_code, _, key = claim["_id"].partition(":")
        try:
            db.idempotency.insert_one({"_id": f"{region_code}:{key_hash(key)}",
                                       "number": claim["number"], "key_hashed": True})
        except DuplicateKeyError:
            pass
        db.idempotency.delete_one({"_id": claim["_id"]})
    for ticket in db.tickets.find({"idempotency_key": {"$exists": True}}, {"idempotency_key": 1}):
        key = ticket["idempotency_key"]
        # the version moves on, so an update prepared from the old document is refused
        db.tickets.update_one({"_id": ticket["_id"]}, {
            "$set": {"idempotency_hash": key and key_hash(key)},
            "$unset": {"idempotency_key": ""}, "$inc": {"version": 1}})
