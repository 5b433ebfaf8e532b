import dataclasses
import uuid

import pytest

from services.platform import partners
from services.servicekit.regions import get_region
from services.servicekit.store import connect
from tests.partners.support import as_user


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


@pytest.fixture
def partner_user():
    """Onboarding's broker part: make(hub, code, edge) -> (user, AMQP URI of the hub as that user).

    Broker users belong to the node, not the test's vhost: each is deleted at teardown.
    """
    made = []

    def make(hub, code, edge=False):
        region = dataclasses.replace(get_region(code), edge=edge)
        credentials = partners.ensure_partner_user(hub, region)
        made.append((hub, credentials["user"]))
        return credentials["user"], as_user(hub.amqp_uri, credentials["user"], credentials["password"])
    yield make
    for hub, user in made:
        hub.delete_user(user)
