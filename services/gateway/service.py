"""The gateway: the only HTTP face of Tangerang Live.

Routes are grouped per domain in mixins (`*_api.py`); this class wires the
dependencies they share (an RPC proxy per domain service, named after it) and
the live view's event handlers.
"""
from functools import cache

from nameko.dependency_providers import Config
from nameko.events import BROADCAST
from nameko.extensions import DependencyProvider
from nameko.rpc import RpcProxy
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.wrappers import Response

from services.gateway.accounts import AccountRepository
from services.gateway.aspirasi_api import AspirasiApi
from services.gateway.http import MethodNotAllowed as NotAllowed
from services.gateway.http import api, json_response
from services.gateway.live import LiveModel
from services.gateway.news_api import NewsApi
from services.gateway.offline import OfflinePages
from services.gateway.openapi import url_map
from services.gateway.pages import CitizenPages
from services.gateway.pencaker_api import PencakerApi
from services.gateway.platform_api import PlatformApi
from services.gateway.prices_api import PricesApi
from services.gateway.ratelimit import RateLimits
from services.gateway.regions_api import RegionsAdminApi
from services.gateway.sections import SECTIONS
from services.servicekit.errors import NotFound
from services.servicekit.events import checked_event_handler
from services.servicekit.health import Observable
from services.servicekit.metrics import Metrics
from services.servicekit.regions import all_regions, get_region
from services.servicekit.store import MongoStore


class LiveViews(DependencyProvider):
    """Owns the per-process read model; every worker sees the same one."""

    def setup(self):
        self.model = LiveModel(SECTIONS)

    def get_dependency(self, worker_ctx):
        return self.model


class GatewayService(Observable, PlatformApi, AspirasiApi, RegionsAdminApi, PencakerApi, NewsApi,
                     PricesApi, CitizenPages, OfflinePages):
    name = "gateway"

    config = Config()
    store = MongoStore(AccountRepository)
    aspirasi = RpcProxy("aspirasi")
    pencaker = RpcProxy("pencaker")
    prices = RpcProxy("prices")
    news = RpcProxy("news")
    notifications = RpcProxy("notifications")
    live = LiveViews()
    limits = RateLimits()
    metrics = Metrics()

    @api("GET", "/api/v1/regions")
    def list_regions(self, request):
        return json_response({"items": [r.to_dict() for r in all_regions()]})

    @api("GET", "/api/v1/regions/<string:code>")
    def region(self, request, code):
        return json_response(get_region(code).to_dict())

    @api("GET", "/api/v1/regions/<string:code>/live")
    def live_view(self, request, code):
        body = self.live.view(get_region(code), self)
        return Response(body, mimetype="application/json")

    @api("GET,POST,PUT,PATCH,DELETE", "/<path:path>")
    def not_found(self, request, path):
        """Unknown paths and wrong methods, in the one error shape (404 or 405)."""
        try:
            gateway_router().match(request.path, method=request.method)
        except MethodNotAllowed as exc:
            raise NotAllowed(f"{request.method} is not allowed on {request.path}",
                             {"allowed": sorted(exc.valid_methods or [])}) from None
        except HTTPException:
            pass
        raise NotFound(f"no route for {request.method} /{path}; see /api/openapi.json")


@cache
def gateway_router():
    return url_map(GatewayService).bind("gateway")


def _live_handler(source, event_type):
    # Broadcast: every gateway instance keeps its own read model up to date. Events that
    # break their contract are dropped and counted before they reach the model.
    @checked_event_handler(source, event_type, handler_type=BROADCAST, reliable_delivery=False)
    def handle(self, event):
        self.live.apply(event)
    handle.__name__ = f"on_{event_type}"
    return handle


# One handler per event type that some live section listens to.
for _source, _event_type in sorted({pair for section in SECTIONS for pair in section.subscriptions}):
    setattr(GatewayService, f"on_{_event_type}", _live_handler(_source, _event_type))
