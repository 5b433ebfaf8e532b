"""Applying a price sheet (an officer's form or a CSV): read what is stored, plan and
write the new and corrected prices, raise the alerts, announce the sheet once.
Mixed into PricesService, whose _board it uses."""
from nameko.dependency_providers import Config
from prometheus_client import Counter

from services.prices.catalogue import load_catalogue
from services.prices.days import today_in
from services.prices.domain import alerts, boards, price_math, price_records
from services.prices.repository import (
    CONFLICT,
    CORRECTED,
    CORRECTION_ATTEMPTS,
    UNCHANGED,
    PriceRepository,
)
from services.servicekit.envelope import new_event, utcnow
from services.servicekit.errors import Conflict
from services.servicekit.outbox import Outbox
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

    def _apply(self, region, sheet, import_id, actor, kind):
        """Write the sheet's rows; every row answered as new or corrected is in its
        record (and its history). Rows another sheet kept changing at the same moment
        are not written: the rest is applied and announced, then Conflict (409) names them."""
        catalogue = load_catalogue()
        now = utcnow()
        previous = self.repo.get_import(import_id)
        rows = sheet.rows
        dates = sorted({r.date for r in rows})
        self.repo.begin_import({"_id": import_id, "region": region.code, "kind": kind,
                                 "actor": actor, "started_at": now})
        known, stored = self._known_prices(region, dates)
        new, corrections, unchanged = price_records.plan(region.code, rows, stored)
        inserted, outcome = self._write_prices(region, catalogue, new, corrections, actor, import_id, now)
        refused = [r for r in rows if outcome.get(self._ident(region, r)) == CONFLICT]
        applied = [r for r in rows if outcome.get(self._ident(region, r)) != CONFLICT]
        for row in applied:
            known.setdefault((row.market, row.commodity), {})[row.date] = row.price

        events, raised = self._raise_alerts(region, catalogue, applied, known, import_id, now, previous)
        latest_before = self.repo.latest_day(region.code)
        if applied:
            self.repo.sheet_applied(region.code, max(r.date for r in applied))
        corrected = sum(1 for result in outcome.values() if result == CORRECTED)
        report = {
            "import_id": import_id, "region": region.code, "kind": kind,
            "dates": {"from": dates[0], "to": dates[-1]} if dates else None,
            "accepted": len(applied), "new": len(inserted), "corrected": corrected,
            "unchanged": len(unchanged) + sum(1 for result in outcome.values() if result == UNCHANGED),
            "rejected": list(sheet.rejected), "missing": sheet.missing, "duplicates": sheet.duplicates,
            "alerts_raised": len(raised),
        }
        if inserted or corrected or raised or previous is None or previous.get("status") == "applying":
            board = self._board_after(region, catalogue, known, dates, latest_before)
            events.insert(0, new_event("prices_recorded", "prices", region.code, {
                "sheet": import_id, "kind": kind,
                "markets": sorted({r.market for r in applied}),
                "dates": report["dates"] or {"from": None, "to": None},
                "new": report["new"], "corrected": report["corrected"],
                "unchanged": report["unchanged"], "rejected": len(report["rejected"]),
                "missing": len(sheet.missing), "alerts_raised": len(raised),
                "board": {"date": board["date"], "items": boards.compact(board["items"])},
            }))
        self.repo.finish_import(import_id, report, events)
        self.outbox.flush("imports", import_id)
        if refused:
            raise Conflict(price_records.refusal(refused, len(applied)),
                           {"field": "prices", "lines": [r.line for r in refused], "recorded": len(applied)})
        return report

    @staticmethod
    def _ident(region, row):
        return price_records.price_id(region.code, row.market, row.commodity, row.date)

    def _known_prices(self, region, dates):
        """Stored prices the sheet's days and their look-back need: by (market, commodity)
        and day, and by price id."""
        known, stored = {}, {}
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

    def _raise_alerts(self, region, catalogue, applied, known, import_id, now, previous):
        """Store the alerts the applied rows raise; their events (with those of an earlier,
        interrupted run of the same sheet) and the ids newly raised."""
        alert_docs = self._alerts(region, catalogue, applied, known, import_id, now)
        raised = set(self.repo.insert_alerts(alert_docs))
        events = [d["event"] for d in alert_docs if d["_id"] in raised]
        for doc in alert_docs:
            if doc["_id"] in raised:
                ALERTS_RAISED.labels(region.code, doc["commodity"]).inc()
        if previous is not None and previous.get("status") == "applying":
            # This sheet was cut short before: announce what it had raised.
            ids = {e["event_id"] for e in events}
            events += [e for e in self.repo.alert_events_of(import_id) if e["event_id"] not in ids]
        return events, raised

    def _alerts(self, region, catalogue, rows, known, import_id, now):
        threshold = float(self.config.get("RISE_ALERT_PERCENT", DEFAULT_RISE_PERCENT))
        oldest = price_math.day_before(today_in(region), int(self.config.get(
            "ALERT_MAX_AGE_DAYS", DEFAULT_ALERT_MAX_AGE_DAYS)))
        recent = [row for row in rows if row.date >= oldest]
        docs = []
        markets = catalogue.markets.get(region.code, {})
        broken = alerts.row_alerts(recent, known, catalogue, region.code, threshold)
        for row, rules, previous, reference in broken:
            commodity = catalogue.commodities[row.commodity]
            alert_id = price_records.price_id(region.code, row.market, row.commodity, row.date)
            payload = {
                "alert_id": alert_id, "commodity": row.commodity, "commodity_name": commodity.name,
                "unit": commodity.unit, "market": row.market, "market_name": markets[row.market].name,
                "date": row.date, "price": row.price, "rules": rules,
                "previous_price": previous, "gap_percent": price_math.gap_percent(row.price, previous),
                "reference": alert_reference(reference),
                "percent_above_reference": reference and price_math.gap_percent(row.price, reference.upper),
                "rise_threshold_percent": threshold,
            }
            docs.append({"_id": alert_id, "region": region.code, "import_id": import_id,
                         "raised_at": now, **{k: v for k, v in payload.items() if k != "alert_id"},
                         "event": new_event("price_alert_raised", "prices", region.code, payload)})
        return docs

    def _board_after(self, region, catalogue, known, dates, latest_before):
        """The regional board after a sheet: from memory when the sheet reaches the
        latest day (everything that board needs was loaded), else from the store."""
        if dates and (latest_before is None or latest_before <= dates[-1]):
            points = [{"commodity": c, "date": d, "price": p}
                      for (_, c), series in known.items() for d, p in series.items()]
            return {"date": dates[-1], "items": boards.board_of(points, dates[-1], catalogue, region.code)}
        return self._board(region, latest_before)


def alert_reference(reference):
    """The reference an alert was judged by, with the instrument that set it."""
    if reference is None:
        return None
    return {"kind": reference.kind, "price": reference.upper, "lower": reference.lower,
            "effective": reference.effective_from,
            "source": reference.source and {"number": reference.source.number, "type": reference.source.type,
                                            "title": reference.source.title}}
