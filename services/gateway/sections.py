"""The live view's sections, one per domain service.

Each section's `mark` is what its service's `live_marks` RPC answers for the
same data: small, and cheap for the service to compute (counts and ids).
"""
from services.gateway.live import Section
from services.platform.partners import subscribed_sources
from services.servicekit.contracts.news import live_headline
from services.servicekit.contracts.pencaker import live_vacancy
from services.servicekit.contracts.prices import live_alert
from services.servicekit.errors import NotFound
from services.servicekit.regions import get_region
from services.servicekit.rpc import call

LIVE_RPC_TIMEOUT = 0.5
CHECK_TIMEOUT = 2  # a timer's check of every region at once, not a citizen waiting


def region_name(code):
    try:
        return get_region(code).name
    except NotFound:
        return code


class CheckedSection(Section):
    """A section its service checks with one `live_marks(regions)` RPC."""

    def marks(self, rpc, region_codes):
        proxy = getattr(rpc, self.source)
        return call(proxy.live_marks, region_codes, timeout=CHECK_TIMEOUT)["regions"]


class AspirasiSection(CheckedSection):
    """Received, resolved and the share resolved on time, per region."""

    name = "aspirasi"
    source = "aspirasi"
    events = ("aspirasi_submitted", "aspirasi_status_changed")

    def rebuild(self, rpc, region_code):
        answer = call(rpc.aspirasi.live_marks, [region_code], timeout=LIVE_RPC_TIMEOUT)
        return {**self.with_share(answer["regions"][region_code]), "as_of": answer["as_of"]}

    def mark(self, data):
        return {k: data[k] for k in ("received", "resolved", "resolved_on_time")}

    @staticmethod
    def with_share(data):
        """No share without a denominator: None (shown as "–") while nothing is resolved."""
        resolved = data["resolved"]
        return {**data, "share_resolved_on_time":
                round(data["resolved_on_time"] / resolved, 4) if resolved else None}

    def apply(self, data, event):
        data = dict(data)
        payload = event["payload"]
        if event["event_type"] == "aspirasi_submitted":
            data["received"] += 1
        elif payload["to"] == "resolved":
            data["resolved"] += 1
            data["resolved_on_time"] += 1 if payload["on_time"] else 0
        elif payload["from"] == "resolved":  # reopened or closed
            data["resolved"] -= 1
            data["resolved_on_time"] -= 1 if payload["on_time"] else 0
        return self.with_share(data)


class VacanciesSection(CheckedSection):
    """Open vacancies the region's loker page lists (its own and its subscribed
    sources'), and the newest of them."""

    name = "vacancies"
    source = "pencaker"
    events = ("vacancy_posted", "vacancy_closed")
    NEWEST = 5

    def rebuild(self, rpc, region_code):
        return call(rpc.pencaker.live_summary, region_code, limit=self.NEWEST, timeout=LIVE_RPC_TIMEOUT)

    def mark(self, data):
        return {"open": data["open"], "newest": [v["id"] for v in data["newest"]],
                "sources": data["sources"]}

    def regions_for(self, event, state):
        return [region for region, entries in state.items()
                if (entry := entries.get(self.name)) is not None and entry.data is not None
                and event["region"] in entry.data["sources"]]

    def apply(self, data, event):
        payload = event["payload"]
        newest = [v for v in data["newest"] if v["id"] != payload["vacancy_id"]]
        if event["event_type"] == "vacancy_posted":
            newest = sorted([live_vacancy(payload)] + newest, key=lambda v: (v["posted_at"], v["id"]),
                            reverse=True)
            return {**data, "open": data["open"] + 1, "newest": newest[:self.NEWEST]}
        return {**data, "open": max(0, data["open"] - 1), "newest": newest}


class NewsSection(CheckedSection):
    """The latest headlines a region shows: its own news and the news it carries."""

    name = "news"
    source = "news"
    events = ("article_published", "article_updated", "article_retracted")
    HEADLINES = 5

    def rebuild(self, rpc, region_code):
        return call(rpc.news.headlines, region_code, limit=self.HEADLINES, timeout=LIVE_RPC_TIMEOUT)

    def mark(self, data):
        return [[h["id"], h["title"]] for h in data["headlines"]]

    def apply(self, data, event):
        payload = event["payload"]
        others = [h for h in data["headlines"] if h["id"] != payload["article_id"]]
        if event["event_type"] == "article_retracted" or payload["status"] != "published":
            return {**data, "headlines": others}
        newest = sorted(others + [live_headline(payload, event["region"])], key=lambda h: h["published_at"],
                        reverse=True)
        return {**data, "headlines": newest[:self.HEADLINES]}


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


class SharedSection(Section):
    """What the region receives from the regions it subscribes to, marked with the source.

    Fed only by events (the services keep no list of "what others shared with
    you"), so the gateway keeps the latest items per region in its own store
    (SharedItems) and rebuilds the section from there after a restart.
    """

    name = "shared"
    kept = True
    subscriptions = (("prices", "price_alert_raised"), ("pencaker", "vacancy_posted"),
                     ("news", "article_published"))
    events = tuple(event_type for _, event_type in subscriptions)
    LATEST = 10

    def __init__(self, sources_of=subscribed_sources):
        self.sources_of = sources_of

    def rebuild(self, kept, region_code):
        return {"items": kept.latest(region_code, self.LATEST) if kept is not None else []}

    def regions_for(self, event, state):
        return [region for region in state if region != event["region"]
                and event["region"] in self.sources_of(region, event["source"], event["event_type"])]

    def item(self, event):
        payload = event["payload"]
        title = payload.get("title") or f"{payload.get('commodity_name')} di {payload.get('market_name')}"
        return {"id": event["event_id"], "type": event["event_type"], "source_region": event["region"],
                "source_region_name": region_name(event["region"]), "title": title,
                "at": event["occurred_at"]}

    def apply(self, data, event):
        item = self.item(event)
        others = [i for i in data["items"] if i.get("id") != item["id"]]
        return {"items": ([item] + others)[:self.LATEST]}


SECTIONS = [AspirasiSection(), VacanciesSection(), NewsSection(), PricesSection(), SharedSection()]
