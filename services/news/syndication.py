"""News entrypoints of syndication: which regions' news a region carries, and the
copies made when a subscribed region publishes, corrects or retracts."""
from nameko.events import SERVICE_POOL

from services.news import domain
from services.news.repository import NewsRepository
from services.servicekit.caller import Caller
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import utcnow
from services.servicekit.events import reliable_event_handler
from services.servicekit.regions import get_region
from services.servicekit.store import MongoStore


class Syndication:
    repo = MongoStore(NewsRepository)

    @rpc
    def subscriptions(self, region_code):
        get_region(region_code)
        return {"region": region_code, "sources": self.repo.sources_of(region_code)}

    @rpc
    def set_subscriptions(self, region_code, sources, *, caller):
        """Which regions' news `region_code` carries (from their next article on)."""
        get_region(region_code)
        domain.authorize("set_subscriptions", Caller.verify(caller), region_code)
        wanted = domain.subscriptions(region_code, sources)
        for code in wanted:
            get_region(code)
        self.repo.set_sources(region_code, wanted, utcnow())
        return self.subscriptions(region_code)

    # One shared queue per event type (SERVICE_POOL), retried with backoff and
    # dead-lettered by the kit; apply_once drops redeliveries.
    @reliable_event_handler("news", "article_published", handler_type=SERVICE_POOL)
    def on_article_published(self, event):
        self.repo.apply_once(event, "syndicate", lambda: self._syndicate(event))

    @reliable_event_handler("news", "article_updated", handler_type=SERVICE_POOL)
    def on_article_updated(self, event):
        self.repo.apply_once(event, "syndicate", lambda: self._syndicate(event))

    @reliable_event_handler("news", "article_retracted", handler_type=SERVICE_POOL)
    def on_article_retracted(self, event):
        self.repo.apply_once(event, "syndicate", lambda: self._syndicate(event))

    def _syndicate(self, event):
        payload = event["payload"]
        for region_code in self.repo.subscribers_of(event["region"]):
            copy_id = f"{region_code}:syn:{payload['article_id']}"
            if event["event_type"] == "article_retracted":
                self.repo.retract_copy(copy_id, region_code, payload["revision"], utcnow())
            else:
                slug = domain.copy_slug(payload["slug"], event["region"])
                self.repo.save_copy(copy_id, domain.syndicated_copy(event, region_code, slug))
