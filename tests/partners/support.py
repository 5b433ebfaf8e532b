"""Helpers of the partner-region tests: shared events, publishing, peeking at queues."""
import json
from urllib.parse import quote, urlparse

from amqp import Message
from kombu import Connection
from nameko.amqp.publish import Publisher
from nameko.constants import PERSISTENT
from nameko.events import get_event_exchange

from services.servicekit.arrival import RECORD_REGION
from services.servicekit.envelope import contract, envelope_region_fields, new_event
from services.servicekit.outbox import shared_exchange, shared_routing_key


def shared_event(event_type, region):
    """A contract-valid event of `event_type` from `region`: the contract's example payload,
    its records (`x-envelope-region` fields: LK-3671-..., 36.02:pasar-...) made `region`'s own."""
    example = contract(event_type)["x-example"]
    payload = {**example["payload"], **{field: localized(example["payload"][field], region)
                                        for field in envelope_region_fields(event_type)
                                        if field in example["payload"]}}
    return new_event(event_type, example["source"], region, payload)


def localized(record_id, region):
    """`record_id` naming `region` instead (LK-3671-2026-000042 of 36.02: LK-3602-2026-000042)."""
    found = RECORD_REGION.match(record_id)
    named = record_id[found.start(1):found.end(2)]
    return record_id[:found.start(1)] + (region if "." in named else region.replace(".", "")) + \
        record_id[found.end(2):]


def submitted_event(region, sequence):
    """An aspirasi_submitted envelope, as the aspirasi service makes it."""
    digits = region.replace(".", "")
    return new_event("aspirasi_submitted", "aspirasi", region, {
        "number": f"LAKSA-{digits}-2026-{sequence:06d}", "category": "banjir",
        "opd": "Dinas Pekerjaan Umum dan Penataan Ruang", "submitted_at": "2026-11-27T03:00:00+00:00",
        "location": {"lat": -6.36, "long": 106.25}})


def as_user(amqp_uri, user, password, port=None):
    """`amqp_uri` with another user's credentials (and, for a cut-able link, another port)."""
    uri = urlparse(amqp_uri)
    return uri._replace(netloc=f"{quote(user, safe='')}:{password}@{uri.hostname}:"
                               f"{port or uri.port or 5672}").geturl()


def publish_shared(amqp_uri, *events):
    """Publish as the outbox does: persistent, confirmed, `<source>.<type>.<region>`."""
    publisher = Publisher(amqp_uri, use_confirms=True, delivery_mode=PERSISTENT, serializer="json",
                          declare=[shared_exchange])
    for event in events:
        publisher.publish(event, exchange=shared_exchange, routing_key=shared_routing_key(event))


def publish_raw(amqp_uri, body, exchange, routing_key, **properties):
    """Publish as a partner's own program could (confirmed); a broker refusal raises.

    `body` is sent as JSON unless it is bytes; `properties` are AMQP properties (user_id, headers).
    """
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        channel = connection.channel()
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        channel.basic_publish(Message(data, content_type="application/json", delivery_mode=2,
                                      **properties), exchange=exchange, routing_key=routing_key)


def publish_service_event(amqp_uri, *events):
    """Publish on the source service's own event exchange, as the outbox does."""
    for event in events:
        exchange = get_event_exchange(event["source"], {})
        Publisher(amqp_uri, use_confirms=True, delivery_mode=PERSISTENT, serializer="json",
                  declare=[exchange]).publish(event, exchange=exchange, routing_key=event["event_type"])


def peek(broker, queue, count=1000):
    """The events waiting in `queue`, left in place (management API get, requeue)."""
    rows = broker.request("POST", "queues", broker.vhost, queue, "get", json={
        "count": count, "ackmode": "ack_requeue_true", "encoding": "auto"}) or []
    return [json.loads(r["payload"]) for r in rows]
