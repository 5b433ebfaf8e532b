"""Dead letters stored before errors were scrubbed are shown scrubbed (a real broker).
The scrubber's patterns and log lines: tests/unit/kit/test_scrub.py."""
import json

import pika

from services.servicekit.deadletters import list_letters
from services.servicekit.scrub import scrub
from tests.unit.kit.test_scrub import SMTP_REFUSAL


def test_dead_letters_from_before_the_scrubber_are_shown_scrubbed(rabbit_config):
    """The operator's page and tools.deadletters list show `summary`: a letter dead-lettered
    with a contact in its x-tl-error (before this fix) shows it redacted."""
    queue = "scrub-test.handler"
    with pika.BlockingConnection(pika.URLParameters(rabbit_config["AMQP_URI"])) as connection:
        channel = connection.channel()
        channel.queue_declare(f"{queue}.dead", durable=True)
        channel.basic_publish("", f"{queue}.dead", json.dumps({"event_id": "ev-1"}).encode(),
                              pika.BasicProperties(headers={"x-tl-error": f"DeliveryFailed: {SMTP_REFUSAL}"}))
    [letter] = list_letters(rabbit_config["AMQP_URI"], queue)
    assert letter["error"] == f"DeliveryFailed: {scrub(SMTP_REFUSAL)}" and "siti" not in letter["error"]
