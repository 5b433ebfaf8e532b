"""Loker's live section: the region's open vacancies, the newest first."""
from services.gateway.live.checked import LIVE_RPC_TIMEOUT, CheckedSection
from services.servicekit.contracts.pencaker import live_vacancy
from services.servicekit.rpc import call


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
