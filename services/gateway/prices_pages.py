"""Harga's chart and comparison pages: a commodity's 30/90-day trend as server-rendered
SVG with its HET/HAP line, and one commodity across the region's markets and the partner
regions."""
from services.gateway.charts import chart
from services.gateway.pages import VIEW_TIMEOUT, CitizenError, page, render
from services.servicekit.errors import ValidationFailed
from services.servicekit.regions import all_regions, get_region
from services.servicekit.rpc import RpcProxy, call

CHART_DAYS = (30, 90)


def _commodity(catalogue, code):
    found = {c["code"]: c for c in catalogue["commodities"]}.get(code or "")
    if found is None:
        raise CitizenError("Komoditas itu tidak ada dalam daftar harga. Pilih dari halaman Harga.")
    return found


class PricesPages:
    prices = RpcProxy("prices")

    @page("GET", "/r/<string:code>/harga/<string:commodity>", query={"hari": {"type": "integer"}})
    def harga_chart_page(self, request, code, commodity):
        """A commodity's median price over 30 or 90 days against its reference (SVG, no script)."""
        region = get_region(code)
        catalogue = call(self.prices.catalogue, region.code, timeout=VIEW_TIMEOUT)
        found = _commodity(catalogue, commodity)
        days = int(request.args.get("hari", "30")) if request.args.get("hari", "30").isdigit() else 0
        if days not in CHART_DAYS:
            raise ValidationFailed.field("hari", "one of 30, 90")
        trend = call(self.prices.trends, region.code, days=days, commodity=found["code"],
                     timeout=VIEW_TIMEOUT)
        series = trend["commodities"].get(found["code"], {"points": [], "reference": None})
        return render("harga_grafik.html", region, commodity=found, days=days, trend=trend,
                      points=series["points"], reference=series["reference"],
                      graph=chart(series["points"], series["reference"]), choices=CHART_DAYS, active="harga")

    @page("GET", "/r/<string:code>/harga/banding", query={"komoditas": {"type": "string"}})
    def harga_compare_page(self, request, code):
        """One commodity's latest price per market of the region and per partner region."""
        region = get_region(code)
        catalogue = call(self.prices.catalogue, region.code, timeout=VIEW_TIMEOUT)
        wanted = request.args.get("komoditas") or catalogue["commodities"][0]["code"]
        found = _commodity(catalogue, wanted)
        markets = []
        for market in catalogue["markets"]:
            board = call(self.prices.board, region.code, market=market["code"], timeout=VIEW_TIMEOUT)
            item = next((i for i in board["items"] if i["commodity"] == found["code"]), None)
            markets.append({"name": market["name"], "item": item})
        regions = call(self.prices.compare, region.code, found["code"],
                       regions=[r.code for r in all_regions()], timeout=VIEW_TIMEOUT)
        return render("harga_banding.html", region, commodity=found, commodities=catalogue["commodities"],
                      markets=markets, partners=regions, active="harga")
