"""The gateway: the only HTTP face of Tangerang Live.

GatewayService is made of one class per package of routes (each joins that package's API,
pages and console sections, which declare the RPC proxies, named after their service, and
the dependencies their routes use):

- `live.routes.LiveRoutes`: the live view (JSON and beranda), its events and timer;
- `regions.routes.RegionsRoutes`: regions API and chooser, platform API, wilayah/platform consoles;
- `laksa.routes.LaksaRoutes`: aspirasi API with Open311, lapor/lacak pages, LAKSA/kinerja consoles;
- `pencaker.routes.PencakerRoutes`: pencaker API, loker and AK/1 pages, Disnaker console;
- `prices.routes.PricesRoutes`: prices API, harga pages, prices console;
- `news.routes.NewsRoutes`: news API and feeds, berita pages, newsroom console;
- `access.console_sign_in.ConsolePages`: the officers' sign-in and the console's start page;
- `web.offline.OfflinePages`: the offline helper and the site icon;
and `not_found` below, the answer to every path no route takes. The shared machinery
(entrypoints, the form gate, the one error mapper, cache, templates) is in `web/`.
"""
from functools import cache

from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed as NoSuchMethod

from services.gateway.access.console_sign_in import ConsolePages
from services.gateway.laksa.routes import LaksaRoutes
from services.gateway.live.routes import LiveRoutes
from services.gateway.news.routes import NewsRoutes
from services.gateway.pencaker.routes import PencakerRoutes
from services.gateway.prices.routes import PricesRoutes
from services.gateway.regions.routes import RegionsRoutes
from services.gateway.web.errors import MethodNotAllowed
from services.gateway.web.http import api
from services.gateway.web.offline import OfflinePages
from services.gateway.web.openapi import url_map
from services.gateway.web.pages import is_page_path
from services.gateway.web.templating import error_page
from services.servicekit.errors import NotFound
from services.servicekit.health import Observable
from services.servicekit.metrics import Metrics


class GatewayService(Observable, LiveRoutes, RegionsRoutes, LaksaRoutes, PencakerRoutes, PricesRoutes,
                     NewsRoutes,
                     ConsolePages, OfflinePages):  # one class per package of routes
    name = "gateway"
    metrics = Metrics()  # what every worker reports

    @api("GET,POST,PUT,PATCH,DELETE", "/<path:path>")
    def not_found(self, request, path):
        """Unknown paths and wrong methods (404 or 405): Indonesian pages for page paths,
        the one JSON error shape for the APIs and feeds."""
        try:
            gateway_router().match(request.path, method=request.method)
        except NoSuchMethod as exc:
            allowed = sorted(exc.valid_methods or [])
            if is_page_path(request.path):
                return error_page(405, headers={"Allow": ", ".join(allowed)})
            raise MethodNotAllowed(f"{request.method} is not allowed on {request.path}",
                                   {"allowed": allowed}) from None
        except HTTPException:
            pass
        if is_page_path(request.path):
            return error_page(404)
        raise NotFound(f"no route for {request.method} /{path}; see /api/openapi.json")


@cache
def gateway_router():
    return url_map(GatewayService).bind("gateway")
