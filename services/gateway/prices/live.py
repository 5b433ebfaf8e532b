"""Harga's live section: today's board summary and the price alerts raised."""
from services.gateway.live.checked import LIVE_RPC_TIMEOUT, CheckedSection
from services.servicekit.contracts.prices import live_alert
from services.servicekit.rpc import call


class PricesSection(CheckedSection):
    """The region's board of its latest day (median across markets) and that day's alerts;
    every item with its commodity's name and unit, as the prices service publishes it."""

    name = "prices"
    source = "prices"
    events = ("prices_recorded", "price_alert_raised")
    ALERTS = 20

    def rebuild(self, rpc, region_code):
        return call(rpc.prices.live_summary, region_code, timeout=LIVE_RPC_TIMEOUT)

    def mark(self, data):
        return {"date": data["date"], "prices": {i["commodity"]: i["price"] for i in data["board"]},
                "alerts": len(data["alerts"])}

    def apply(self, data, event):
        payload = event["payload"]
        if event["event_type"] == "prices_recorded":
            board = payload["board"]
            if board["date"] is None or (data["date"] and board["date"] < data["date"]):
                return data
            alerts = data["alerts"] if board["date"] == data["date"] else []
            return {"date": board["date"], "board": board["items"], "alerts": alerts}
        if payload["date"] != data["date"]:
            return data  # not the board's day: the board shows that day's alerts only
        alert = live_alert(payload)
        others = [a for a in data["alerts"] if (a["commodity"], a["market"]) != (alert["commodity"],
                                                                                 alert["market"])]
        return {**data, "alerts": (others + [alert])[:self.ALERTS]}
