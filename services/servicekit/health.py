"""Probes and metrics for operators, on a port of their own (OPS_HTTP), never the public one.

- `GET /health/live`: liveness, local and cheap: the process answers and its
  message consumer runs. No broker round trip, no store ping: a broker or
  store outage must make pods unready, not make Kubernetes restart them all.
- `GET /health/ready`: readiness (and startup): an RPC round trip through
  RabbitMQ into this service's consumer, through one RPC proxy kept for the
  life of the process (rebuilt only after a failure), and a store ping.
- `GET /metrics`: the Prometheus exposition of this process, with
  `tl_store_up{service}` pinged at scrape time (the TLStoreDown alert).

The server is a plain eventlet WSGI server outside nameko's worker pool, so a
service whose workers are all busy still answers its liveness probe, and the
probes never count as traffic in `tl_entrypoint_calls_total`.
"""
import time
from typing import Any, Callable, Iterator

import eventlet
import eventlet.wsgi
from eventlet.semaphore import Semaphore
from nameko.extensions import DependencyProvider
from nameko.messaging import QueueConsumer
from nameko.standalone.rpc import ServiceRpcProxy
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily
from werkzeug.wrappers import Request, Response

from services.servicekit.announce import ReleaseAnnouncer
from services.servicekit.entrypoints import rpc
from services.servicekit.errors import ConfigError
from services.servicekit.json import dumps
from services.servicekit.metrics import exposition
from services.servicekit.store import MongoStore

HEALTH_TIMEOUT = 2
# A connected consumer loop wakes at least every second (kombu drains with a
# 1 s timeout); a minute without a tick means it is wedged, not merely idle.
CONSUMER_STALE_SECONDS = 60
LIVE_PATH, READY_PATH, METRICS_PATH = "/health/live", "/health/ready", "/metrics"


class ConsumerWatch:
    """Signs of life of nameko's message consumer, taken from kombu's ConsumerMixin hooks.

    While it (re)connects, a broker outage is the broker's problem, not this
    process's: only a connected loop that stopped ticking counts against liveness.
    """

    def __init__(self, consumer: Any) -> None:
        self.consumer = consumer
        self.connected = False
        self.tick = time.monotonic()
        for hook, connected in (("create_connection", False), ("on_consume_ready", True),
                                ("on_iteration", True)):
            self._observe(hook, connected)

    def _observe(self, hook: str, connected: bool) -> None:
        original = getattr(self.consumer, hook)

        def observed(*args: Any, **kwargs: Any) -> Any:
            self.tick, self.connected = time.monotonic(), connected
            return original(*args, **kwargs)
        setattr(self.consumer, hook, observed)

    def problem(self) -> str | None:
        thread = self.consumer._gt
        if thread is None or thread.dead:
            return "the message consumer's thread is not running"
        idle = time.monotonic() - self.tick
        if self.connected and idle > CONSUMER_STALE_SECONDS:
            return f"the connected message consumer has not looped for {idle:.0f}s"
        return None


def ping(store: MongoStore) -> str | None:
    """None when the store answers, else the error's type name."""
    try:
        store.client.admin.command("ping")
        return None
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return type(exc).__name__


class StoreReachability:
    """`tl_store_up{service}`: 1 while the service reaches its store, pinged at each scrape."""

    def __init__(self) -> None:
        self.stores: dict[str, MongoStore] = {}  # service name -> MongoStore of its running container

    def describe(self) -> list[GaugeMetricFamily]:
        return [self._family()]

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = self._family()
        for service, store in list(self.stores.items()):
            family.add_metric([service], 0 if ping(store) else 1)
        yield family

    def _family(self) -> GaugeMetricFamily:
        return GaugeMetricFamily("tl_store_up", "1 while this service reaches its MongoDB store",
                                 labels=["service"])


STORE_UP = StoreReachability()
REGISTRY.register(STORE_UP)


class Readiness:
    """The deep check: an RPC round trip into this service and a store ping."""

    def __init__(self, container: Any) -> None:
        self.container = container
        self.standalone: Any = None
        self.proxy: Any = None
        self.lock = Semaphore()  # the standalone proxy serves one call at a time

    def checks(self) -> dict[str, Any]:
        checks = self._round_trip()
        for store in stores_of(self.container):
            error = ping(store)
            checks.update(store=error is None, **({"store_error": error} if error else {}))
        return checks

    def _round_trip(self) -> dict[str, Any]:
        if not self.lock.acquire(timeout=HEALTH_TIMEOUT):
            return {"amqp_consumer": False, "amqp_error": "another check is still waiting"}
        try:
            with eventlet.Timeout(HEALTH_TIMEOUT + 1):
                if self.proxy is None:
                    self.standalone = ServiceRpcProxy(self.container.service_name, self.container.config,
                                                      timeout=HEALTH_TIMEOUT)
                    self.proxy = self.standalone.start()
                return {"amqp_consumer": self.proxy.ping()["ok"] is True}
        except (Exception, eventlet.Timeout) as exc:  # noqa: BLE001 - reported, not raised
            self.close()
            return {"amqp_consumer": False, "amqp_error": type(exc).__name__}
        finally:
            self.lock.release()

    def close(self) -> None:
        standalone, self.standalone, self.proxy = self.standalone, None, None
        if standalone is not None:
            try:
                standalone.stop()
            except Exception:  # noqa: BLE001, S110 - its connection is already gone
                pass


def stores_of(container: Any) -> list[MongoStore]:
    return [d for d in container.dependencies if isinstance(d, MongoStore)]


class OpsServer(DependencyProvider):
    """Serves the probes and /metrics on OPS_HTTP for the life of the container."""

    def setup(self) -> None:
        address = self.container.config.get("OPS_HTTP")
        if not address:
            name = self.container.service_name
            raise ConfigError(f"OPS_HTTP is not set: add `OPS_HTTP: ${{{name.upper()}_OPS_HTTP:127.0.0.1:"
                              f"<port>}}` to services/{name}/config.yaml (the operator port for probes "
                              "and /metrics)")
        host, port = address.rsplit(":", 1)
        self.address = (host, int(port))
        self.watches = [ConsumerWatch(e) for e in self.container.extensions
                        if isinstance(e, QueueConsumer)]
        self.readiness = Readiness(self.container)
        self.socket = self.thread = None

    def start(self) -> None:
        self.socket = eventlet.listen(self.address)
        self.thread = self.container.spawn_managed_thread(self._serve, identifier="ops_http")
        for store in stores_of(self.container):
            STORE_UP.stores[self.container.service_name] = store

    def stop(self) -> None:
        if STORE_UP.stores.get(self.container.service_name) in stores_of(self.container):
            del STORE_UP.stores[self.container.service_name]
        if self.thread is not None:
            self.thread.kill()
            if self.socket is not None:
                self.socket.close()
            self.thread = None
        self.readiness.close()

    def kill(self) -> None:
        self.stop()

    def _serve(self) -> None:
        eventlet.wsgi.server(self.socket, self.wsgi_app, log_output=False)

    def wsgi_app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        return self.respond(Request(environ))(environ, start_response)

    def respond(self, request: Request) -> Response:
        if request.method != "GET":
            return Response("GET only\n", status=405, mimetype="text/plain")
        if request.path == METRICS_PATH:
            body, content_type = exposition()
            return Response(body, content_type=content_type)
        if request.path == LIVE_PATH:
            problems = [p for p in (w.problem() for w in self.watches) if p]
            checks = {"consumer": not problems, **({"problems": problems} if problems else {})}
            return self._health(not problems, checks)
        if request.path == READY_PATH:
            checks = self.readiness.checks()
            return self._health(checks["amqp_consumer"] is True and checks.get("store", True) is True, checks)
        return Response(f"not found; try {LIVE_PATH}, {READY_PATH} or {METRICS_PATH}\n",
                        status=404, mimetype="text/plain")

    def _health(self, ok: bool, checks: dict[str, Any]) -> Response:
        body = {"service": self.container.service_name, "status": "ok" if ok else "failing",
                "checks": checks}
        return Response(dumps(body), status=200 if ok else 503, mimetype="application/json")


class Observable:
    """Mixin: the `ping` RPC the readiness check calls, and the operator port (OpsServer).

    Expects `config` (nameko Config) and, for services that own data, `store`.
    """

    name: str
    ops = OpsServer()
    release = ReleaseAnnouncer()  # says, once started, which release and contract majors run here

    @rpc
    def ping(self) -> dict[str, Any]:
        return {"service": self.name, "ok": True}
