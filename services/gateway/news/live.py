"""Berita's live section: the region's latest headlines."""
from services.gateway.live.checked import LIVE_RPC_TIMEOUT, CheckedSection
from services.servicekit.contracts.news import live_headline
from services.servicekit.rpc import call


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
