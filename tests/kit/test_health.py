"""Probes on the operator port: liveness is local and cheap, readiness is the deep check.

Real broker and store; the services run in this process (container_factory).
"""
import time

import eventlet
import pytest
import requests
from nameko.standalone.rpc import ServiceRpcProxy
from pymongo import MongoClient

from services.aspirasi.service import AspirasiService
from services.servicekit.entrypoints import rpc
from services.servicekit.health import CONSUMER_STALE_SECONDS, Observable, OpsServer
from tools.backing import free_port


class Busy(Observable):
    """A service whose single worker can be held, as under full load."""

    name = "busy"
    release = None

    @rpc
    def hold(self):
        Busy.release.wait()
        return True


def ops_of(container):
    return next(d for d in container.dependencies if isinstance(d, OpsServer))


def get(config, path):
    return requests.get(f"http://{config['OPS_HTTP']}{path}", timeout=5)


@pytest.fixture
def aspirasi(container_factory, service_config):
    config = service_config("aspirasi")
    container = container_factory(AspirasiService, config)
    container.start()
    return container, config


def test_probes_and_metrics_answer_on_the_operator_port(aspirasi):
    container, config = aspirasi
    live = get(config, "/health/live")
    assert live.status_code == 200 and live.json()["checks"] == {"consumer": True}
    ready = get(config, "/health/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"amqp_consumer": True, "store": True}
    metrics = get(config, "/metrics")
    assert metrics.status_code == 200 and "tl_entrypoint_calls_total" in metrics.text
    # probes are not traffic: they are not counted as calls
    assert 'entrypoint="GET /health' not in metrics.text
    assert get(config, "/health").status_code == 404
    # nothing of this on the service's other port (aspirasi has no public HTTP at all)
    assert config["OPS_HTTP"] != config["WEB_SERVER_ADDRESS"]


def test_readiness_keeps_one_rpc_proxy(aspirasi):
    container, config = aspirasi
    readiness = ops_of(container).readiness
    assert get(config, "/health/ready").status_code == 200
    first = readiness.standalone
    for _ in range(3):
        assert get(config, "/health/ready").status_code == 200
    assert first is not None and readiness.standalone is first, "a new AMQP connection per check"


def test_a_store_outage_makes_the_service_unready_not_dead(aspirasi):
    container, config = aspirasi
    # every store dependency of the service loses the store (repo, home_counts, ...)
    stores = [d for d in container.dependencies if type(d).__name__ == "MongoStore"]
    real = [store.client for store in stores]
    gone = MongoClient(f"mongodb://127.0.0.1:{free_port()}/", serverSelectionTimeoutMS=300)
    for store in stores:
        store.client = gone
    try:
        ready = get(config, "/health/ready")
        assert ready.status_code == 503 and ready.json()["checks"]["store"] is False
        assert ready.json()["checks"]["amqp_consumer"] is True
        assert get(config, "/health/live").status_code == 200
        assert 'tl_store_up{service="aspirasi"} 0.0' in get(config, "/metrics").text
    finally:
        gone.close()
        for store, client in zip(stores, real, strict=True):
            store.client = client
    assert get(config, "/health/ready").status_code == 200
    assert 'tl_store_up{service="aspirasi"} 1.0' in get(config, "/metrics").text


def test_a_wedged_consumer_loop_fails_liveness(aspirasi):
    container, config = aspirasi
    (watch,) = ops_of(container).watches
    assert watch.connected, "the consumer loop reports itself connected"
    watch.tick -= CONSUMER_STALE_SECONDS + 1  # as if the loop had not run for a minute
    live = get(config, "/health/live")
    assert live.status_code == 503 and "has not looped" in live.json()["checks"]["problems"][0]
    watch.tick = time.monotonic()
    # a loop that is reconnecting (broker away) is not this process's fault
    watch.connected = False
    watch.tick -= CONSUMER_STALE_SECONDS + 1
    assert get(config, "/health/live").status_code == 200


def test_liveness_answers_while_every_worker_is_busy(container_factory, service_config):
    config = {**service_config("aspirasi"), "max_workers": 1}
    container = container_factory(Busy, config)
    container.start()
    Busy.release = eventlet.event.Event()

    def hold():
        with ServiceRpcProxy("busy", config, timeout=20) as busy:
            return busy.hold()
    holder = eventlet.spawn(hold)
    try:
        deadline = time.monotonic() + 10
        while not container._worker_threads:
            assert time.monotonic() < deadline, "the holding call never reached a worker"
            eventlet.sleep(0.05)
        started = time.monotonic()
        assert get(config, "/health/live").status_code == 200
        assert time.monotonic() - started < 1
        ready = get(config, "/health/ready")  # the ping waits for a worker, past its deadline
        assert ready.status_code == 503 and ready.json()["checks"]["amqp_error"] == "RpcTimeout"
    finally:
        Busy.release.send(True)
    assert holder.wait() is True
    assert get(config, "/health/ready").status_code == 200
