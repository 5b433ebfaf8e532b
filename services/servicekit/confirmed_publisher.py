"""Publishing many messages at once, each settled by the broker's own confirm.

Waiting for each confirm in turn caps a publisher at one broker disk sync per
message. Here callers hand their messages over and wait; one thread owns the
connection, publishes whatever has queued up meanwhile as one batch (every
message persistent), then settles each by the delivery tag of the confirms as
they arrive. Concurrent writers so share the broker's syncs.

A message is delivered only when the broker acked it. One that must reach a
queue is published `mandatory`, and the broker returning it as unroutable is
a failure too; one that may go unheard (an event nobody needs to receive)
is not, since asking costs the broker a third of its confirmed throughput
here. Every failure (nack, return, lost connection, no confirm in time) is
the caller's to keep for a later retry.

Stdlib threads and queues: under eventlet's monkey patching (the services)
they are green, elsewhere (the benchmark, tools) real threads.
"""
import json
import logging
import queue
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

import amqp
from kombu import Connection

log = logging.getLogger(__name__)

BATCH = 2000  # messages published before waiting for their confirms
RECONNECT_DELAY = 1  # seconds between dials while the broker is away
_STOP = object()


@dataclass
class Message:
    exchange: str
    routing_key: str
    body: dict
    message_id: str
    may_go_unheard: bool = False


@dataclass(eq=False)  # hashed by identity
class _Request:
    messages: list
    results: list = None  # per message: True delivered, False not
    done: threading.Event = field(default_factory=threading.Event)


class ConfirmedPublisher:
    def __init__(self, amqp_uri, declare=(), confirm_timeout=10, connect_timeout=3):
        self.amqp_uri = amqp_uri
        self.declare = list(declare)
        self.confirm_timeout = confirm_timeout
        self.connect_timeout = connect_timeout
        self._requests = queue.Queue()
        self._thread = None
        self._lock = threading.Lock()
        self._connection = None
        self._closed = False
        self._next_dial = 0.0
        self._reset_batch()

    def publish(self, messages):
        """Publish `messages` and wait; one True (delivered) or False per message."""
        if not messages or self._closed:
            return [False] * len(messages)
        self._ensure_thread()
        request = _Request(list(messages))
        self._requests.put(request)
        request.done.wait(2 * (self.connect_timeout + self.confirm_timeout))  # a batch ahead, then ours
        return request.results or [False] * len(request.messages)

    def close(self):
        with self._lock:
            self._closed = True
            thread, self._thread = self._thread, None
        if thread is not None:
            self._requests.put(_STOP)
            thread.join(self.confirm_timeout + 5)
        self._disconnect()

    # --- the publishing thread ---------------------------------------------------

    def _ensure_thread(self):
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="confirmed-publisher",
                                                daemon=True)
                self._thread.start()

    def _run(self):
        while True:
            batch = self._next_batch()
            if batch is None:
                return
            try:
                self._publish(batch)
            except Exception as exc:  # noqa: BLE001 - each caller hears of it as a failure
                log.warning("publishing %d messages failed (%s: %s); they are kept for a retry",
                            sum(len(r.messages) for r in batch), type(exc).__name__, exc)
                self._disconnect()
            finally:
                for request in batch:
                    request.results = [r is True for r in request.results or ()] or None
                    request.done.set()
                self._reset_batch()

    def _next_batch(self):
        first = self._requests.get()
        if first is _STOP:
            return None
        batch, count = [first], len(first.messages)
        while count < BATCH:
            try:
                more = self._requests.get_nowait()
            except queue.Empty:
                break
            if more is _STOP:
                self._requests.put(_STOP)  # finish this batch first
                break
            batch.append(more)
            count += len(more.messages)
        return batch

    def _publish(self, batch):
        channel = self._connect()
        for request in batch:
            request.results = [None] * len(request.messages)
            for index, message in enumerate(request.messages):
                self._tag += 1
                self._outstanding[self._tag] = (request, index)
                self._sent[(message.message_id, message.exchange, message.routing_key)].append(
                    (request, index))
                channel.basic_publish(amqp.Message(
                    json.dumps(message.body), content_type="application/json",
                    content_encoding="utf-8", delivery_mode=2, message_id=message.message_id),
                    exchange=message.exchange, routing_key=message.routing_key,
                    mandatory=not message.may_go_unheard)
        deadline = time.monotonic() + self.confirm_timeout
        while self._outstanding:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no confirm for {len(self._outstanding)} messages "
                                   f"within {self.confirm_timeout}s")
            try:
                self._connection.drain_events(timeout=remaining)
            except TimeoutError:
                pass

    def _reset_batch(self):
        self._outstanding = {}  # delivery tag -> (request, index)
        self._sent = defaultdict(deque)  # (message_id, exchange, routing key) -> [(request, index)]
        self._returned = set()

    # --- broker callbacks (on the publishing thread, inside drain_events) ---------

    def _on_return(self, exc, exchange, routing_key, message):
        # A return precedes the ack of the same message, in publish order.
        sent = self._sent.get((message.properties.get("message_id"), exchange, routing_key))
        if sent:
            self._returned.add(sent.popleft())

    def _on_ack(self, tag, multiple):
        self._settle(tag, multiple, acked=True)

    def _on_nack(self, tag, multiple):
        self._settle(tag, multiple, acked=False)

    def _settle(self, tag, multiple, acked):
        for t in sorted(t for t in self._outstanding if t <= tag) if multiple else [tag]:
            request, index = self._outstanding.pop(t, (None, None))
            if request is None:
                continue
            returned = (request, index) in self._returned
            if returned:
                message = request.messages[index]
                log.warning("event %s was unroutable on exchange %r, key %s: no queue is bound "
                            "for it; kept for a retry", message.message_id, message.exchange,
                            message.routing_key)
            request.results[index] = acked and not returned

    # --- the connection ------------------------------------------------------------

    def _connect(self):
        if self._connection is not None and self._connection.connected:
            return self._channel
        self._disconnect()
        if time.monotonic() < self._next_dial:  # no storm of dials at a broker that is down
            raise ConnectionError(f"broker unreachable; next try within {RECONNECT_DELAY}s")
        self._next_dial = time.monotonic() + RECONNECT_DELAY
        connection = Connection(self.amqp_uri, connect_timeout=self.connect_timeout)
        connection.connect()
        channel = connection.channel()
        for entity in self.declare:
            entity(channel).declare()
        channel.confirm_select()
        channel.events["basic_ack"].add(self._on_ack)
        channel.events["basic_nack"].add(self._on_nack)
        channel.events["basic_return"].add(self._on_return)
        self._connection, self._channel, self._tag = connection, channel, 0
        return channel

    def _disconnect(self):
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.release()
            except Exception:  # noqa: BLE001 - it is gone either way
                pass
