"""Harga's chart and comparison pages: a commodity's 30/90-day trend as server-rendered
SVG with its HET/HAP line, and one commodity across the region's markets and the partner
regions."""
from services.gateway.prices import words
from services.gateway.prices.charts import chart, sparkline
from services.gateway.web.errors import CitizenError
from services.gateway.web.pages import VIEW_TIMEOUT, page
from services.gateway.web.policies import LIST, public, region_tag
from services.gateway.web.templating import render
from services.servicekit.errors import ValidationFailed
from services.servicekit.regions import all_regions, get_region
from services.servicekit.rpc import RpcProxy, call

CHART_DAYS = (30, 90)
SPARKLINE_DAYS = 30
PRICES_PAGE = public(30, 60, region_tag("prices"))


def _commodity(catalogue, code):
    found = {c["code"]: c for c in catalogue["commodities"]}.get(code or "")
    if found is None:
        raise CitizenError("Komoditas itu tidak ada dalam daftar harga. Pilih dari halaman Harga.")
    return found


class PricesPages:
    prices = RpcProxy("prices")

    @page("GET", "/r/<string:code>/harga", query={"market": {"type": "string"}}, cache=PRICES_PAGE)
    def harga_page(self, request, code):
        """Harga: today's staple-food prices with their change, per market or for the region."""
        region = get_region(code)
        catalogue = call(self.prices.catalogue, region.code, timeout=VIEW_TIMEOUT)
        markets = {m["code"]: m for m in catalogue["markets"]}
        market = request.args.get("market") or None
        if market is not None and market not in markets:
            raise CitizenError("Pasar itu tidak ada di wilayah ini. Pilih pasar dari daftar.")
        board = call(self.prices.board, region.code, market=market, timeout=VIEW_TIMEOUT)
        sources = list(dict.fromkeys(item["reference"]["source"]["citation"] for item in board["items"]
                                     if item.get("reference") and item["reference"].get("source")))
        alerts = call(self.prices.alerts, region.code, day=board["date"], timeout=VIEW_TIMEOUT)["items"] \
            if board["date"] and market is None else []
        trends = call(self.prices.trends, region.code, days=SPARKLINE_DAYS, market=market,
                      timeout=VIEW_TIMEOUT)["commodities"]
        sparklines = {code: sparkline(t["points"], t["reference"]) for code, t in trends.items()}
        groups = words.alert_groups(alerts)
        return render("harga.html", region, board=board, markets=markets, market=market, sources=sources,
                      commodities={c["code"]: c for c in catalogue["commodities"]}, alerts=alerts,
                      alert_groups=groups, alert_summary=words.alert_summary(groups),
                      sparklines=sparklines, words=words, active="harga")


    @page("GET", "/r/<string:code>/harga/<string:commodity>", query={"hari": {"type": "integer"}},
          cache=PRICES_PAGE)
    def harga_chart_page(self, request, code, commodity):
        """A commodity's median price over 30 or 90 days against its reference (SVG, no script)."""
        region = get_region(code)
        catalogue = call(self.prices.catalogue, region.code, timeout=VIEW_TIMEOUT)
        found = _commodity(catalogue, commodity)
        days = int(request.args.get("hari", "30")) if request.args.get("hari", "30").isdigit() else 0
        if days not in CHART_DAYS:
            raise ValidationFailed.field("hari", "one of 30, 90", code="not_allowed",
                                         allowed=list(CHART_DAYS))
        trend = call(self.prices.trends, region.code, days=days, commodity=found["code"],
                     timeout=VIEW_TIMEOUT)
        series = trend["commodities"].get(found["code"], {"points": [], "reference": None})
        return render("harga_grafik.html", region, commodity=found, days=days, trend=trend,
                      points=series["points"], reference=series["reference"],
                      graph=chart(series["points"], series["reference"]), choices=CHART_DAYS,
                      too_few=words.too_few_days(series["points"]), min_days=words.TREND_MIN_DAYS,
                      words=words, active="harga")

    @page("GET", "/r/<string:code>/harga/peta", cache=PRICES_PAGE)
    def harga_map_page(self, request, code):
        """The region's markets with their coordinates and newest prices, as a list (no script)."""
        region = get_region(code)
        markets = call(self.prices.list_markets, region.code, timeout=VIEW_TIMEOUT)["items"]
        boards = {m["code"]: call(self.prices.board, region.code, market=m["code"], timeout=VIEW_TIMEOUT)
                  for m in markets}
        return render("harga_peta.html", region, markets=markets, boards=boards, words=words,
                      active="harga")

    def _priced_first(self, region, catalogue):
        """The commodity banding opens on: the first of the catalogue priced on the region's
        latest day, else the first priced at all, else the catalogue's first."""
        board = call(self.prices.board, region.code, timeout=VIEW_TIMEOUT)
        priced = [i["commodity"] for i in board["items"] if i["date"] == board["date"]] or \
            [i["commodity"] for i in board["items"]]
        return next((c["code"] for c in catalogue["commodities"] if c["code"] in priced),
                    catalogue["commodities"][0]["code"])

    @page("GET", "/r/<string:code>/harga/banding", query={"komoditas": {"type": "string"}}, cache=LIST)
    def harga_compare_page(self, request, code):
        """One commodity's latest price per market of the region and per partner region."""
        region = get_region(code)
        catalogue = call(self.prices.catalogue, region.code, timeout=VIEW_TIMEOUT)
        found = _commodity(catalogue, request.args.get("komoditas") or self._priced_first(region, catalogue))
        markets = []
        for market in catalogue["markets"]:
            board = call(self.prices.board, region.code, market=market["code"], timeout=VIEW_TIMEOUT)
            item = next((i for i in board["items"] if i["commodity"] == found["code"]), None)
            markets.append({"name": market["name"], "item": item})
        regions = call(self.prices.compare, region.code, found["code"],
                       regions=[r.code for r in all_regions()], timeout=VIEW_TIMEOUT)
        return render("harga_banding.html", region, commodity=found, commodities=catalogue["commodities"],
                      markets=markets, partners=regions, active="harga")
