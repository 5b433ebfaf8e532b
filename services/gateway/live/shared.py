"""The live view's section of what partner regions share (fed by events only)."""
from services.gateway.live.checked import region_name
from services.gateway.live.section import Section
from services.platform.partners import subscribed_sources


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
