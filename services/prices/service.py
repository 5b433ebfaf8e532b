"""Prices entrypoints: recording, boards, alerts and the live view (applying a sheet in
sheet_import.py, history, trends and comparison in series.py)."""
from typing import Any

from nameko.dependency_providers import Config
from nameko.timer import timer
from prometheus_client import Gauge

from services.prices.catalogue import load_catalogue
from services.prices.days import parse_day, today_in
from services.prices.domain import (
    authority,
    boards,
    entry_form,
    price_math,
    price_records,
    recording,
    references,
)
from services.prices.market_desk import MarketDesk
from services.prices.region_memo import RegionMemo
from services.prices.repository import PriceRepository
from services.prices.series import PriceSeries
from services.prices.sheet_import import SheetImport
from services.servicekit.caller import Caller
from services.servicekit.contracts.prices import live_alert
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import isoformat, utcnow
from services.servicekit.health import Observable
from services.servicekit.metrics import Metrics
from services.servicekit.outbox import Outbox
from services.servicekit.regions import all_regions, get_region, registered_codes
from services.servicekit.store import MongoStore

LIVE_ALERTS = 20
DAYS_WITHOUT_DATA = Gauge(
    "tl_prices_working_days_without_data",
    "Whole working days since the region's latest day with prices (regions that ever recorded any)",
    ["region"])
sheet_id = recording.sheet_id  # tests name a sheet's import as the service does


class PricesService(Observable, MarketDesk, SheetImport, PriceSeries):
    name = "prices"

    config = Config()
    repo = MongoStore(PriceRepository)
    outbox = Outbox("imports")
    board_prices = RegionMemo()  # what live_marks answers, until a sheet changes the region
    metrics = Metrics()

    # catalogue --------------------------------------------------------------
    @rpc
    def catalogue(self, region_code):
        region = get_region(region_code)
        catalogue = self._catalogue(region.code)
        today = today_in(region)
        commodities = [{"code": c.code, "name": c.name, "unit": c.unit,
                        "reference": references.reference_view(references.reference_for(
                            catalogue.references, c.code, region.code, today))}
                       for c in catalogue.commodities.values()]
        markets = [m for m in self.list_markets(region.code)["items"] if m["active"]]
        return {"region": region.code, "zone": catalogue.zone(region.code), "commodities": commodities,
                "markets": markets}

    # writing ----------------------------------------------------------------
    @rpc
    def record_prices(self, region_code, market, day, prices, *, caller):
        """An officer's sheet for one market and day; a different price corrects the stored one."""
        region = get_region(region_code)
        actor = authority.authorize("record_prices", Caller.verify(caller), region.code).subject
        sheet, import_id = recording.form_sheet(prices, market, day, region.code,
                                                self._catalogue(region.code, writing=True),
                                                today_in(region))
        return self._apply(region, sheet, import_id, actor, "form")

    @rpc
    def import_csv(self, region_code, text, *, caller, default_market=None):
        """Import a CSV sheet of many markets and days; bad rows are reported, the rest applied."""
        region = get_region(region_code)
        actor = authority.authorize("import_prices", Caller.verify(caller), region.code).subject
        sheet, import_id = recording.csv_sheet(text, default_market, region.code, region.name,
                                               self._catalogue(region.code, writing=True), today_in(region))
        return self._apply(region, sheet, import_id, actor, "csv")

    @rpc
    def entry_form(self, region_code, market, day=None, *, caller):
        """One market's entry form for a day (default today): every commodity with the
        price already stored, the previous report and the reference."""
        region, market, day = self._market_day(region_code, market, day)
        authority.authorize("record_prices", Caller.verify(caller), region.code)
        catalogue = load_catalogue()
        items = entry_form.entry_sheet(self._series(region, market.code, day), day, catalogue, region.code)
        return {"region": region.code, "market": vars(market), "date": day, "items": items}

    @rpc
    def check_prices(self, region_code, market, day, prices, *, caller):
        """What record_prices would store, checked like it, and the entries to ask the
        officer about again (far from the previous report or the reference); stores nothing."""
        region, market, day = self._market_day(region_code, market, day)
        authority.authorize("record_prices", Caller.verify(caller), region.code)
        catalogue = load_catalogue()
        rows = entry_form.validate_entries(prices, market.code, day, region.code, catalogue, today_in(region))
        return {"date": day, "doubtful": entry_form.doubtful_rows(
            rows, self._series(region, market.code, day), catalogue, region.code)}

    def _market_day(self, region_code, market, day):
        region = get_region(region_code)
        found = recording.market_of(self._catalogue(region.code, writing=True), region.code, region.name,
                                    market)
        return region, found, parse_day(day, "date") or today_in(region)

    def _series(self, region, market, day):
        series: dict[str, dict[str, int]] = {}
        for p in self._window(region.code, day, market):
            series.setdefault(p["commodity"], {})[p["date"]] = p["price"]
        return series

    def _window(self, region_code, day, market=None, days_back=price_math.LOOKBACK_DAYS):
        """The stored points of the look-back window ending on `day`."""
        return self.repo.points([region_code], price_math.day_before(day, days_back), day, market=market)

    # reading ----------------------------------------------------------------
    def _board(self, region, day: str | None, market: str | None = None) -> dict[str, Any]:
        if day is None:
            return {"date": None, "items": []}
        points = self._window(region.code, day, market, boards.BOARD_DAYS_BACK)
        return {"date": day, "items": boards.board_of(points, day, load_catalogue(), region.code)}

    @rpc
    def board(self, region_code, day=None, market=None):
        """The board of a market, or of the region (median across its markets), on a day
        (default: the latest day with prices): each commodity's latest price up to that day."""
        region = get_region(region_code)
        if market is not None:
            market = recording.market_of(self._catalogue(region.code), region.code, region.name, market).code
        day = parse_day(day, "date") or (self.repo.latest_date(region.code, today_in(region), market)
                                    if market else self.repo.latest_day(region.code))
        return {"region": region.code, "market": market, **self._board(region, day, market)}

    @rpc
    def alerts(self, region_code, day=None):
        region = get_region(region_code)
        return {"region": region.code, "items": self.repo.alerts(region.code, parse_day(day, "date"))}

    @rpc
    def live_summary(self, region_code):
        """The regional board of the latest day, compact, and the alerts of that day, for the live view."""
        region = get_region(region_code)
        as_of = isoformat(utcnow())
        board = self._board(region, self.repo.latest_day(region.code))
        alerts = self.repo.alert_payloads(region.code, board["date"], LIVE_ALERTS) if board["date"] else []
        return {"date": board["date"], "board": boards.compact(board["items"]),
                "alerts": [live_alert(a) for a in alerts], "as_of": as_of}

    @rpc
    def live_marks(self, region_codes):
        """Per region, the latest day, its board's prices and its alert count: how the
        gateway checks its live view without the board's full computation."""
        marks = {}
        for code in registered_codes(region_codes):
            latest = self.repo.latest(code)
            day = latest and latest["date"]
            marks[code] = {"date": day, "prices": self._board_prices(code, latest) if day else {},
                           "alerts": min(self.repo.alert_count(code, day), LIVE_ALERTS) if day else 0}
        return {"regions": marks}

    def _board_prices(self, region_code, latest):
        day = latest["date"]
        return self.board_prices.get(region_code, (day, latest["revision"]),
                                     lambda: boards.latest_prices(self._window(region_code, day), day))

    @rpc
    def price_record(self, region_code, market, commodity, day, *, caller):
        """One stored price with the history of what it was before corrections."""
        region = get_region(region_code)
        authority.authorize("read_price_record", Caller.verify(caller), region.code)
        day = parse_day(day, "date") or ""
        doc = self.repo.record(price_records.price_id(region.code, market, commodity, day))
        return doc and price_records.view(doc)

    @timer(interval=300, eager=True)
    def freshness_clock(self):
        """Recount how stale each region's prices are (the TLPricesStale alert)."""
        for region in all_regions():
            latest = self.repo.latest_day(region.code)
            if latest is not None:
                DAYS_WITHOUT_DATA.labels(region.code).set(
                    price_math.working_days_without_data(latest, today_in(region), region.code))
