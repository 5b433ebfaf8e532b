"""A service's broker user (broker_permissions) runs its service and reaches nothing else.

On the real broker: a vhost and a user of the test's own, with the permissions the
Kubernetes manifests give that service; the service starts and answers its readiness
check (its RPC queue, reply queue and handlers' queues declared, bound and consumed);
then, as that user, publishing to another service's event exchange or consuming
another service's RPC queue is ACCESS_REFUSED by RabbitMQ, while its own exchanges
take messages. The vhost and the user are deleted afterwards.
"""
import os
import secrets
import uuid
from urllib.parse import quote, urlparse

import pika
import pytest
import requests

from services.platform.broker_permissions import service_permissions
from services.servicekit.store import connect
from tools import backing
from tools.run_platform import start_service, stop_all, wait_healthy

# whose exchange and RPC queue each tries to reach
OTHERS = {"aspirasi": "pencaker", "pencaker": "prices", "prices": "news", "news": "aspirasi",
          "notifications": "aspirasi", "gateway": "news"}
OUTBOX = ("aspirasi", "pencaker", "prices", "news")


class Admin:
    def __init__(self, api_uri):
        self.api = api_uri.rstrip("/") + "/api"

    def put(self, *path, **body):
        url = "/".join([self.api, *(quote(p, safe="") for p in path)])
        requests.put(url, json=body, timeout=10).raise_for_status()

    def delete(self, *path):
        requests.delete("/".join([self.api, *(quote(p, safe="") for p in path)]), timeout=10)


@pytest.fixture
def broker_user(request):
    """(amqp uri as the service's own user, amqp uri as guest) on a new vhost; both gone after."""
    service = request.param
    admin, tag = Admin(os.environ["RABBIT_API_URI"]), uuid.uuid4().hex[:8]
    vhost, user, password = f"perm-{os.getpid()}-{tag}", f"tl-test-{service}-{tag}", secrets.token_hex(16)
    admin.put("vhosts", vhost)
    admin.put("permissions", vhost, "guest", configure=".*", write=".*", read=".*")
    admin.put("users", user, password=password, tags="")
    admin.put("permissions", vhost, user, **service_permissions(service))
    base = urlparse(os.environ["AMQP_URI"])
    at = f"{base.hostname}:{base.port or 5672}/{quote(vhost, safe='')}"
    try:
        yield service, f"amqp://{user}:{password}@{at}", f"amqp://guest:guest@{at}"
    finally:
        admin.delete("users", user)
        admin.delete("vhosts", vhost)


def refused(action):
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as closed:
        action()
    assert closed.value.reply_code == 403 and "ACCESS_REFUSED" in closed.value.reply_text, closed.value
    return closed.value.reply_text


@pytest.mark.parametrize("broker_user", list(OTHERS), indirect=True)
def test_a_service_user_runs_its_service_and_cannot_touch_another_services(broker_user, mongo_uri):
    service, own_uri, guest_uri = broker_user
    other = OTHERS[service]
    databases = {name: f"perm_{uuid.uuid4().hex[:8]}" for name in (f"{service.upper()}_DB", "PLATFORM_DB")}
    env = {**os.environ, "AMQP_URI": own_uri, "MONGO_URI": mongo_uri, "PYTHONUNBUFFERED": "1", **databases,
           f"{service.upper()}_OPS_HTTP": f"127.0.0.1:{backing.free_port()}",
           "GATEWAY_HTTP": f"127.0.0.1:{backing.free_port()}"}
    procs = {service: start_service(service, env)}
    try:
        wait_healthy(procs, env, seconds=60)
        with pika.BlockingConnection(pika.URLParameters(guest_uri)) as guest:  # what exists anyway
            channel = guest.channel()
            channel.exchange_declare(f"{other}.events", "topic", durable=True)
            channel.queue_declare(f"rpc-{other}", durable=True)
        with pika.BlockingConnection(pika.URLParameters(own_uri)) as connection:
            def publish(exchange):
                channel = connection.channel()
                channel.confirm_delivery()
                channel.basic_publish(exchange, "x", b"{}", mandatory=False)
            if service in OUTBOX:  # its outbox declares its exchanges (when it first publishes)
                for exchange in (f"{service}.events", "tangerang.shared"):  # and they take its events
                    connection.channel().exchange_declare(exchange, "topic", durable=True)
                    publish(exchange)
            assert f"{other}.events" in refused(lambda: publish(f"{other}.events"))
            refused(lambda: connection.channel().basic_consume(f"rpc-{other}", lambda *a: None))
            refused(lambda: connection.channel().queue_delete(f"rpc-{other}"))
            refused(lambda: connection.channel().queue_declare(f"evt-{other}-x--{other}.h", durable=True))
    finally:
        stop_all(procs)
        with connect(mongo_uri) as client:
            for name in databases.values():
                client.drop_database(name)
