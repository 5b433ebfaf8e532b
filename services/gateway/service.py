"""The gateway: the only HTTP face of Tangerang Live.

Routes are grouped per domain in mixins (`*_api.py`, `*_pages.py`, `console_*.py`),
each declaring the RPC proxies (named after their service) and dependencies it
uses; this class joins them and holds the live view's event handlers.
"""
from functools import cache

from nameko.timer import timer
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.wrappers import Response

from services.gateway import schemas
from services.gateway.aspirasi_api import AspirasiApi
from services.gateway.console import ConsolePages
from services.gateway.console_disnaker import DisnakerConsole
from services.gateway.console_kinerja import KinerjaConsole
from services.gateway.console_laksa import LaksaConsole
from services.gateway.console_news import NewsConsole
from services.gateway.console_platform import PlatformConsole
from services.gateway.console_prices import PricesConsole
from services.gateway.console_wilayah import RegionAdminConsole
from services.gateway.http import MethodNotAllowed as NotAllowed
from services.gateway.http import api, json_response
from services.gateway.http_cache import HttpCache
from services.gateway.live_events import replica_events
from services.gateway.live_views import LiveViews
from services.gateway.news_api import NewsApi
from services.gateway.offline import OfflinePages
from services.gateway.openapi import url_map
from services.gateway.pages import CitizenPages, error_page, is_page_path
from services.gateway.pencaker_api import PencakerApi
from services.gateway.pencaker_pages import PencakerPages
from services.gateway.platform_api import PlatformApi
from services.gateway.prices_api import PricesApi
from services.gateway.prices_pages import PricesPages
from services.gateway.regions_api import RegionsAdminApi
from services.gateway.sections import SECTIONS
from services.servicekit.described import described
from services.servicekit.errors import NotFound
from services.servicekit.health import Observable
from services.servicekit.metrics import Metrics
from services.servicekit.regions import all_regions, get_region

CHECK_INTERVAL = 2  # seconds between reconciliations of the live view with the services
# Every event a live section follows (the page cache's invalidations ride on the same ones).
LIVE_EVENTS = sorted({pair for section in SECTIONS for pair in section.subscriptions})


class GatewayService(Observable, PlatformApi, AspirasiApi, RegionsAdminApi, PencakerApi, NewsApi,
                     PricesApi, PricesPages, CitizenPages, PencakerPages, OfflinePages, ConsolePages,
                     LaksaConsole, RegionAdminConsole, KinerjaConsole, PlatformConsole, DisnakerConsole,
                     PricesConsole, NewsConsole):
    name = "gateway"

    # Each mixin declares the RPC proxies and dependencies its routes use; nameko
    # binds one provider per attribute name. These are the ones this class's own
    # handlers use, and the metrics every worker reports.
    live = LiveViews()
    http_cache = HttpCache()
    metrics = Metrics()

    @api("GET", "/api/v1/regions")
    @described(response=schemas.items_of(schemas.REGION_VIEW))
    def list_regions(self, request):
        return json_response({"items": [r.to_dict() for r in all_regions()]})

    @api("GET", "/api/v1/regions/<string:code>")
    @described(response=schemas.REGION_VIEW)
    def region(self, request, code):
        return json_response(get_region(code).to_dict())

    @api("GET", "/api/v1/regions/<string:code>/live")
    @described(response=schemas.LIVE)
    def live_view(self, request, code):
        body, tag = self.live.view_and_tag(get_region(code), self)
        return Response(body, mimetype="application/json", headers={"ETag": tag})

    @replica_events(LIVE_EVENTS)
    def on_live_event(self, event):
        """Every followed event, from this replica's own durable queue."""
        self.live.apply(event)
        self.http_cache.invalidate_event(event)

    @timer(interval=CHECK_INTERVAL)
    def check_live(self):
        """Reconcile the live view with the services; show silent ones as unavailable."""
        self.live.check(self)

    @api("GET,POST,PUT,PATCH,DELETE", "/<path:path>")
    def not_found(self, request, path):
        """Unknown paths and wrong methods (404 or 405): Indonesian pages for page paths,
        the one JSON error shape for the APIs and feeds."""
        try:
            gateway_router().match(request.path, method=request.method)
        except MethodNotAllowed as exc:
            allowed = sorted(exc.valid_methods or [])
            if is_page_path(request.path):
                return error_page(405, headers={"Allow": ", ".join(allowed)})
            raise NotAllowed(f"{request.method} is not allowed on {request.path}",
                             {"allowed": allowed}) from None
        except HTTPException:
            pass
        if is_page_path(request.path):
            return error_page(404)
        raise NotFound(f"no route for {request.method} /{path}; see /api/openapi.json")


@cache
def gateway_router():
    return url_map(GatewayService).bind("gateway")
