"""Work queues are quorum queues with delivery limits, declared by the kit; an old
classic queue of the same name is one clear line, and the migration makes way."""
import json
import os

import pytest
from kombu import Connection
from nameko.dependency_providers import Config

from services.platform.partners import Broker
from services.servicekit.errors import ConfigError
from services.servicekit.events import dead_queue_name, reliable_event_handler, retry_queue_name
from services.servicekit.queues import DELIVERY_LIMIT
from tests.faults.conftest import submitted_event, wait_until
from tools import quorum_migration

QUEUE = "evt-aspirasi-aspirasi_submitted--clerk.on_submitted"


class Clerk:
    name = "clerk"
    config = Config()

    @reliable_event_handler("aspirasi", "aspirasi_submitted", retry_delays=[1])
    def on_submitted(self, event):
        raise RuntimeError("never reached in these tests")


@pytest.fixture
def broker(rabbit_config):
    return Broker(rabbit_config["AMQP_URI"], os.environ["RABBIT_API_URI"])


def test_handler_retry_and_dead_letter_queues_are_quorum_with_a_delivery_limit(
        container_factory, rabbit_config, broker):
    container_factory(Clerk, rabbit_config).start()
    handler, retry, dead = (broker.queue(n) for n in (QUEUE, retry_queue_name(QUEUE, 1),
                                                       dead_queue_name(QUEUE)))
    assert {q["type"] for q in (handler, retry, dead)} == {"quorum"}
    assert handler["arguments"]["x-delivery-limit"] == DELIVERY_LIMIT
    assert handler["arguments"]["x-dead-letter-routing-key"] == dead_queue_name(QUEUE)
    assert retry["arguments"]["x-message-ttl"] == 1000
    assert retry["arguments"]["x-dead-letter-routing-key"] == QUEUE


def test_a_message_returned_past_the_delivery_limit_is_dead_lettered_not_lost(
        container_factory, rabbit_config, broker):
    """A consumer that dies on a message returns it unacked, again and again: past
    the limit the broker moves it to the dead-letter queue."""
    container = container_factory(Clerk, rabbit_config)
    container.start()
    container.stop()  # the queues stay; nobody consumes
    event = submitted_event(seq=9)
    with Connection(rabbit_config["AMQP_URI"]) as conn:
        producer = conn.Producer(serializer="json")
        producer.publish(event, exchange="", routing_key=QUEUE, delivery_mode=2)
        channel = conn.channel()
        for _ in range(DELIVERY_LIMIT + 1):
            message = wait_until(lambda: channel.basic_get(QUEUE), 5, "the message back in its queue")
            channel.basic_reject(message.delivery_tag, requeue=True)  # as a dying consumer does
        dead = wait_until(lambda: channel.basic_get(dead_queue_name(QUEUE), no_ack=True), 5,
                          "the message in the dead-letter queue")
    assert json.loads(dead.body)["event_id"] == event["event_id"]
    assert dead.headers["x-death"][0]["reason"] == "delivery_limit", dead.headers


def test_old_classic_queue_is_one_line_and_the_migration_replaces_it_when_empty(
        container_factory, rabbit_config, broker):
    with Connection(rabbit_config["AMQP_URI"]) as conn:
        conn.default_channel.queue_declare(QUEUE, durable=True, auto_delete=False)
    with pytest.raises(ConfigError) as refused:
        container_factory(Clerk, rabbit_config).start()
    message = str(refused.value)
    assert QUEUE in message and "python -m tools.quorum_migration" in message
    assert broker.queue(QUEUE)["type"] == "classic"  # nothing changed

    assert quorum_migration.migrate(broker) == {"deleted": [QUEUE], "kept": {}}
    container_factory(Clerk, rabbit_config).start()
    assert broker.queue(QUEUE)["type"] == "quorum"
