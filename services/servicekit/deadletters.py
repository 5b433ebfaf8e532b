"""Dead letters of reliable event handlers: list and replay them (the operator's
console and `python -m tools.deadletters` both use this).

Listing takes the messages without acknowledging them, so closing the
connection puts them all back in order. A replay publishes the event to the
handler's queue with publisher confirms and a fresh retry budget, and only
then removes the dead letter.
"""
import json
from contextlib import contextmanager
from typing import Any, Iterator

import pika
from pika.exceptions import ChannelClosedByBroker, NackError, UnroutableError

from services.servicekit.events import ATTEMPTS_HEADER, DEAD_AT_HEADER, ERROR_HEADER, dead_queue_name
from services.servicekit.scrub import scrub

REPLAYS_HEADER = "x-tl-replays"
DEAD_SUFFIX = ".dead"


class DeadLetterError(Exception):
    """One line for the operator."""


def handler_queue(name: str) -> str:
    return name[: -len(DEAD_SUFFIX)] if name.endswith(DEAD_SUFFIX) else name


def dead_queues(broker: Any) -> list[dict[str, Any]]:
    """[{"queue", "messages"}] of every dead-letter queue of the broker's vhost
    (`broker`: partners.Broker, the management API)."""
    rows = broker.request("GET", "queues", broker.vhost, params={"columns": "name,messages"}) or []
    return sorted(({"queue": handler_queue(r["name"]), "messages": r.get("messages", 0)}
                   for r in rows if r["name"].endswith(DEAD_SUFFIX)), key=lambda q: q["queue"])


@contextmanager
def channel_to(amqp_uri: str) -> Iterator[Any]:
    """A confirming channel; what was not acked goes back to its queue on close."""
    params = pika.URLParameters(amqp_uri)
    params.blocked_connection_timeout = 10
    connection = pika.BlockingConnection(params)
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        yield channel
    finally:
        connection.close()


def fetch(channel: Any, queue: str, limit: int) -> list[tuple[Any, Any, Any]]:
    """Up to `limit` dead letters, unacknowledged: [(delivery_tag, properties, event)]."""
    letters: list[tuple[Any, Any, Any]] = []
    while len(letters) < limit:
        try:
            method, properties, body = channel.basic_get(dead_queue_name(queue), auto_ack=False)
        except ChannelClosedByBroker as exc:
            raise DeadLetterError(f"cannot read {dead_queue_name(queue)}: {exc.reply_text}") from None
        if method is None:
            break
        try:
            event = json.loads(body)
        except ValueError:
            event = {"event_id": None, "raw": body.decode("utf-8", "replace")[:200]}
        letters.append((method.delivery_tag, properties, event))
    return letters


def summary(properties: Any, event: dict[str, Any]) -> dict[str, Any]:
    """What an operator needs to decide on a dead letter (its error's contacts redacted,
    also in letters dead-lettered before errors were scrubbed)."""
    headers = properties.headers or {}
    return {"event_id": event.get("event_id"), "event_type": event.get("event_type", "?"),
            "region": event.get("region", "?"), "attempts": headers.get(ATTEMPTS_HEADER, "?"),
            "dead_at": headers.get(DEAD_AT_HEADER, "?"), "error": scrub(headers.get(ERROR_HEADER, "?"))}


def describe(s: dict[str, Any]) -> str:
    """A summary on one line."""
    return (f"{s['event_id']}  {s['event_type']}  region={s['region']}  attempts={s['attempts']}  "
            f"dead_at={s['dead_at']}  error={s['error']}")


def replay(channel: Any, queue: str, delivery_tag: int, properties: Any, event: dict[str, Any]) -> None:
    headers = {k: v for k, v in (properties.headers or {}).items()
               if k not in (ATTEMPTS_HEADER, ERROR_HEADER, DEAD_AT_HEADER, "x-death")}
    headers[REPLAYS_HEADER] = int(headers.get(REPLAYS_HEADER, 0)) + 1
    try:
        channel.basic_publish("", queue, json.dumps(event).encode(), pika.BasicProperties(
            content_type="application/json", content_encoding="utf-8", delivery_mode=2,
            headers=headers), mandatory=True)
    except (UnroutableError, NackError):
        raise DeadLetterError(f"queue {queue} does not exist or refused the event; is the "
                              "handler's service deployed?") from None
    channel.basic_ack(delivery_tag)


def list_letters(amqp_uri: str, queue: str, limit: int = 1000) -> list[dict[str, Any]]:
    """Summaries of up to `limit` dead letters of the handler queue `queue` (all stay)."""
    with channel_to(amqp_uri) as channel:
        return [summary(p, e) for _, p, e in fetch(channel, handler_queue(queue), limit)]


def replay_letters(amqp_uri: str, queue: str, event_id: str | None = None,
                   limit: int = 1000) -> list[Any]:
    """Replay the dead letter `event_id` (None: all of them); the replayed event ids."""
    queue = handler_queue(queue)
    with channel_to(amqp_uri) as channel:
        chosen = [letter for letter in fetch(channel, queue, limit)
                  if event_id is None or letter[2].get("event_id") == event_id]
        if not chosen:
            raise DeadLetterError(f"no dead letter with event_id {event_id} in {dead_queue_name(queue)}; "
                                  f"see `list {queue}`")
        for delivery_tag, properties, event in chosen:
            replay(channel, queue, delivery_tag, properties, event)
        return [event.get("event_id") for _, _, event in chosen]
