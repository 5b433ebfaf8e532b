"""Platform operators' routes: onboard (the whole profile), resubscribe and remove regions.

Everything takes effect at once, without a restart: the registry is re-read by
every process (servicekit.regions), the region's queue is bound on the broker
here, and its LAKSA catalogue is set through the aspirasi RPC. The gateway
also keeps every registered region's queue bound at start and exports the
partner queues' backlog on its /metrics.
"""
import logging

from nameko.extensions import DependencyProvider
from prometheus_client import REGISTRY

from services.gateway.access.accounts import AccountRepository
from services.gateway.access.auth import authenticate
from services.gateway.access.authority import authorize
from services.gateway.regions import schemas
from services.gateway.regions.onboarding_ports import RpcCatalogue, StoreAccounts
from services.gateway.web.http import api, json_response, read_json
from services.gateway.web.schemas import ARRAY, BOOL, INT, OBJECT, S, nullable, obj, record
from services.platform import partners
from services.platform.onboarding_profile import EXTRAS
from services.platform.release_registry import ReleaseRegistry
from services.platform.uplink import UplinkRelay
from services.servicekit.described import described
from services.servicekit.regions import all_regions
from services.servicekit.rpc import RpcProxy
from services.servicekit.store import MongoStore

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


# The whole onboarding profile: the registry's fields (schemas.REGION) and onboarding's own
# (categories with their SLA, markets, the first admin: services/platform/onboarding_profile).
PROFILE = obj({**schemas.REGION["properties"],
               **{k: v for k, v in EXTRAS["properties"].items() if k != "subscriptions"}},
              required=tuple(schemas.REGION["required"]))
# What onboarding answers; the two passwords are there once, on the run that made them.
ONBOARDED = record({"region": schemas.REGION_VIEW, "queue": S, "bindings": ARRAY, "steps": ARRAY},
                   {"categories": nullable(INT), "skipped": OBJECT,
                    "broker_user": nullable(record({"user": S}, {"password": nullable(S)})),
                    "admin": nullable(record({"username": S, "created": BOOL},
                                             {"password": nullable(S)}))})
REMOVED = record({"region": OBJECT, "queue": S, "queue_deleted": BOOL},
                 {"removed": OBJECT, "kept": OBJECT, "backlog": INT})


def _Catalogue(proxy, caller):  # noqa: N802 - the platform console's name for it
    return RpcCatalogue(proxy, caller)


class RegionsAdminApi:
    aspirasi = RpcProxy("aspirasi")
    repo = MongoStore(AccountRepository)  # the first region admin's account; purge's accounts
    partner_broker = PartnerBroker()
    uplink_relay = UplinkRelay()  # edge regions' events, checked, into the hub's exchanges
    release_registry = ReleaseRegistry()  # each region's announced release, into the registry

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
    @described(body=PROFILE, statuses=(201, 401, 403, 503), response=ONBOARDED)
    def onboard_region(self, request):
        """Onboard (or update) a region from its whole profile, checked first: registry,
        subscriptions, queue, broker user, LAKSA catalogue, first region admin. A failure
        part-way undoes what was made (503, naming the step); the broker password and the
        admin's first password are answered once, here."""
        caller = authorize("manage_regions", authenticate(request))
        result = partners.onboard(read_json(request), self.partner_broker,
                                  RpcCatalogue(self.aspirasi, caller), StoreAccounts(self.repo))
        return json_response(result, 201, {"Location": f"/api/v1/regions/{result['region']['code']}"})

    @api("PUT", "/api/v1/admin/regions/<string:code>/subscriptions")
    @described(body=schemas.RESUBSCRIBE, statuses=(401, 403), response=schemas.QUEUE_BINDINGS)
    def resubscribe_region(self, request, code):
        """Replace a region's subscriptions; its queue is rebound without losing messages."""
        authorize("manage_regions", authenticate(request))
        body = read_json(request)
        return json_response(partners.resubscribe(code, body.get("subscriptions"), self.partner_broker))

    @api("DELETE", "/api/v1/admin/regions/<string:code>")
    @described(query=schemas.PURGE, statuses=(401, 403), response=REMOVED)
    def remove_region(self, request, code):
        """Remove a region; its queue is unbound, and deleted only if empty. With purge=true
        everything it had goes (registry document, broker user, queue, subscriptions,
        categories, Open311 keys, accounts); the answer says what was kept (its tickets)."""
        caller = authorize("manage_regions", authenticate(request))
        purge = request.args.get("purge") == "true"
        return json_response(partners.offboard(code, self.partner_broker, purge=purge,
                                               catalogue=RpcCatalogue(self.aspirasi, caller),
                                               accounts=StoreAccounts(self.repo)))
