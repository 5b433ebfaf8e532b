"""Publishing many messages at once, each settled by the broker's own confirm.

Waiting for each confirm in turn caps a publisher at one broker disk sync per
message. Here callers hand their messages over and wait; one thread owns the
connection, publishes whatever has queued up meanwhile as one batch (every
message persistent), then settles each by the delivery tag of the confirms as
they arrive, releasing each caller once its own messages are settled.
Concurrent writers so share the broker's syncs.

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
from itertools import takewhile
from typing import Any, Iterable

import amqp
from kombu import Connection

log = logging.getLogger(__name__)

BATCH = 2000  # messages awaiting their confirms at most
POLL = 0.005  # seconds between looks for more to publish while confirms are awaited
RECONNECT_DELAY = 1  # seconds between dials while the broker is away
_STOP = object()


def _key(message: "Message") -> tuple[str, str, str]:
    return (message.message_id, message.exchange, message.routing_key)


@dataclass
class Message:
    exchange: str
    routing_key: str
    body: dict
    message_id: str
    may_go_unheard: bool = False


@dataclass(eq=False)  # hashed by identity
class Pending:
    """Messages handed over; `wait()` gives one True (delivered) or False per message."""
    messages: list
    deadline: float  # time.monotonic() after which waiting stops: many waits, one bound
    results: list[bool | None] = field(default_factory=list)
    unsettled: int = 0
    done: threading.Event = field(default_factory=threading.Event)

    def wait(self) -> list[bool]:
        self.done.wait(max(0.0, self.deadline - time.monotonic()))
        return [r is True for r in self.results] if self.done.is_set() else [False] * len(self.messages)


class ConfirmedPublisher:
    def __init__(self, amqp_uri: str, declare: Iterable[Any] = (), confirm_timeout: float = 10,
                 connect_timeout: float = 3) -> None:
        self.amqp_uri = amqp_uri
        self.declare = list(declare)
        self.confirm_timeout = confirm_timeout
        self.connect_timeout = connect_timeout
        self._requests: queue.Queue[Any] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._connection: Any = None
        self._channel: Any = None
        self._closed = False
        self._next_dial = 0.0
        self._reset_batch()

    def publish(self, messages: Iterable[Message]) -> list[bool]:
        """Publish `messages` and wait; one True (delivered) or False per message."""
        return self.submit(messages).wait()

    def submit(self, messages: Iterable[Message]) -> Pending:
        """Hand `messages` over without waiting; its `wait()` returns as their confirms arrive."""
        patience = 2 * (self.connect_timeout + self.confirm_timeout)  # a batch ahead, then ours
        request = Pending(list(messages), time.monotonic() + patience)
        if not request.messages or self._closed:
            request.results = [False] * len(request.messages)
            request.done.set()
            return request
        self._ensure_thread()
        self._requests.put(request)
        return request

    def close(self) -> None:
        with self._lock:
            self._closed = True
            thread, self._thread = self._thread, None
        if thread is not None:
            self._requests.put(_STOP)
            thread.join(self.confirm_timeout + 5)
        self._disconnect()

    # --- the publishing thread ---------------------------------------------------

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                thread = threading.Thread(target=self._run, name="confirmed-publisher", daemon=True)
                thread.start()
                self._thread = thread

    def _run(self) -> None:
        while True:
            first = self._requests.get()
            if first is _STOP:
                return
            batch = [first]  # grows with what is taken on while confirms are awaited
            try:
                self._publish(batch)
            except Exception as exc:  # noqa: BLE001 - each caller hears of it as a failure
                log.warning("publishing %d messages failed (%s: %s); they are kept for a retry",
                            sum(len(r.messages) for r in batch), type(exc).__name__, exc)
                self._disconnect()
            finally:
                for request in batch:
                    if not request.done.is_set():
                        settled = request.results or [None] * len(request.messages)
                        request.results = [r is True for r in settled]
                        request.done.set()
                self._reset_batch()

    def _publish(self, batch: list[Pending]) -> None:
        """Publish `batch`, and whatever queues up meanwhile, until every confirm is in."""
        channel = self._connect()
        batch.extend(self._take_queued(BATCH - len(batch[0].messages)))
        self._send(channel, batch)
        while self._outstanding:
            if len(self._outstanding) < BATCH:
                more = self._take_queued(BATCH - len(self._outstanding))
                batch.extend(more)
                self._send(channel, more)
            _, _, oldest = next(iter(self._outstanding.values()))
            if time.monotonic() - oldest > self.confirm_timeout:
                raise TimeoutError(f"no confirm for {len(self._outstanding)} messages "
                                   f"within {self.confirm_timeout}s")
            try:
                self._connection.drain_events(timeout=POLL)
            except TimeoutError:
                pass

    def _take_queued(self, room: int) -> list[Pending]:
        """Requests queued meanwhile, up to about `room` messages."""
        taken, count = [], 0
        while count < room:
            try:
                more = self._requests.get_nowait()
            except queue.Empty:
                break
            if more is _STOP:
                self._requests.put(_STOP)  # after what is in flight
                break
            taken.append(more)
            count += len(more.messages)
        return taken

    def _send(self, channel: Any, requests: list[Pending]) -> None:
        now = time.monotonic()
        for request in requests:
            request.results = [None] * len(request.messages)
            request.unsettled = len(request.messages)
            for index, message in enumerate(request.messages):
                self._tag += 1
                self._outstanding[self._tag] = (request, index, now)
                self._sent[_key(message)].append((request, index))
                channel.basic_publish(amqp.Message(
                    json.dumps(message.body), content_type="application/json",
                    content_encoding="utf-8", delivery_mode=2, message_id=message.message_id),
                    exchange=message.exchange, routing_key=message.routing_key,
                    mandatory=not message.may_go_unheard)

    def _reset_batch(self) -> None:
        # delivery tag -> (request, index, sent at), oldest first
        self._outstanding: dict[int, tuple[Pending, int, float]] = {}
        # _key(message) -> [(request, index)] awaiting a confirm
        self._sent: defaultdict[tuple[Any, ...], deque[tuple[Pending, int]]] = defaultdict(deque)
        self._returned: set[tuple[Pending, int]] = set()

    # --- broker callbacks (on the publishing thread, inside drain_events) ---------

    def _on_return(self, exc: Any, exchange: str, routing_key: str, message: Any) -> None:
        # A return precedes the ack of the same message, in publish order.
        sent = self._sent.get((message.properties.get("message_id"), exchange, routing_key), ())
        unmarked = [m for m in sent if m not in self._returned]
        if unmarked:
            self._returned.add(unmarked[0])

    def _on_ack(self, tag: int, multiple: bool) -> None:
        self._settle(tag, multiple, acked=True)

    def _on_nack(self, tag: int, multiple: bool) -> None:
        self._settle(tag, multiple, acked=False)

    def _settle(self, tag: int, multiple: bool, acked: bool) -> None:
        # Tags were added in ascending order, so the oldest come first.
        for t in list(takewhile(lambda t: t <= tag, self._outstanding)) if multiple else [tag]:
            found = self._outstanding.pop(t, None)
            if found is None:
                continue
            request, index, _ = found
            message = request.messages[index]
            sent = self._sent[_key(message)]
            sent.remove((request, index))
            if not sent:
                del self._sent[_key(message)]
            returned = (request, index) in self._returned
            if returned:
                self._returned.discard((request, index))
                log.warning("event %s was unroutable on exchange %r, key %s: no queue is bound "
                            "for it; kept for a retry", message.message_id, message.exchange,
                            message.routing_key)
            request.results[index] = acked and not returned
            request.unsettled -= 1
            if not request.unsettled:  # its caller goes on while the batch settles
                request.done.set()

    # --- the connection ------------------------------------------------------------

    def _connect(self) -> Any:
        if self._connection is not None and self._connection.connected:
            return self._channel
        self._disconnect()
        if time.monotonic() < self._next_dial:  # no storm of dials at a broker that is down
            raise ConnectionError(f"broker unreachable; next try within {RECONNECT_DELAY}s")
        self._next_dial = time.monotonic() + RECONNECT_DELAY
        # Socket timeouts: a broker that stops answering must not hang this thread.
        connection = Connection(self.amqp_uri, connect_timeout=self.connect_timeout, transport_options={
            "read_timeout": self.confirm_timeout, "write_timeout": self.confirm_timeout})
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

    def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.collect()  # drops the socket without a closing handshake that could hang
            except Exception:  # noqa: BLE001 - it is gone either way
                pass
