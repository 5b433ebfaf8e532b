"""Receive your region's shared Tangerang Live events into your own systems.

For partner regions' IT staff; run it from a checkout of this repository
(it checks events against `services/servicekit/contracts/`) with its
requirements. It reads your region's durable queue on the hub
(`tangerang.region.<code>`, bound to the topics your region subscribes to) as
your region's own broker user (given once at onboarding) and hands every
event over as one JSON object:

    python -m tools.partner_subscriber --amqp amqps://region-36.02:SECRET@hub.example:5671/ \\
        --region 36.02 --out events.jsonl           # append JSON lines to a file
    ... --region 36.02                              # JSON lines on stdout
    ... --region 36.02 --post https://lebakkab.go.id/hooks/tangerang   # POST each event

Guarantees:
  * a message is acknowledged only after it was handed over (the line written
    and fsync'ed, or the URL answered 2xx); stopping or crashing before that
    leaves it in the queue, and the next run receives it;
  * while the subscriber is stopped the hub keeps the backlog (bounded: the
    oldest events are dropped past the region's limit, 100 000 by default);
  * every handed-over `event_id` is recorded in a small state file
    (--state, default `<queue>.state`), so a message redelivered after a crash
    is acknowledged without being handed over twice. (A crash in the instant
    between hand-over and recording can still repeat that one event: consumers
    that must never see a repeat should also check `event_id`.)
  * a URL that fails is retried with backoff; the event stays queued meanwhile;
  * an event is handed over only if it keeps its contract, its envelope
    region, routing key and publisher (the broker-checked `user_id` of a
    partner) agree, and the records it names (a vacancy LK-3602-..., a price
    alert 36.02:...) are of that region; any other message is written once to the rejected file
    (--rejected, default `<queue>.rejected`, one JSON line with the reason)
    and acknowledged, never handed over and never retried.

Stop with Ctrl-C or SIGTERM; it finishes the event in hand and exits.
"""
import argparse
import json
import logging
import os
import signal
import sys
import time
from collections import deque
from pathlib import Path

import pika
import requests

from services.servicekit.arrival import Rejected, check_partner_event, checked_event

log = logging.getLogger("partner_subscriber")
STATE_KEEP = 100_000  # event ids remembered; far more than a redelivery window


class SeenEvents:
    """The event ids already handed over, kept in an append-only file."""

    def __init__(self, path, keep=STATE_KEEP):
        self.path, self.keep = Path(path), keep
        lines = self.path.read_text().split() if self.path.exists() else []
        self.order = deque(lines[-keep:])
        self.ids = set(self.order)
        if len(lines) > keep:  # compact: rewrite atomically with the newest ids
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text("".join(f"{i}\n" for i in self.order))
            os.replace(tmp, self.path)
        self.handle = self.path.open("a")

    def __contains__(self, event_id):
        return event_id in self.ids

    def add(self, event_id):
        self.handle.write(f"{event_id}\n")
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.ids.add(event_id)
        self.order.append(event_id)
        if len(self.order) > self.keep:
            self.ids.discard(self.order.popleft())


class FileSink:
    def __init__(self, path=None):
        self.handle = open(path, "a") if path else sys.stdout

    def __call__(self, event):
        self.handle.write(json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n")
        self.handle.flush()
        if self.handle is not sys.stdout:
            os.fsync(self.handle.fileno())
        return True


class PostSink:
    def __init__(self, url, timeout=10):
        self.url, self.timeout = url, timeout
        self.session = requests.Session()

    def __call__(self, event):
        try:
            response = self.session.post(self.url, json=event, timeout=self.timeout)
        except requests.RequestException as exc:
            log.warning("POST %s failed (%s); the event stays queued", self.url, type(exc).__name__)
            return False
        if response.ok:
            return True
        log.warning("POST %s answered %s; the event stays queued", self.url, response.status_code)
        return False


class Subscriber:
    def __init__(self, amqp_uri, queue, sink, seen, prefetch=20, rejected=None):
        self.params = pika.URLParameters(amqp_uri)
        self.params.heartbeat = 30
        self.queue, self.sink, self.seen, self.prefetch = queue, sink, seen, prefetch
        self.rejected_path, self.rejected_sink = rejected or f"{queue}.rejected", None
        self.stopping = False
        self.handed_over = self.duplicates = self.rejected = self.not_mine = 0
        self.failures = 0

    def stop(self, *_):
        self.stopping = True

    def run(self):
        """Consume until stopped, reconnecting with backoff when the hub is unreachable."""
        backoff = 1
        while not self.stopping:
            try:
                self._session()
                backoff = 1
            except pika.exceptions.ChannelClosedByBroker as exc:
                if exc.reply_code == 404:
                    raise SystemExit(f"queue {self.queue} does not exist: ask the platform operator "
                                     "to onboard your region") from None
                raise
            except pika.exceptions.AMQPConnectionError as exc:
                log.warning("hub unreachable (%s); retrying in %ss", type(exc).__name__, backoff)
                self._sleep(backoff)
                backoff = min(backoff * 2, 30)

    def _session(self):
        connection = pika.BlockingConnection(self.params)
        try:
            channel = connection.channel()
            channel.queue_declare(self.queue, passive=True)
            channel.basic_qos(prefetch_count=self.prefetch)
            for method, properties, body in channel.consume(self.queue, inactivity_timeout=0.5):
                if self.stopping:
                    break
                if method is not None:
                    self._handle(channel, method, properties, body)
            channel.cancel()  # unacknowledged messages go back to the queue
        finally:
            if connection.is_open:
                connection.close()

    def _checked(self, method, properties, body):
        try:
            event = checked_event(json.loads(body))
        except ValueError:
            raise Rejected("malformed", "the body is not JSON") from None
        check_partner_event(event, method.routing_key, properties.user_id)
        return event

    def _reject(self, channel, method, properties, body, exc):
        log.error("rejected a message (%s); see %s", exc, self.rejected_path)
        if self.rejected_sink is None:  # opened on the first refusal only
            self.rejected_sink = FileSink(self.rejected_path)
        self.rejected_sink({"reason": exc.reason, "detail": exc.detail, "routing_key": method.routing_key,
                            "user_id": properties.user_id, "body": body.decode("utf-8", "replace")})
        channel.basic_ack(method.delivery_tag)
        self.rejected += 1

    def _handle(self, channel, method, properties, body):
        try:
            event = self._checked(method, properties, body)
        except Rejected as exc:
            if exc.reason == "not_mine":  # a newer release's type or source: counted, dropped
                self.not_mine += 1
                channel.basic_ack(method.delivery_tag)
                return
            self._reject(channel, method, properties, body, exc)
            return
        event_id = event["event_id"]
        if event_id in self.seen:
            self.duplicates += 1
            channel.basic_ack(method.delivery_tag)
            return
        # Retried in place, holding the message: a requeue would count against
        # the queue's delivery limit, which is for messages that crash consumers.
        while not self.sink(event):
            self.failures += 1
            if self.stopping:
                channel.basic_nack(method.delivery_tag, requeue=True)
                return
            self._sleep(min(2 ** min(self.failures, 5), 30), channel.connection)
        self.failures = 0
        self.seen.add(event_id)
        channel.basic_ack(method.delivery_tag)
        self.handed_over += 1

    def _sleep(self, seconds, connection=None):
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            if connection is not None:
                connection.sleep(0.1)  # keeps heartbeats going while a message is held
            else:
                time.sleep(0.1)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m tools.partner_subscriber", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--amqp", default=os.environ.get("AMQP_URI"), required="AMQP_URI" not in os.environ,
                   help="the hub's AMQP URI with your credentials and vhost (AMQP_URI)")
    p.add_argument("--region", help="your Kemendagri code, e.g. 36.02")
    p.add_argument("--queue", help="queue to read (default tangerang.region.<region>)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--out", help="append JSON lines to this file (default: stdout)")
    out.add_argument("--post", help="POST each event as JSON to this URL")
    p.add_argument("--state", help="file of handed-over event ids (default <queue>.state)")
    p.add_argument("--rejected", help="JSON lines of refused messages (default <queue>.rejected)")
    p.add_argument("--prefetch", type=int, default=20)
    args = p.parse_args(argv)
    if not args.queue and not args.region:
        p.error("give --region (or --queue)")
    queue = args.queue or f"tangerang.region.{args.region}"
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s partner_subscriber %(levelname)s %(message)s")
    sink = PostSink(args.post) if args.post else FileSink(args.out)
    subscriber = Subscriber(args.amqp, queue, sink, SeenEvents(args.state or f"{queue}.state"),
                            args.prefetch, args.rejected)
    signal.signal(signal.SIGTERM, subscriber.stop)
    signal.signal(signal.SIGINT, subscriber.stop)
    log.info("receiving %s", queue)
    subscriber.run()
    log.info("stopped: %d handed over, %d duplicates skipped, %d rejected", subscriber.handed_over,
             subscriber.duplicates, subscriber.rejected)
    return 0


if __name__ == "__main__":
    sys.exit(main())
