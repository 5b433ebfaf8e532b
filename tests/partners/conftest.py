import uuid

import pytest

from services.servicekit import partners
from services.servicekit.store import connect


@pytest.fixture
def platform_db(monkeypatch, mongo_uri):
    """A fresh platform database for the run-time registry and subscriptions."""
    name = f"tp_{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("PLATFORM_DB", name)
    client = connect(mongo_uri)
    yield client[name]
    client.drop_database(name)
    client.close()


@pytest.fixture
def broker(rabbit_config):
    """The hub broker: this test's own vhost on the test RabbitMQ."""
    return partners.Broker(rabbit_config["AMQP_URI"])
