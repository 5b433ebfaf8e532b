"""Test harness: backing services, per-test configs, and a whole running platform.

Backing services come from AMQP_URI/MONGO_URI, else testcontainers when a
Docker engine answers, else local servers (tools/backing.py, as `make run`). They are
started only when the run holds a test outside tests/unit/ (unit tests need neither).
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
import os

import eventlet

# Before anything opens a socket, or tests hang. `make mutate` (unit tests only, no socket)
# sets TL_NO_MONKEY_PATCH: mutmut's own timeout thread, in this process, breaks on green locks.
if not os.environ.get("TL_NO_MONKEY_PATCH"):
    eventlet.monkey_patch()

import secrets
import uuid
from pathlib import Path

import pytest
import requests

from services.platform.service_index import SERVICES_DIR
from services.servicekit import caller_keys
from services.servicekit.config import load_config
from services.servicekit.store import connect
from tools import backing
from tools.stack import Platform

UNIT = Path(__file__).resolve().parent / "unit"


def pytest_configure(config):
    # Tokens are signed with a secret from the environment, callers with key pairs: tests
    # make them up (this process holds every private key, to sign as anybody).
    os.environ.setdefault("TL_TOKEN_SECRET", secrets.token_urlsafe(48))
    caller_keys.ensure(os.environ)
    config._backing = None


def needs_backing(items):
    """Only tests outside tests/unit/ may use a broker or the store: a run of unit tests
    alone (`make test-unit`) starts nothing and works with unreachable AMQP_URI/MONGO_URI."""
    return any(not Path(item.path).resolve().is_relative_to(UNIT) for item in items)


def pytest_collection_finish(session):
    """Start the backing services once the run's tests are known, before any fixture runs."""
    config = session.config
    if config.option.collectonly or not needs_backing(session.items):
        return
    stack = backing.ensure()
    config._backing = stack
    os.environ.update(stack.env())
    # nameko's pytest plugin reads these for `rabbit_config` (a vhost per test).
    config.option.RABBIT_AMQP_URI = stack.amqp_uri
    config.option.RABBIT_API_URI = stack.api_uri


def pytest_unconfigure(config):
    stack = getattr(config, "_backing", None)
    if stack is not None:
        stack.close()


@pytest.fixture(scope="session")
def mongo_uri():
    return os.environ["MONGO_URI"]


@pytest.fixture
def db_name():
    return f"t_{uuid.uuid4().hex[:10]}"


@pytest.fixture
def mongo_db(mongo_uri, db_name):
    client = connect(mongo_uri)
    yield client[db_name]
    client.drop_database(db_name)
    client.close()


@pytest.fixture
def service_config(rabbit_config, db_name):
    """The config a service would load, pointed at this test's vhost and database."""
    def make(service):
        config = load_config(SERVICES_DIR / service / "config.yaml")
        config.update(AMQP_URI=rabbit_config["AMQP_URI"], MONGO_DB=db_name,
                      WEB_SERVER_ADDRESS=f"127.0.0.1:{backing.free_port()}",
                      OPS_HTTP=f"127.0.0.1:{backing.free_port()}")
        return config
    return make


@pytest.fixture(scope="session")
def platform(mongo_uri):
    """One running platform for the end-to-end tests, on its own vhost and databases."""
    # The tests stand where the ingress would: one trusted proxy, so each test's
    # X-Forwarded-For is its own client for the rate limits. A bearer token's account is
    # checked at most 2 s stale (60 by default), so refusing a disabled one is seen at once.
    running = Platform.in_new_vhost(os.environ["AMQP_URI"], os.environ["RABBIT_API_URI"],
                                    mongo_uri, "e2e", TRUSTED_PROXIES="1", TOKEN_CHECK_SECONDS="2")
    running.start()
    yield running
    running.stop()


@pytest.fixture
def http():
    with requests.Session() as session:
        yield session


@pytest.fixture
def token():
    """A signed bearer header for a role in a region: token("opd_officer", "36.71")."""
    from services.gateway.access.auth import issue_token

    def make(role, region, subject=None, opd=None):
        value = issue_token(subject or f"{role}@{region}", role, region, opd=opd)
        return {"Authorization": f"Bearer {value}"}
    return make
