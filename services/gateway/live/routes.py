"""The live view's routes: the JSON view and beranda (the region's page of it), the
event handlers that feed the live model (its own events, and at an edge what the hub sends
down; both drop the kept answers those events change), and the timer that reconciles the
model with the services."""
from nameko.timer import timer
from werkzeug.wrappers import Response

from services.gateway.live.downlink import downlink_events
from services.gateway.live.events import replica_events
from services.gateway.live.sections import SECTIONS
from services.gateway.live.views import LiveViews
from services.gateway.news.pages import feed_links
from services.gateway.web.cache import HttpCache
from services.gateway.web.http import api
from services.gateway.web.pages import page
from services.gateway.web.policies import LIVE
from services.gateway.web.schemas import LIVE as LIVE_VIEW
from services.gateway.web.templating import render
from services.servicekit.described import described
from services.servicekit.regions import get_region, load_regions

CHECK_INTERVAL = 2  # seconds between reconciliations of the live view with the services
# Every event a live section follows (the page cache's invalidations ride on the same ones).
LIVE_EVENTS = sorted({pair for section in SECTIONS for pair in section.subscriptions})


class LiveRoutes:
    live = LiveViews()
    http_cache = HttpCache()

    @api("GET", "/api/v1/regions/<string:code>/live", cache=LIVE)
    @described(response=LIVE_VIEW)
    def live_view(self, request, code):
        body, tag = self.live.view_and_tag(get_region(code), self)
        return Response(body, mimetype="application/json", headers={"ETag": tag})

    @page("GET", "/r/<string:code>/", cache=LIVE)
    def beranda_page(self, request, code):
        """Beranda: the region's Tangerang Live view (news, prices, vacancies, aspirasi)."""
        region = get_region(code)
        live = self.live.document(region, self)
        return render("beranda.html", region, live=live, feeds=feed_links(region, None), active="beranda")

    @replica_events(LIVE_EVENTS)
    def on_live_event(self, event):
        """Every followed event, from this replica's own durable queue."""
        self.live.apply(event)
        self.http_cache.invalidate_event(event)

    @downlink_events()
    def on_downlink_event(self, event, region_code):
        """At an edge: a shared event of a region it subscribes to, sent down by the hub."""
        self.live.receive(event, region_code)
        self.http_cache.invalidate_event(event)

    @timer(interval=CHECK_INTERVAL)
    def check_live(self):
        """Reconcile the live view with the services; show silent ones as unavailable."""
        self.live.check(self, load_regions())
