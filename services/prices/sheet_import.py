"""Applying a price sheet (an officer's form or a CSV): load what is stored, write the
new and corrected prices (each correction a compare-and-set), store the alerts, then
store and announce what the domain decided (domain/imports.py). Mixed into
PricesService, whose _board it uses."""
from typing import Any

from nameko.dependency_providers import Config
from prometheus_client import Counter

from services.prices.days import today_in
from services.prices.domain import imports, price_math, price_records
from services.prices.domain.catalogue_model import Catalogue
from services.prices.domain.cells import Row
from services.prices.domain.sheets import Sheet
from services.prices.repository import (
    CONFLICT,
    CORRECTED,
    CORRECTION_ATTEMPTS,
    UNCHANGED,
    PriceRepository,
)
from services.servicekit.envelope import utcnow
from services.servicekit.errors import Conflict
from services.servicekit.outbox import Outbox
from services.servicekit.regions import Region
from services.servicekit.store import MongoStore

DEFAULT_RISE_PERCENT = 20
# Alerts are about what people pay now: back-filled days older than this are
# stored and shown in history, but do not alert the partner regions.
DEFAULT_ALERT_MAX_AGE_DAYS = 7
ALERTS_RAISED = Counter("tl_prices_alerts_raised_total", "Price alerts raised (once per alert)",
                        ["region", "commodity"])


class SheetImport:
    config = Config()
    repo = MongoStore(PriceRepository)
    outbox = Outbox("imports")

    def _catalogue(self, region_code: str, writing: bool = False) -> Catalogue:
        raise NotImplementedError  # MarketDesk's

    def _board(self, region: Region, day: str | None, market: str | None = None) -> dict[str, Any]:
        raise NotImplementedError  # PricesService's

    def _apply(self, region: Region, sheet: Sheet, import_id: str, actor: str, kind: str) -> dict[str, Any]:
        """Write the sheet's rows; every row answered as new or corrected is in its
        record (and its history). Rows another sheet kept changing at the same moment
        are not written: the rest is applied and announced, then Conflict (409) names them."""
        catalogue = self._catalogue(region.code)  # MarketDesk's: the region's stored markets
        now = utcnow()
        previous = self.repo.get_import(import_id)
        dates = sorted({r.date for r in sheet.rows})
        self.repo.begin_import({"_id": import_id, "region": region.code, "kind": kind,
                                "actor": actor, "started_at": now})
        known, stored = self._known_prices(region, dates)
        new, corrections, unchanged = price_records.plan(region.code, sheet.rows, stored)
        inserted, outcome = self._write_prices(region, catalogue, new, corrections, actor, import_id, now)
        refused = [r for r in sheet.rows if outcome.get(self._ident(region, r)) == CONFLICT]
        rows = [r for r in sheet.rows if outcome.get(self._ident(region, r)) != CONFLICT]
        for row in rows:
            known.setdefault((row.market, row.commodity), {})[row.date] = row.price
        unfinished = previous is not None and previous.get("status") == "applying"
        alert_events, raised = self._raise_alerts(region, catalogue, rows, known, import_id, now, unfinished)
        latest_before = self.repo.latest_day(region.code)
        if rows:
            self.repo.sheet_applied(region.code, max(r.date for r in rows))
        applied = imports.Applied(rows, len(inserted), sum(1 for o in outcome.values() if o == CORRECTED),
                                  len(unchanged) + sum(1 for o in outcome.values() if o == UNCHANGED),
                                  raised, alert_events)
        board = (self._board_after(region, catalogue, known, dates, latest_before)
                 if imports.announces(applied, previous is None or unfinished) else None)
        decision = imports.decide(import_id, region.code, kind, sheet, applied, board, now)
        self.repo.finish_import(import_id, decision.record["report"], decision.events)
        self.outbox.flush("imports", import_id)
        if refused:
            raise Conflict(price_records.refusal(refused, len(rows)),
                           {"field": "prices", "lines": [r.line for r in refused], "recorded": len(rows)})
        return decision.record["report"]

    @staticmethod
    def _ident(region: Region, row: Row) -> str:
        return price_records.price_id(region.code, row.market, row.commodity, row.date)

    def _known_prices(self, region: Region, dates: list[str]) -> tuple[imports.Known, dict[str, int]]:
        """Stored prices the sheet's days and their look-back need: by (market, commodity)
        and day, and by price id."""
        known: imports.Known = {}
        stored: dict[str, int] = {}
        if dates:
            start = price_math.day_before(dates[0], price_math.LOOKBACK_DAYS)
            for p in self.repo.points([region.code], start, dates[-1]):
                known.setdefault((p["market"], p["commodity"]), {})[p["date"]] = p["price"]
                record_id = price_records.price_id(region.code, p["market"], p["commodity"], p["date"])
                stored[record_id] = p["price"]
        return known, stored

    def _write_prices(self, region, catalogue, new, corrections, actor, import_id, now):
        """Insert the new prices and correct the changed ones, each correction a
        compare-and-set on its record's version; a new price another sheet stored
        first is corrected like the others. The ids inserted, and {id: outcome} of
        the rest (CORRECTED, UNCHANGED or CONFLICT: not written)."""
        docs = [price_records.new_record(region.code, r, catalogue.commodities[r.commodity].unit, actor,
                                         import_id, now) for r in new]
        taken = set(self.repo.insert_prices(docs))
        wanted = {self._ident(region, r): r.price for r in corrections}
        wanted.update({d["_id"]: d["price"] for d in docs if d["_id"] in taken})
        outcome = self.repo.correct_prices(
            wanted, lambda doc: price_records.correct(doc, wanted[doc["_id"]], actor, import_id, now),
            attempts=int(self.config.get("CORRECTION_ATTEMPTS", CORRECTION_ATTEMPTS)))
        return {d["_id"] for d in docs} - taken, outcome

    def _raise_alerts(self, region, catalogue, rows, known, import_id, now, unfinished):
        """Store the alerts the applied rows raise; their events (with those of an earlier,
        interrupted run of the same sheet) and how many were newly raised."""
        threshold = float(self.config.get("RISE_ALERT_PERCENT", DEFAULT_RISE_PERCENT))
        oldest = price_math.day_before(today_in(region), int(self.config.get(
            "ALERT_MAX_AGE_DAYS", DEFAULT_ALERT_MAX_AGE_DAYS)))
        alert_docs = imports.alert_records(region.code, catalogue, rows, known, import_id, now, threshold,
                                           oldest)
        raised = set(self.repo.insert_alerts(alert_docs))
        events = [d["event"] for d in alert_docs if d["_id"] in raised]
        for doc in alert_docs:
            if doc["_id"] in raised:
                ALERTS_RAISED.labels(region.code, doc["commodity"]).inc()
        if unfinished:
            # This sheet was cut short before: announce what it had raised.
            ids = {e["event_id"] for e in events}
            events += [e for e in self.repo.alert_events_of(import_id) if e["event_id"] not in ids]
        return events, len(raised)

    def _board_after(self, region: Region, catalogue: Catalogue, known: imports.Known, dates: list[str],
                     latest_before: str | None) -> dict[str, Any]:
        """The regional board after a sheet: from memory when the sheet reaches the
        latest day (everything that board needs was loaded), else from the store."""
        if dates and (latest_before is None or latest_before <= dates[-1]):
            return imports.board_from_memory(known, dates[-1], catalogue, region.code)
        return self._board(region, latest_before)
