"""Unit tests: domains, handlers and the kit with no broker and no store.

`make test-unit` runs them with unreachable AMQP_URI/MONGO_URI, and the root conftest
starts no backing service when only tests/unit/ is collected. The fixtures that reach
a broker, the store or a running platform are replaced here by ones that fail at once,
naming the way out, rather than hanging on a connection that never opens; the
region registry is the file alone (no MONGO_URI inside a unit test); and a network
connection a unit test opens (HTTP, a broker, a store) fails the test at once.
Each tests/unit/<area>/ is a package (an __init__.py), as tests/<area>/ are.
"""
import socket

import eventlet.patcher
import pytest

BACKED = ("rabbit_config", "rabbit_manager", "vhost_pipeline", "amqp_uri", "rabbit_ssl_config",
          "get_message_from_queue", "mongo_uri", "mongo_db", "service_config", "platform",
          "http", "container_factory", "runner_factory")


def _refused(name):
    @pytest.fixture(name=name)
    def refuse():
        pytest.fail(f"tests/unit/ gets no `{name}`: a unit test uses a fake repository and "
                    "worker_factory (no broker, store or platform); a test that needs one "
                    "belongs outside tests/unit/", pytrace=False)
    return refuse


for _name in BACKED:
    globals()[f"_no_{_name}"] = _refused(_name)


@pytest.fixture(autouse=True)
def _registry_is_the_file(monkeypatch):
    """Without MONGO_URI the region registry is regions.yaml alone (servicekit.regions):
    no unit test waits on, or reads, a platform database."""
    monkeypatch.delenv("MONGO_URI", raising=False)


NETWORK = (socket.AF_INET, socket.AF_INET6)
# eventlet's green socket (what the monkey-patched `socket` module makes) and the stdlib's.
SOCKET_CLASSES = {socket.socket, eventlet.patcher.original("socket").socket}


def _guarded(connect):
    def refuse(sock, address, *args, **kwargs):
        if getattr(sock, "family", None) in NETWORK:
            pytest.fail(f"a unit test opened a network connection (to {address!r}): fake the "
                        "repository or the client instead, or move the test out of tests/unit/",
                        pytrace=False)
        return connect(sock, address, *args, **kwargs)
    return refuse


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    for cls in SOCKET_CLASSES:
        for name in ("connect", "connect_ex"):
            monkeypatch.setattr(cls, name, _guarded(getattr(cls, name)))
