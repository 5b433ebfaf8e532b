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
import os
import sys
import warnings

import pika

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")  # nameko imports it
from services.servicekit.deadletters import (  # noqa: E402
    DeadLetterError,
    describe,
    handler_queue,
    list_letters,
    replay_letters,
)
from services.servicekit.events import dead_queue_name  # noqa: E402
from tools.backing import DEFAULT_AMQP  # noqa: E402


def run(args, out=sys.stdout):
    queue = handler_queue(args.queue)
    if args.command == "list":
        letters = list_letters(args.amqp_uri, queue, args.limit)
        print(f"{dead_queue_name(queue)}: {len(letters)} dead letter(s)"
              + (f" (first {args.limit})" if len(letters) == args.limit else ""), file=out)
        for letter in letters:
            print(describe(letter), file=out)
        return 0
    event_id = args.event_id if args.command == "replay" else None
    for replayed in replay_letters(args.amqp_uri, queue, event_id, args.limit):
        print(f"replayed {replayed} to {queue}", file=out)
    return 0


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
