"""Inspect and replay the dead letters of a reliable event handler's queue.

    python -m tools.deadletters list <queue>
    python -m tools.deadletters replay <queue> <event_id>
    python -m tools.deadletters replay-all <queue>

<queue> is the handler's queue (as named in the service's "dead-lettered to"
log line), with or without the `.dead` suffix. Listing takes the messages
without acknowledging them, so closing the connection puts them all back in
order. A replay publishes the event to the handler's queue with publisher
confirms and a fresh retry budget, and only then removes the dead letter.
"""
import argparse
import json
import os
import sys
import warnings

import pika
from pika.exceptions import ChannelClosedByBroker, NackError, UnroutableError

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")  # nameko imports it
from services.servicekit.events import (  # noqa: E402
    ATTEMPTS_HEADER,
    DEAD_AT_HEADER,
    ERROR_HEADER,
    dead_queue_name,
)
from tools.backing import DEFAULT_AMQP  # noqa: E402

REPLAYS_HEADER = "x-tl-replays"


class DeadLetterError(Exception):
    """One line for the operator."""


def handler_queue(name):
    return name[: -len(".dead")] if name.endswith(".dead") else name


def fetch(channel, queue, limit):
    """Up to `limit` dead letters, unacknowledged: [(delivery_tag, properties, event)]."""
    letters = []
    while len(letters) < limit:
        method, properties, body = channel.basic_get(dead_queue_name(queue), auto_ack=False)
        if method is None:
            break
        try:
            event = json.loads(body)
        except ValueError:
            event = {"event_id": None, "raw": body.decode("utf-8", "replace")[:200]}
        letters.append((method.delivery_tag, properties, event))
    return letters


def describe(properties, event):
    headers = properties.headers or {}
    return (f"{event.get('event_id')}  {event.get('event_type', '?')}  "
            f"region={event.get('region', '?')}  attempts={headers.get(ATTEMPTS_HEADER, '?')}  "
            f"dead_at={headers.get(DEAD_AT_HEADER, '?')}  error={headers.get(ERROR_HEADER, '?')}")


def replay(channel, queue, delivery_tag, properties, event):
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


def run(args, out=sys.stdout):
    queue = handler_queue(args.queue)
    params = pika.URLParameters(args.amqp_uri)
    params.blocked_connection_timeout = 10
    connection = pika.BlockingConnection(params)
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        try:
            letters = fetch(channel, queue, args.limit)
        except ChannelClosedByBroker as exc:
            raise DeadLetterError(f"cannot read {dead_queue_name(queue)}: {exc.reply_text}") from None
        if args.command == "list":
            print(f"{dead_queue_name(queue)}: {len(letters)} dead letter(s)"
                  + (f" (first {args.limit})" if len(letters) == args.limit else ""), file=out)
            for _, properties, event in letters:
                print(describe(properties, event), file=out)
            return 0
        chosen = [letter for letter in letters
                  if args.command == "replay-all" or letter[2].get("event_id") == args.event_id]
        if not chosen:
            raise DeadLetterError(f"no dead letter with event_id {args.event_id} in "
                                  f"{dead_queue_name(queue)}; see `list {queue}`")
        for delivery_tag, properties, event in chosen:
            replay(channel, queue, delivery_tag, properties, event)
            print(f"replayed {event.get('event_id')} to {queue}", file=out)
        return 0
    finally:
        connection.close()  # what was not acked goes back to the dead-letter queue


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI", DEFAULT_AMQP))
    parser.add_argument("--limit", type=int, default=1000, help="most dead letters to read")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="show the dead letters").add_argument("queue")
    one = commands.add_parser("replay", help="send one event back to its handler")
    one.add_argument("queue")
    one.add_argument("event_id")
    commands.add_parser("replay-all", help="send every dead letter back").add_argument("queue")
    args = parser.parse_args(argv)
    if args.limit < 1:
        parser.error("--limit must be at least 1")
    try:
        return run(args)
    except DeadLetterError as exc:
        print(f"deadletters: {exc}", file=sys.stderr)
        return 1
    except pika.exceptions.AMQPConnectionError:
        print(f"deadletters: cannot reach RabbitMQ at {args.amqp_uri}; set --amqp-uri or AMQP_URI",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
