"""The prices store in memory (repository_protocol.PriceStore), and an outbox that announces what a
write queued: what the unit tests drive PricesService with, no broker, no MongoDB."""
import copy
from typing import Any, Callable, Iterable

from services.prices.repository import CONFLICT, CORRECTED, CORRECTION_ATTEMPTS, UNCHANGED, PriceRepository
from services.prices.repository_protocol import Doc, PriceStore
from services.servicekit.outbox_fields import pending

POINT = ("region", "market", "commodity", "date", "price")


class FakePriceRepository:
    def __init__(self) -> None:
        self._markets: dict[str, Doc] = {}
        self._seeded: set[str] = set()
        self.prices: dict[str, Doc] = {}
        self.alert_docs: dict[str, Doc] = {}
        self.imports: dict[str, Doc] = {}
        self.latest_docs: dict[str, Doc] = {}

    # reading ---------------------------------------------------------------
    def markets(self, region_code, seed):
        if region_code not in self._seeded:
            for doc in seed():
                self._markets.setdefault(doc["_id"], dict(doc))
            self._seeded.add(region_code)
        return sorted((dict(d) for d in self._markets.values() if d["region"] == region_code),
                      key=lambda d: d["code"])

    def add_market(self, doc):
        if doc["_id"] in self._markets:
            return False
        self._markets[doc["_id"]] = dict(doc)
        return True

    def update_market(self, market_id, change):
        self._markets[market_id].update(change)
        return dict(self._markets[market_id])

    def points(self, regions, start, end, market=None, commodity=None):
        return [{k: p[k] for k in POINT} for p in self.prices.values()
                if p["region"] in regions and start <= p["date"] <= end
                and (not market or p["market"] == market) and (not commodity or p["commodity"] == commodity)]

    def latest(self, region_code):
        doc = self.latest_docs.get(region_code)
        return doc and {"date": doc["date"], "revision": doc.get("revision", 0)}

    def latest_day(self, region_code):
        latest = self.latest(region_code)
        return latest and latest["date"]

    def latest_date(self, region_code, until, market=None, commodity=None):
        days = [p["date"] for p in self.prices.values() if p["region"] == region_code and p["date"] <= until
                and (not market or p["market"] == market) and (not commodity or p["commodity"] == commodity)]
        return max(days, default=None)

    def alert_count(self, region_code, day):
        return sum(1 for a in self.alert_docs.values() if a["region"] == region_code and a["date"] == day)

    def record(self, price_id):
        return copy.deepcopy(self.prices.get(price_id))

    def alerts(self, region_code, day=None, limit=200):
        found = [{k: v for k, v in a.items() if k not in ("event", "import_id")}
                 for a in sorted(self.alert_docs.values(), key=lambda a: a["_id"])
                 if a["region"] == region_code and (not day or a["date"] == day)]
        return sorted(found, key=lambda a: a["date"], reverse=True)[:limit]

    def alert_payloads(self, region_code, day, limit):
        return [a["event"]["payload"] for a in sorted(self.alert_docs.values(), key=lambda a: a["_id"])
                if a["region"] == region_code and a["date"] == day][:limit]

    def alert_events_of(self, import_id):
        return [a["event"] for a in self.alert_docs.values() if a["import_id"] == import_id]

    def get_import(self, import_id):
        doc = self.imports.get(import_id)
        return doc and {k: v for k, v in doc.items() if k != "outbox"}

    # writing ---------------------------------------------------------------
    def sheet_applied(self, region_code, day):
        doc = self.latest_docs.setdefault(region_code, {"_id": region_code, "date": day})
        doc["date"] = max(doc["date"], day)
        doc["revision"] = doc.get("revision", 0) + 1

    def insert_prices(self, docs):
        taken = [d["_id"] for d in docs if d["_id"] in self.prices]
        self.prices.update({d["_id"]: copy.deepcopy(d) for d in docs if d["_id"] not in taken})
        return taken

    def correct_prices(self, ids: Iterable[str], replacement_for: Callable[[Doc], Doc | None],
                       attempts: int = CORRECTION_ATTEMPTS) -> dict[str, str]:
        outcome = {}
        for price_id in ids:
            doc = self.prices.get(price_id)
            replacement = None if doc is None else replacement_for(copy.deepcopy(doc))
            if doc is None:
                outcome[price_id] = CONFLICT
            elif replacement is None:
                outcome[price_id] = UNCHANGED
            else:
                self.prices[price_id] = {**replacement, "_id": price_id}
                outcome[price_id] = CORRECTED
        return outcome

    def insert_alerts(self, docs):
        new = [d for d in docs if d["_id"] not in self.alert_docs]
        self.alert_docs.update({d["_id"]: copy.deepcopy(d) for d in new})
        return [d["_id"] for d in new]

    def begin_import(self, doc):
        stored = self.imports.get(doc["_id"])
        if stored is None:
            self.imports[doc["_id"]] = {**doc, "status": "applying"}
        else:
            stored.update({k: v for k, v in doc.items() if k != "started_at"}, status="applying")

    def finish_import(self, import_id, report, events):
        doc = self.imports[import_id]
        doc.update(status="applied", report=report, **pending((doc.get("outbox") or []) + list(events)))


class FakeOutbox:
    """The outbox's flush over fake stores: announces a document's queued events, in order."""

    def __init__(self, **collections: dict[str, Doc]) -> None:
        self.collections = collections
        self.announced: list[dict[str, Any]] = []

    def flush(self, collection: str, doc_id: str) -> None:
        doc = self.collections[collection][doc_id]
        self.announced.extend(doc.get("outbox") or [])
        doc.update(outbox=[], outbox_pending=False)


def _conforming(fake: FakePriceRepository, real: PriceRepository) -> list[PriceStore]:
    """Where mypy holds both stores to the protocol."""
    return [fake, real]
