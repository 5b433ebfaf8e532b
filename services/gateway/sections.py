"""The live view's sections, one per domain service."""
from services.gateway.live import Section
from services.servicekit.partners import subscribed_sources
from services.servicekit.rpc import call

LIVE_RPC_TIMEOUT = 0.5


class AspirasiSection(Section):
    """Received, resolved and the share resolved on time, per region."""

    name = "aspirasi"
    source = "aspirasi"
    events = ("aspirasi_submitted", "aspirasi_status_changed")

    def rebuild(self, rpc, region_code):
        stats = call(rpc.aspirasi.stats, region_code, timeout=LIVE_RPC_TIMEOUT)
        return {"received": stats["received"], "resolved": stats["resolved"],
                "resolved_on_time": round(stats["share_resolved_on_time"] * stats["resolved"]),
                "share_resolved_on_time": stats["share_resolved_on_time"]}

    def apply(self, data, event):
        data = dict(data)
        payload = event["payload"]
        if event["event_type"] == "aspirasi_submitted":
            data["received"] += 1
        elif payload["to"] == "resolved":
            data["resolved"] += 1
            data["resolved_on_time"] += 1 if payload["on_time"] else 0
        elif payload["from"] == "resolved":  # reopened
            data["resolved"] -= 1
            data["resolved_on_time"] -= 1 if payload["on_time"] else 0
        resolved = data["resolved"]
        data["share_resolved_on_time"] = round(data["resolved_on_time"] / resolved, 4) if resolved else 0.0
        return data


class VacanciesSection(Section):
    """Open vacancies located in the region, and the newest of them."""

    name = "vacancies"
    source = "pencaker"
    events = ("vacancy_posted", "vacancy_closed")
    NEWEST = 5

    def rebuild(self, rpc, region_code):
        return call(rpc.pencaker.live_summary, region_code, self.NEWEST, timeout=LIVE_RPC_TIMEOUT)

    def apply(self, data, event):
        payload = event["payload"]
        newest = [v for v in data["newest"] if v["id"] != payload["vacancy_id"]]
        if event["event_type"] == "vacancy_posted":
            compact = {"id": payload["vacancy_id"], "title": payload["title"],
                       "employer": payload["employer_name"], "region": payload["location_region"],
                       "salary": payload["salary"], "posted_at": payload["posted_at"],
                       "valid_through": payload["valid_through"]}
            return {"open": data["open"] + 1, "newest": ([compact] + newest)[:self.NEWEST]}
        return {"open": max(0, data["open"] - 1), "newest": newest}


class NewsSection(Section):
    """The latest headlines a region shows: its own news and the news it carries."""

    name = "news"
    source = "news"
    events = ("article_published", "article_updated", "article_retracted")
    HEADLINES = 5

    def rebuild(self, rpc, region_code):
        return call(rpc.news.headlines, region_code, self.HEADLINES, timeout=LIVE_RPC_TIMEOUT)

    def apply(self, data, event):
        payload = event["payload"]
        others = [h for h in data["headlines"] if h["id"] != payload["article_id"]]
        if event["event_type"] == "article_retracted" or payload["status"] != "published":
            return {"headlines": others}
        headline = {"id": payload["article_id"], "title": payload["title"], "slug": payload["slug"],
                    "summary": payload["summary"], "published_at": payload["published_at"],
                    "category": payload["category"], "source_region": event["region"]}
        newest = sorted(others + [headline], key=lambda h: h["published_at"], reverse=True)
        return {"headlines": newest[:self.HEADLINES]}


class PricesSection(Section):
    """The region's board of its latest day (median across markets) and that day's alerts."""

    name = "prices"
    source = "prices"
    events = ("prices_recorded", "price_alert_raised")
    ALERTS = 20

    def rebuild(self, rpc, region_code):
        return call(rpc.prices.live_summary, region_code, timeout=LIVE_RPC_TIMEOUT)

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
        alert = {k: payload[k] for k in ("commodity", "market", "date", "price", "rules")}
        others = [a for a in data["alerts"] if (a["commodity"], a["market"]) != (alert["commodity"],
                                                                                 alert["market"])]
        return {**data, "alerts": (others + [alert])[:self.ALERTS]}




class SharedSection(Section):
    """What the region receives from the regions it subscribes to, marked with the source.

    Fed only by events (the services keep no list of "what others shared with
    you"), so after a gateway restart it starts empty and fills as they come.
    """

    name = "shared"
    subscriptions = (("prices", "price_alert_raised"), ("pencaker", "vacancy_posted"),
                     ("news", "article_published"))
    events = tuple(event_type for _, event_type in subscriptions)
    LATEST = 10

    def __init__(self, sources_of=subscribed_sources):
        self.sources_of = sources_of

    def rebuild(self, rpc, region_code):
        return {"items": []}

    def regions_for(self, event, regions):
        return [region for region in regions if region != event["region"]
                and event["region"] in self.sources_of(region, event["source"], event["event_type"])]

    def apply(self, data, event):
        payload = event["payload"]
        title = payload.get("title") or f"{payload.get('commodity_name')} di {payload.get('market_name')}"
        item = {"type": event["event_type"], "source_region": event["region"], "title": title,
                "at": event["occurred_at"]}
        return {"items": ([item] + data["items"])[:self.LATEST]}


SECTIONS = [AspirasiSection(), VacanciesSection(), NewsSection(), PricesSection(), SharedSection()]
