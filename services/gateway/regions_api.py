"""Platform operators' routes: onboard, resubscribe and remove partner regions.

Everything takes effect at once, without a restart: the registry is re-read by
every process (servicekit.regions), the region's queue is bound on the broker
here, and its LAKSA catalogue is set through the aspirasi RPC. The gateway
also keeps every registered region's queue bound at start and exports the
partner queues' backlog on its /metrics.
"""
import logging

from nameko.extensions import DependencyProvider
from prometheus_client import REGISTRY

from services.gateway import schemas
from services.gateway.auth import authenticate
from services.gateway.authority import authorize
from services.gateway.http import api, json_response, read_json
from services.platform import partners
from services.platform.uplink import UplinkRelay
from services.servicekit.described import described
from services.servicekit.regions import all_regions
from services.servicekit.rpc import RpcProxy, call

log = logging.getLogger(__name__)
_collector = None



class PartnerBroker(DependencyProvider):
    """The broker of this gateway's vhost, for partner queues and their metrics."""

    def setup(self):
        global _collector
        self.broker = partners.Broker(self.container.config["AMQP_URI"])
        if _collector is None:  # one collector per process, whatever the containers
            _collector = partners.BacklogCollector(self.broker)
            REGISTRY.register(_collector)
        else:
            _collector.broker = self.broker

    def start(self):
        self.container.spawn_managed_thread(self._apply_all)

    def _apply_all(self):
        try:
            partners.apply_all(self.broker)
        except Exception as exc:  # noqa: BLE001 - an operator can rerun `tools.regions apply`
            log.warning("partner queues not (re)bound at start: %s", exc)

    def get_dependency(self, worker_ctx):
        return self.broker


class _Catalogue:
    """The aspirasi RPCs onboarding needs, with the gateway's deadlines, as the operator."""

    def __init__(self, proxy, caller):
        self.proxy, self.caller = proxy, caller

    def categories(self, code):
        return call(self.proxy.categories, code, timeout=5)

    def set_category(self, code, category, name, opd):
        return call(self.proxy.set_category, code, category, name, opd, caller=self.caller,
                    timeout=5)


class RegionsAdminApi:
    aspirasi = RpcProxy("aspirasi")
    partner_broker = PartnerBroker()
    uplink_relay = UplinkRelay()  # edge regions' events, checked, into the hub's exchanges

    @api("GET", "/api/v1/admin/regions")
    @described(statuses=(401, 403), response=schemas.ADMIN_REGIONS)
    def admin_regions(self, request):
        """Every registered region with its subscriptions and partner-queue backlog."""
        authorize("manage_regions", authenticate(request))
        depths = self.partner_broker.queue_depths()
        items = [{**r.to_dict(), "subscriptions": partners.subscriptions_for(r.code),
                  "backlog": depths.get(partners.queue_name(r.code))} for r in all_regions()]
        return json_response({"items": items})

    @api("POST", "/api/v1/admin/regions")
    @described(body=schemas.REGION, statuses=(201, 401, 403), response=schemas.REGION_TOPOLOGY)
    def onboard_region(self, request):
        """Onboard (or update) a region: registry, subscriptions, queue, LAKSA catalogue."""
        caller = authorize("manage_regions", authenticate(request))
        result = partners.onboard(read_json(request), self.partner_broker,
                                  _Catalogue(self.aspirasi, caller))
        return json_response(result, 201, {"Location": f"/api/v1/regions/{result['region']['code']}"})

    @api("PUT", "/api/v1/admin/regions/<string:code>/subscriptions")
    @described(body=schemas.RESUBSCRIBE, statuses=(401, 403), response=schemas.QUEUE_BINDINGS)
    def resubscribe_region(self, request, code):
        """Replace a region's subscriptions; its queue is rebound without losing messages."""
        authorize("manage_regions", authenticate(request))
        body = read_json(request)
        return json_response(partners.resubscribe(code, body.get("subscriptions"), self.partner_broker))

    @api("DELETE", "/api/v1/admin/regions/<string:code>")
    @described(query=schemas.PURGE, statuses=(401, 403), response=schemas.REGION_REMOVED)
    def remove_region(self, request, code):
        """Remove a region; its queue is unbound, and deleted only if empty or with purge=true."""
        authorize("manage_regions", authenticate(request))
        purge = request.args.get("purge") == "true"
        return json_response(partners.offboard(code, self.partner_broker, purge=purge))
