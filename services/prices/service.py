"""Prices entrypoints: recording, sheet import, boards, history, comparison, alerts."""
import hashlib
import json
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from holidays.constants import GOVERNMENT, PUBLIC
from nameko.dependency_providers import Config
from nameko.timer import timer
from prometheus_client import Counter, Gauge

from services.prices import domain
from services.prices.catalogue import load_catalogue
from services.prices.repository import PriceRepository
from services.servicekit.caller import Caller
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import isoformat, new_event, utcnow
from services.servicekit.errors import ValidationFailed
from services.servicekit.health import Observable
from services.servicekit.metrics import Metrics
from services.servicekit.outbox import Outbox
from services.servicekit.regions import all_regions, get_region
from services.servicekit.store import MongoStore

DEFAULT_RISE_PERCENT = 20
# Alerts are about what people pay now: back-filled days older than this are
# stored and shown in history, but do not alert the partner regions.
DEFAULT_ALERT_MAX_AGE_DAYS = 7
HISTORY_DAYS = 30
MAX_HISTORY_DAYS = 366
LIVE_ALERTS = 20
ALERTS_RAISED = Counter("tl_prices_alerts_raised_total", "Price alerts raised (once per alert)",
                        ["region", "commodity"])
DAYS_WITHOUT_DATA = Gauge(
    "tl_prices_working_days_without_data",
    "Whole working days since the region's latest day with prices (regions that ever recorded any)",
    ["region"])


@lru_cache(maxsize=8)
def _days_off(year):
    # The project's working days (aspirasi/sla.py): public holidays and cuti bersama off.
    return holidays.Indonesia(years=year, categories=(PUBLIC, GOVERNMENT))


def is_working_day(day):
    return day.weekday() < 5 and day not in _days_off(day.year)


def today_in(region):
    return datetime.now(ZoneInfo(region.timezone)).date().isoformat()


def sheet_id(*parts):
    """Same sheet, same id: sending it again finishes or repeats nothing."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"sheet-{digest[:24]}"


def _day(value, field):
    if value is None:
        return None
    try:
        return domain.parse_date(str(value))
    except domain.RowRejected as exc:
        raise ValidationFailed.field(field, exc.reason) from None


class PricesService(Observable):
    name = "prices"

    config = Config()
    store = MongoStore(PriceRepository)
    outbox = Outbox("imports")
    metrics = Metrics()

    # catalogue --------------------------------------------------------------
    @rpc
    def catalogue(self, region_code):
        region = get_region(region_code)
        catalogue = load_catalogue()
        today = today_in(region)
        commodities = [{"code": c.code, "name": c.name, "unit": c.unit,
                        "reference": domain.reference_view(domain.reference_for(
                            catalogue.references, c.code, region.code, today))}
                       for c in catalogue.commodities.values()]
        markets = [vars(m) for m in catalogue.markets.get(region.code, {}).values()]
        return {"region": region.code, "zone": catalogue.zone(region.code), "commodities": commodities,
                "markets": markets}

    # writing ----------------------------------------------------------------
    @rpc
    def record_prices(self, region_code, market, day, prices, *, caller):
        """An officer's sheet for one market and day; a different price corrects the stored one."""
        region = get_region(region_code)
        actor = domain.authorize("record_prices", Caller.verify(caller), region.code).subject
        rows = domain.validate_entries(prices, market, day, region.code, load_catalogue(),
                                       today_in(region))
        import_id = sheet_id("form", region.code, [(r.market, r.commodity, r.date, r.price) for r in rows])
        return self._apply(region, domain.Sheet(rows=rows), import_id, actor, "form")

    @rpc
    def import_csv(self, region_code, text, *, caller, default_market=None):
        """Import a CSV sheet of many markets and days; bad rows are reported, the rest applied."""
        region = get_region(region_code)
        actor = domain.authorize("import_prices", Caller.verify(caller), region.code).subject
        catalogue = load_catalogue()
        if default_market is not None and catalogue.market(region.code, default_market) is None:
            raise ValidationFailed.field("market", f"{default_market!r} is not a market of {region.name}")
        sheet = domain.parse_sheet(text, region.code, catalogue, today_in(region), default_market)
        return self._apply(region, sheet, sheet_id("csv", region.code, default_market, text), actor, "csv")

    @rpc
    def entry_form(self, region_code, market, day=None, *, caller):
        """One market's entry form for a day (default today): every commodity with the
        price already stored, the previous report and the reference."""
        region, market, day = self._market_day(region_code, market, day)
        domain.authorize("record_prices", Caller.verify(caller), region.code)
        catalogue = load_catalogue()
        items = domain.entry_sheet(self._series(region, market.code, day), day, catalogue, region.code)
        return {"region": region.code, "market": vars(market), "date": day, "items": items}

    @rpc
    def check_prices(self, region_code, market, day, prices, *, caller):
        """What record_prices would store, checked like it, and the entries to ask the
        officer about again (far from the previous report or the reference); stores nothing."""
        region, market, day = self._market_day(region_code, market, day)
        domain.authorize("record_prices", Caller.verify(caller), region.code)
        catalogue = load_catalogue()
        rows = domain.validate_entries(prices, market.code, day, region.code, catalogue, today_in(region))
        return {"date": day, "doubtful": domain.doubtful_rows(
            rows, self._series(region, market.code, day), catalogue, region.code)}

    def _market_day(self, region_code, market, day):
        region = get_region(region_code)
        found = load_catalogue().market(region.code, market) if isinstance(market, str) else None
        if found is None:
            raise ValidationFailed.field("market", f"{market!r} is not a market of {region.name}")
        return region, found, _day(day, "date") or today_in(region)

    def _series(self, region, market, day):
        series = {}
        for p in self.store.points([region.code], domain.day_before(day, domain.LOOKBACK_DAYS), day,
                                   market=market):
            series.setdefault(p["commodity"], {})[p["date"]] = p["price"]
        return series

    def _apply(self, region, sheet, import_id, actor, kind):
        catalogue = load_catalogue()
        now = utcnow()
        previous = self.store.get_import(import_id)
        rows = sheet.rows
        dates = sorted({r.date for r in rows})
        self.store.begin_import({"_id": import_id, "region": region.code, "kind": kind,
                                 "actor": actor, "started_at": now})
        known, stored = self._known_prices(region, dates)
        new, corrections, unchanged = domain.plan(region.code, rows, stored)
        for row in rows:
            known.setdefault((row.market, row.commodity), {})[row.date] = row.price

        def ident(row):
            return domain.price_id(region.code, row.market, row.commodity, row.date)

        taken, wanted = self._write_prices(region, catalogue, new, corrections, actor, import_id, now)
        rejected = list(sheet.rejected) + [
            {"line": r.line, "field": "row", "reason": "another sheet recorded this price at the same "
                                                      "moment; send the sheet again"}
            for r in new + corrections if ident(r) in taken]
        applied = [r for r in rows if ident(r) not in taken]

        events, raised = self._raise_alerts(region, catalogue, applied, known, import_id, now, previous)
        latest_before = self.store.latest_day(region.code)
        if applied:
            self.store.advance_latest(region.code, max(r.date for r in applied))
        written = len(new) + len(corrections) - len(taken)
        report = {
            "import_id": import_id, "region": region.code, "kind": kind,
            "dates": {"from": dates[0], "to": dates[-1]} if dates else None,
            "accepted": len(applied), "new": len(new) - len(taken & {ident(r) for r in new}),
            "corrected": len(corrections) - len(taken & set(wanted)), "unchanged": len(unchanged),
            "rejected": rejected, "missing": sheet.missing, "duplicates": sheet.duplicates,
            "alerts_raised": len(raised),
        }
        if written or raised or previous is None or previous.get("status") == "applying":
            board = self._board_after(region, catalogue, known, dates, latest_before)
            events.insert(0, new_event("prices_recorded", "prices", region.code, {
                "sheet": import_id, "kind": kind,
                "markets": sorted({r.market for r in applied}),
                "dates": report["dates"] or {"from": None, "to": None},
                "new": report["new"], "corrected": report["corrected"],
                "unchanged": report["unchanged"], "rejected": len(rejected),
                "missing": len(sheet.missing), "alerts_raised": len(raised),
                "board": {"date": board["date"], "items": domain.compact(board["items"])},
            }))
        self.store.finish_import(import_id, report, events)
        self.outbox.flush("imports", import_id)
        return report

    def _known_prices(self, region, dates):
        """Stored prices the sheet's days and their look-back need: by (market, commodity)
        and day, and by price id."""
        known, stored = {}, {}
        if dates:
            for p in self.store.points([region.code], domain.day_before(dates[0], domain.LOOKBACK_DAYS),
                                       dates[-1]):
                known.setdefault((p["market"], p["commodity"]), {})[p["date"]] = p["price"]
                stored[domain.price_id(region.code, p["market"], p["commodity"], p["date"])] = p["price"]
        return known, stored

    def _write_prices(self, region, catalogue, new, corrections, actor, import_id, now):
        """Insert the new prices and correct the changed ones; the ids another sheet took
        at the same moment, and the corrections wanted by id."""
        def ident(row):
            return domain.price_id(region.code, row.market, row.commodity, row.date)

        taken = set(self.store.insert_prices([{
            "_id": ident(r), "region": region.code, "market": r.market, "commodity": r.commodity,
            "date": r.date, "price": r.price, "unit": catalogue.commodities[r.commodity].unit,
            "recorded_by": actor, "recorded_at": now, "source": import_id, "history": [], "version": 1,
        } for r in new]))
        wanted = {ident(r): r.price for r in corrections}
        taken.update(self.store.correct_prices(
            wanted, lambda doc: domain.correct(doc, wanted[doc["_id"]], actor, import_id, now)))
        return taken, wanted

    def _raise_alerts(self, region, catalogue, applied, known, import_id, now, previous):
        """Store the alerts the applied rows raise; their events (with those of an earlier,
        interrupted run of the same sheet) and the ids newly raised."""
        alert_docs = self._alerts(region, catalogue, applied, known, import_id, now)
        raised = set(self.store.insert_alerts(alert_docs))
        events = [d["event"] for d in alert_docs if d["_id"] in raised]
        for doc in alert_docs:
            if doc["_id"] in raised:
                ALERTS_RAISED.labels(region.code, doc["commodity"]).inc()
        if previous is not None and previous.get("status") == "applying":
            # This sheet was cut short before: announce what it had raised.
            ids = {e["event_id"] for e in events}
            events += [e for e in self.store.alert_events_of(import_id) if e["event_id"] not in ids]
        return events, raised

    def _alerts(self, region, catalogue, rows, known, import_id, now):
        threshold = float(self.config.get("RISE_ALERT_PERCENT", DEFAULT_RISE_PERCENT))
        oldest = domain.day_before(today_in(region), int(self.config.get(
            "ALERT_MAX_AGE_DAYS", DEFAULT_ALERT_MAX_AGE_DAYS)))
        recent = [row for row in rows if row.date >= oldest]
        docs = []
        markets = catalogue.markets.get(region.code, {})
        alerts = domain.row_alerts(recent, known, catalogue, region.code, threshold)
        for row, rules, previous, reference in alerts:
            commodity = catalogue.commodities[row.commodity]
            alert_id = domain.price_id(region.code, row.market, row.commodity, row.date)
            payload = {
                "alert_id": alert_id, "commodity": row.commodity, "commodity_name": commodity.name,
                "unit": commodity.unit, "market": row.market, "market_name": markets[row.market].name,
                "date": row.date, "price": row.price, "rules": rules,
                "previous_price": previous, "gap_percent": domain.gap_percent(row.price, previous),
                "reference": alert_reference(reference),
                "percent_above_reference": reference and domain.gap_percent(row.price, reference.upper),
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
            return {"date": dates[-1], "items": domain.board_of(points, dates[-1], catalogue, region.code)}
        return self._board(region, latest_before)

    # reading ----------------------------------------------------------------
    def _board(self, region, day, market=None):
        if day is None:
            return {"date": None, "items": []}
        catalogue = load_catalogue()
        points = self.store.points([region.code], domain.day_before(day, domain.LOOKBACK_DAYS), day,
                                   market=market)
        return {"date": day, "items": domain.board_of(points, day, catalogue, region.code)}

    @rpc
    def board(self, region_code, day=None, market=None):
        """The board of a market, or of the region (median across its markets), on a day
        (default: the latest day with prices)."""
        region = get_region(region_code)
        if market is not None and load_catalogue().market(region.code, market) is None:
            raise ValidationFailed.field("market", f"{market!r} is not a market of {region.name}")
        market = market and load_catalogue().market(region.code, market).code
        day = _day(day, "date") or (self.store.latest_date(region.code, today_in(region), market)
                                    if market else self.store.latest_day(region.code))
        return {"region": region.code, "market": market, **self._board(region, day, market)}

    @rpc
    def history(self, region_code, commodity, scope="region", market=None, start=None, end=None):
        """A commodity's series for a market, the region, or the region's whole province."""
        region = get_region(region_code)
        catalogue = load_catalogue()
        found = catalogue.commodity(str(commodity or ""))
        if found is None:
            raise ValidationFailed.field("commodity", f"{commodity!r} is not in the catalogue")
        if scope not in ("market", "region", "province"):
            raise ValidationFailed.field("scope", "one of market, region, province")
        if scope == "market":
            place = market and catalogue.market(region.code, market)
            if not place:
                raise ValidationFailed.field("market", f"give one of {region.name}'s markets")
            market = place.code
        end = _day(end, "to") or today_in(region)
        start = _day(start, "from") or domain.day_before(end, HISTORY_DAYS)
        if start > end or domain.day_before(end, MAX_HISTORY_DAYS) > start:
            raise ValidationFailed.field("from", f"must be before 'to' and at most {MAX_HISTORY_DAYS} days")
        regions = ([r.code for r in all_regions() if r.province == region.province]
                   if scope == "province" else [region.code])
        points = self.store.points(regions, domain.day_before(start, domain.LOOKBACK_DAYS), end,
                                   market=market if scope == "market" else None, commodity=found.code)
        if scope == "province":
            by_region = domain.median_series((p["region"], p["date"], p["price"]) for p in points)
            series = domain.median_series((found.code, day, price) for values in by_region.values()
                                          for day, price in values.items()).get(found.code, {})
        else:
            series = domain.median_series((found.code, p["date"], p["price"]) for p in points).get(
                found.code, {})
        return {"region": region.code, "commodity": found.code, "name": found.name, "unit": found.unit,
                "scope": scope, "market": market if scope == "market" else None,
                "regions": regions, "from": start, "to": end,
                "points": domain.with_changes(series, start)}

    @rpc
    def trends(self, region_code, days=30, commodity=None, market=None):
        """Every commodity's (or one's) median per day over the last `days` days up to the
        latest day with prices, with its reference: the series behind the harga charts."""
        region = get_region(region_code)
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_HISTORY_DAYS:
            raise ValidationFailed.field("days", f"must be 1-{MAX_HISTORY_DAYS}")
        end = self.store.latest_day(region.code) or today_in(region)
        start = domain.day_before(end, days - 1)
        points = self.store.points([region.code], start, end, market=market, commodity=commodity)
        return {"region": region.code, "from": start, "to": end,
                "commodities": domain.trends(points, start, end, load_catalogue(), region.code)}

    @rpc
    def compare(self, region_code, commodity, day=None, regions=None):
        """One commodity across regions (default: the region's province) on one day."""
        region = get_region(region_code)
        catalogue = load_catalogue()
        found = catalogue.commodity(str(commodity or ""))
        if found is None:
            raise ValidationFailed.field("commodity", f"{commodity!r} is not in the catalogue")
        others = [get_region(code) for code in regions] if regions else \
            [r for r in all_regions() if r.province == region.province]
        day = _day(day, "date") or max(
            (d for d in (self.store.latest_date(r.code, today_in(r), commodity=found.code)
                         for r in others) if d), default=None)
        items = []
        for other in others:
            item = None
            if day:
                points = self.store.points([other.code], domain.day_before(day, domain.LOOKBACK_DAYS),
                                           day, commodity=found.code)
                board = domain.board_of(points, day, catalogue, other.code)
                item = board[0] if board else None
            items.append({"region": other.code, "region_name": other.name,
                          **({k: item[k] for k in ("price", "previous_price", "previous_date", "gap",
                                                   "gap_percent", "direction", "markets", "reference")}
                             if item else {"price": None})})
        return {"commodity": found.code, "name": found.name, "unit": found.unit, "date": day,
                "items": items}

    @rpc
    def alerts(self, region_code, day=None):
        region = get_region(region_code)
        return {"region": region.code, "items": self.store.alerts(region.code, _day(day, "date"))}

    @rpc
    def live_summary(self, region_code):
        """Today's regional board, compact, and the alerts of its day, for the live view."""
        region = get_region(region_code)
        as_of = isoformat(utcnow())
        board = self._board(region, self.store.latest_day(region.code))
        alerts = self.store.alerts(region.code, board["date"], limit=LIVE_ALERTS) if board["date"] else []
        return {"date": board["date"], "board": domain.compact(board["items"]),
                "alerts": [live_alert(a) for a in alerts], "as_of": as_of}

    @rpc
    def live_marks(self, region_codes):
        """Per region, the latest day, its median prices and its alert count: how the
        gateway checks its live view without the board's full computation."""
        marks = {}
        for code in region_codes:
            day = self.store.latest_day(get_region(code).code)
            prices = domain.median_series((p["commodity"], day, p["price"])
                                          for p in self.store.day_prices(code, day)) if day else {}
            marks[code] = {"date": day, "prices": {c: days[day] for c, days in prices.items()},
                           "alerts": min(self.store.alert_count(code, day), LIVE_ALERTS) if day else 0}
        return {"regions": marks}

    @rpc
    def price_record(self, region_code, market, commodity, day, *, caller):
        """One stored price with the history of what it was before corrections."""
        region = get_region(region_code)
        domain.authorize("read_price_record", Caller.verify(caller), region.code)
        doc = self.store.record(domain.price_id(region.code, market, commodity, _day(day, "date")))
        if doc is None:
            return None
        return {k: doc[k] for k in ("market", "commodity", "date", "price", "unit", "recorded_at",
                                    "source", "history", "version")}

    @timer(interval=300, eager=True)
    def freshness_clock(self):
        """Recount how stale each region's prices are (the TLPricesStale alert)."""
        for region in all_regions():
            latest = self.store.latest_day(region.code)
            if latest is not None:
                DAYS_WITHOUT_DATA.labels(region.code).set(
                    domain.working_days_without_data(latest, today_in(region), is_working_day))


def alert_reference(reference):
    """The reference an alert was judged by, with the instrument that set it."""
    if reference is None:
        return None
    return {"kind": reference.kind, "price": reference.upper, "lower": reference.lower,
            "effective": reference.effective_from,
            "source": reference.source and {"number": reference.source.number, "type": reference.source.type,
                                            "title": reference.source.title}}


def live_alert(alert):
    """What the live view shows of an alert (alert docs and event payloads alike)."""
    return {"commodity": alert["commodity"], "market": alert["market"], "date": alert["date"],
            "price": alert["price"], "rules": alert["rules"]}

