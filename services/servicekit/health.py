"""Health and metrics entrypoints every service mixes in.

`/health` proves more than "the process answers": it makes an RPC round trip
through RabbitMQ into this very service's own consumer, and pings the store.
"""
import eventlet
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.web.handlers import http
from werkzeug.wrappers import Response

from services.servicekit.described import described
from services.servicekit.entrypoints import rpc
from services.servicekit.json import dumps
from services.servicekit.metrics import exposition

HEALTH_TIMEOUT = 2
HEALTH_BODY = {"type": "object", "required": ["service", "status", "checks"],
               "properties": {"service": {"type": "string"}, "status": {"enum": ["ok", "failing"]},
                              "checks": {"type": "object"}}}


class Observable:
    """Mixin: `ping` RPC, `GET /health` and `GET /metrics`.

    Expects `config` (nameko Config) and, for services that own data, `store`.
    """

    @rpc
    def ping(self):
        return {"service": self.name, "ok": True}

    @http("GET", "/health")
    @described(response=HEALTH_BODY, error_schema=HEALTH_BODY, statuses=(503,))
    def health(self, request):
        """Liveness: an RPC round trip into this service's consumer, and a store ping."""
        checks = {}
        try:
            with eventlet.Timeout(HEALTH_TIMEOUT):
                with ClusterRpcProxy(self._health_config()) as cluster:
                    checks["amqp_consumer"] = getattr(cluster, self.name).ping()["ok"]
        except (Exception, eventlet.Timeout) as exc:  # noqa: BLE001 - reported, not raised
            checks["amqp_consumer"] = False
            checks["amqp_error"] = type(exc).__name__
        store = getattr(self, "store", None)
        if store is not None:  # the gateway owns no store
            try:
                store.db.command("ping")
                checks["store"] = True
            except Exception as exc:  # noqa: BLE001
                checks["store"] = False
                checks["store_error"] = type(exc).__name__
        ok = checks["amqp_consumer"] is True and checks.get("store", True)
        body = {"service": self.name, "status": "ok" if ok else "failing", "checks": checks}
        return Response(dumps(body), status=200 if ok else 503, mimetype="application/json")

    @http("GET", "/metrics")
    @described(response_type="text/plain")
    def prometheus_metrics(self, request):
        """Prometheus metrics of this process."""
        body, content_type = exposition()
        return Response(body, content_type=content_type)

    def _health_config(self):
        return {"AMQP_URI": self.config["AMQP_URI"]}
