"""Make sure a RabbitMQ broker and a MongoDB-protocol store are reachable.

Used by `make run` and by the test suite, so both start things the same way:
  * AMQP_URI / MONGO_URI set: use them, only check they answer;
  * else a Docker engine answers: testcontainers (rabbitmq:3-management, mongo:7);
  * else local servers: the RabbitMQ system package (installed with apt when
    missing and we are root) and the embedded nx-27017 store (MongoDB wire
    protocol over SQLite) from the virtualenv.
"""
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import requests

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672/"
MACHINE_API = DEFAULT_API = "http://guest:guest@127.0.0.1:15672"
MACHINE_METRICS = "http://127.0.0.1:15692"
MACHINE_PLUGINS = ("rabbitmq_management", "rabbitmq_prometheus", "rabbitmq_shovel",
                   "rabbitmq_shovel_management")
BROKER_WAIT = int(os.environ.get("TL_BROKER_WAIT", "120"))  # s; a loaded machine boots Erlang slowly
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class BackingError(SystemExit):
    """A one-line explanation of what is missing and how to fix it."""

    def __init__(self, message):
        super().__init__(f"backing services: {message}")


def die_with_parent():
    """`preexec_fn` for the processes we start: SIGTERM reaches the child when the process
    that started it ends (Linux), so a test run killed by a timeout leaves no services,
    store or SMS daemon behind on the shared machine."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def port_open(host, port, timeout=0.5):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_port(host, port, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if port_open(host, port):
            return
        time.sleep(0.2)
    raise BackingError(f"{what} did not open {host}:{port} within {seconds}s")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def docker_available():
    try:
        import docker
        docker.from_env(timeout=2).ping()
        return True
    except Exception:  # noqa: BLE001 - no engine, no client library: same answer
        return False


@dataclass
class Backing:
    amqp_uri: str
    api_uri: str
    mongo_uri: str
    metrics_uri: str = MACHINE_METRICS
    cleanups: list = field(default_factory=list)

    def env(self):
        return {"AMQP_URI": self.amqp_uri, "MONGO_URI": self.mongo_uri,
                "RABBIT_API_URI": self.api_uri, "RABBIT_METRICS_URI": self.metrics_uri}

    def close(self):
        for cleanup in reversed(self.cleanups):
            cleanup()
        self.cleanups.clear()


def _run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          **kwargs)


def machine_broker_answers(seconds):
    """Whether the machine's broker takes AMQP connections and its management API answers
    within `seconds`. A node still booting opens 5672 late; a wedged one opens it and never
    answers the API: neither can run the tests."""
    deadline = time.monotonic() + seconds
    while True:
        if port_open("127.0.0.1", 5672):
            try:
                if requests.get(f"{MACHINE_API}/api/overview", timeout=5).status_code == 200:
                    return True
            except requests.RequestException:
                pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(1)


def start_machine_broker():
    """Install and start the system package's broker (a fresh machine without one)."""
    if not shutil.which("rabbitmq-server"):
        if os.geteuid() == 0 and shutil.which("apt-get"):
            print("installing rabbitmq-server with apt-get ...", file=sys.stderr)
            _run(["apt-get", "update", "-q"])
            _run(["apt-get", "install", "-y", "-q", "rabbitmq-server"],
                 env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        else:
            raise BackingError(
                "RabbitMQ is not installed: run `sudo apt-get install rabbitmq-server` "
                "or set AMQP_URI to a broker you have")
    if not port_open("127.0.0.1", 5672):
        print("starting rabbitmq-server ...", file=sys.stderr)
        subprocess.run(["rabbitmq-server", "-detached"], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port("127.0.0.1", 5672, BROKER_WAIT, "rabbitmq-server")
    # nameko's test fixtures make a vhost per test through the management API.
    if not port_open("127.0.0.1", 15672):
        subprocess.run(["rabbitmq-plugins", "enable", *MACHINE_PLUGINS],
                       check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port("127.0.0.1", 15672, BROKER_WAIT, "rabbitmq_management")


def ensure_local_rabbitmq():
    """(amqp_uri, api_uri, metrics_uri, stop or None). The machine's broker when it answers
    (waiting for one that is still booting); otherwise a node of our own on free ports, so a
    machine whose broker is wedged still runs the platform and its tests."""
    if machine_broker_answers(2):
        return DEFAULT_AMQP, MACHINE_API, MACHINE_METRICS, None
    try:
        start_machine_broker()
    except BackingError as problem:
        print(f"{problem}", file=sys.stderr)
    if machine_broker_answers(BROKER_WAIT):
        return DEFAULT_AMQP, MACHINE_API, MACHINE_METRICS, None
    from tools.rabbit_node import RabbitNode, can_start_node
    if not can_start_node():
        raise BackingError(f"the broker at 127.0.0.1:5672 did not answer within {BROKER_WAIT}s "
                           "and starting a node of our own needs root: set AMQP_URI")
    print(f"the broker at 127.0.0.1:5672 did not answer within {BROKER_WAIT}s; "
          "starting a RabbitMQ node of our own beside it ...", file=sys.stderr)
    node = RabbitNode(prefix="tlbacking", plugins=MACHINE_PLUGINS[:1] + MACHINE_PLUGINS[2:],
                      metrics=True).start(seconds=BROKER_WAIT)
    return node.amqp_uri, node.api_uri, node.metrics_uri, node.stop


def start_embedded_store(port=None, data_dir=None):
    """Start nx-27017; returns (uri, stop). `data_dir=None` keeps data in memory."""
    port = port or free_port()
    exe = Path(sys.executable).with_name("nx-27017")
    if not exe.exists():
        raise BackingError(f"{exe} is missing: run `make venv` to install the pinned dependencies")
    if data_dir:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
    log_file = Path(data_dir or "/tmp") / f"nx-27017-{port}.log"
    proc = subprocess.Popen(
        [str(exe), "--host", "127.0.0.1", "-p", str(port), "--data-dir", str(data_dir or "memory"),
         "--log-file", str(log_file), "--pid-file", f"/tmp/nx-27017-{port}.pid"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=die_with_parent)
    try:
        wait_port("127.0.0.1", port, 20, "the embedded store nx-27017")
    except BackingError:
        proc.kill()
        raise

    def stop():
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()

    return f"mongodb://127.0.0.1:{port}/", stop, proc


def _check_uri_reachable(uri, what):
    parsed = urlparse(uri)
    host, port = parsed.hostname or "127.0.0.1", parsed.port
    port = port or {"amqp": 5672, "amqps": 5671, "mongodb": 27017}.get(parsed.scheme, 0)
    if not port_open(host, port, timeout=3):
        raise BackingError(f"{what} at {uri} does not answer: start it or unset the variable")


def ensure(store_port=None, store_dir=None):
    """Return a Backing whose URIs answer; call .close() to stop what we started."""
    cleanups = []
    amqp_uri = os.environ.get("AMQP_URI")
    api_uri = os.environ.get("RABBIT_API_URI", DEFAULT_API)
    metrics_uri = os.environ.get("RABBIT_METRICS_URI", MACHINE_METRICS)
    mongo_uri = os.environ.get("MONGO_URI")
    use_docker = (not amqp_uri or not mongo_uri) and docker_available()
    if amqp_uri:
        _check_uri_reachable(amqp_uri, "AMQP_URI")
    elif use_docker:
        from testcontainers.rabbitmq import RabbitMqContainer
        container = RabbitMqContainer("rabbitmq:3-management").with_exposed_ports(5672, 15672)
        container.start()
        cleanups.append(container.stop)
        host = container.get_container_host_ip()
        amqp_uri = f"amqp://guest:guest@{host}:{container.get_exposed_port(5672)}/"
        api_uri = f"http://guest:guest@{host}:{container.get_exposed_port(15672)}"
    else:
        amqp_uri, api_uri, metrics_uri, stop_node = ensure_local_rabbitmq()
        if stop_node:
            cleanups.append(stop_node)
    if mongo_uri:
        _check_uri_reachable(mongo_uri, "MONGO_URI")
    elif use_docker:
        from testcontainers.mongodb import MongoDbContainer
        container = MongoDbContainer("mongo:7")
        container.start()
        cleanups.append(container.stop)
        mongo_uri = container.get_connection_url()
    else:
        mongo_uri, stop, _ = start_embedded_store(store_port, store_dir)
        cleanups.append(stop)
    return Backing(amqp_uri, api_uri, mongo_uri, metrics_uri, cleanups)
