"""Prices' series entrypoints: a commodity's history (market, region or province),
the trends behind the harga charts, and one commodity across regions."""
from services.prices.catalogue import load_catalogue
from services.prices.days import parse_day, today_in
from services.prices.domain import boards, price_math
from services.prices.repository import PriceRepository
from services.servicekit.entrypoints import rpc
from services.servicekit.errors import ValidationFailed
from services.servicekit.regions import all_regions, get_region
from services.servicekit.store import MongoStore

HISTORY_DAYS = 30
MAX_HISTORY_DAYS = 366
SCOPES = ("market", "region", "province")


def unknown_commodity(commodity):
    return ValidationFailed.field("commodity", f"{commodity!r} is not in the catalogue",
                                  code="unknown_commodity", commodity=str(commodity)[:60])


class PriceSeries:
    repo = MongoStore(PriceRepository)

    def _catalogue(self, region_code, writing=False):
        raise NotImplementedError  # MarketDesk's

    @rpc
    def history(self, region_code, commodity, scope="region", market=None, start=None, end=None):
        """A commodity's series for a market, the region, or the region's whole province."""
        region = get_region(region_code)
        catalogue = self._catalogue(region.code)
        found = catalogue.commodity(str(commodity or ""))
        if found is None:
            raise unknown_commodity(commodity)
        if scope not in SCOPES:
            raise ValidationFailed.field("scope", "one of market, region, province", code="not_allowed",
                                         allowed=list(SCOPES))
        if scope == "market":
            place = market and catalogue.market(region.code, market)
            if not place:
                raise ValidationFailed.field("market", f"give one of {region.name}'s markets",
                                             code="unknown_market", market=str(market or "")[:60],
                                             region=region.code)
            market = place.code
        end = parse_day(end, "to") or today_in(region)
        start = parse_day(start, "from") or price_math.day_before(end, HISTORY_DAYS)
        if start > end or price_math.day_before(end, MAX_HISTORY_DAYS) > start:
            raise ValidationFailed.field("from", f"must be before 'to' and at most {MAX_HISTORY_DAYS} days",
                                         code="bad_period", max=MAX_HISTORY_DAYS)
        regions = ([r.code for r in all_regions() if r.province == region.province]
                   if scope == "province" else [region.code])
        points = self.repo.points(regions, price_math.day_before(start, price_math.LOOKBACK_DAYS), end,
                                   market=market if scope == "market" else None, commodity=found.code)
        if scope == "province":
            by_region = price_math.median_series((p["region"], p["date"], p["price"]) for p in points)
            series = price_math.median_series((found.code, day, price) for values in by_region.values()
                                              for day, price in values.items()).get(found.code, {})
        else:
            series = price_math.median_series((found.code, p["date"], p["price"]) for p in points).get(
                found.code, {})
        return {"region": region.code, "commodity": found.code, "name": found.name, "unit": found.unit,
                "scope": scope, "market": market if scope == "market" else None,
                "regions": regions, "from": start, "to": end,
                "points": price_math.with_changes(series, start)}

    @rpc
    def trends(self, region_code, days=30, commodity=None, market=None):
        """Every commodity's (or one's) median per day over the last `days` days up to the
        latest day with prices, with its reference: the series behind the harga charts."""
        region = get_region(region_code)
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_HISTORY_DAYS:
            raise ValidationFailed.field("days", f"must be 1-{MAX_HISTORY_DAYS}", code="out_of_range", min=1,
                                         max=MAX_HISTORY_DAYS)
        end = self.repo.latest_day(region.code) or today_in(region)
        start = price_math.day_before(end, days - 1)
        points = self.repo.points([region.code], start, end, market=market, commodity=commodity)
        return {"region": region.code, "from": start, "to": end,
                "commodities": boards.trends(points, start, end, load_catalogue(), region.code)}

    @rpc
    def compare(self, region_code, commodity, day=None, regions=None):
        """One commodity across regions (default: the region's province) on one day."""
        region = get_region(region_code)
        catalogue = load_catalogue()
        found = catalogue.commodity(str(commodity or ""))
        if found is None:
            raise unknown_commodity(commodity)
        others = [get_region(code) for code in regions] if regions else \
            [r for r in all_regions() if r.province == region.province]
        day = parse_day(day, "date") or max(
            (d for d in (self.repo.latest_date(r.code, today_in(r), commodity=found.code)
                         for r in others) if d), default=None)
        items = []
        for other in others:
            item = None
            if day:
                points = self.repo.points([other.code], price_math.day_before(day, price_math.LOOKBACK_DAYS),
                                           day, commodity=found.code)
                # the comparison is of one day: a region's older figure is not that day's
                item = next((i for i in boards.board_of(points, day, catalogue, other.code)
                             if i["date"] == day), None)
            items.append({"region": other.code, "region_name": other.name,
                          **({k: item[k] for k in ("price", "previous_price", "previous_date", "gap",
                                                   "gap_percent", "direction", "markets", "reference")}
                             if item else {"price": None})})
        return {"commodity": found.code, "name": found.name, "unit": found.unit, "date": day,
                "items": items}
