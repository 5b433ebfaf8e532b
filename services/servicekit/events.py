"""Event handlers that retry with backoff, then dead-letter, using RabbitMQ itself.

nameko's `@event_handler` acks the message of a handler that raised (the event
is gone) or, with `requeue_on_error`, puts it straight back (a hot loop).
`@reliable_event_handler` instead moves a failed message along:

    Q ──fails──> Q.retry.<delay>ms ──its TTL runs out, dead-lettered back──> Q
      ──fails after the last delay──> Q.dead     (tools/deadletters.py lists and replays)

Why one delay queue per backoff step: a TTL set on the queue expires messages
in order, whereas per-message TTLs in one shared queue only expire at its
head, so a 120 s retry would hold back a 1 s one queued behind it. The delay
queues are named after their delay, so changing EVENT_RETRY_DELAYS declares
new queues instead of failing on changed queue arguments.

All three are quorum queues (queues.py): a message that kills the handler's
process again and again (so is never acked nor moved on) is dead-lettered
after the delivery limit instead of redelivered forever.

The attempt count travels in the `x-tl-attempts` header and the last failure
in `x-tl-error`, its contacts redacted (servicekit.scrub). The original is
acked only after the broker confirmed its copy, so a crash in between means a
redelivery, never a loss: handlers must stay idempotent (`Repository.apply_once`).

Every event is checked on arrival, before a worker is spawned (arrival.py):
one that breaks its contract, is of a major this release does not read, or
carries a bad `x-tl-attempts`, would fail the same way on every retry, so it
goes straight to `Q.dead`, once, and is counted (a major parked there is
replayed once this side has upgraded). One of a type or source this release
does not know is counted and acked. The handler is given the event with only
the fields its contract names (tolerant reader, reader.py). The gateway's live
feed (live/events.py) makes the same check and drops such an event (a view is
rebuilt by reconciliation, never retried).
"""
import logging
from typing import Any, Callable

from amqp.exceptions import ConnectionError as AmqpConnectionError
from amqp.exceptions import RecoverableConnectionError
from kombu import Connection, Queue
from nameko.amqp.publish import Publisher
from nameko.constants import PERSISTENT
from nameko.events import EventHandler
from prometheus_client import Counter

from services.servicekit.arrival import NOT_MINE, REJECTED, Rejected, checked_event
from services.servicekit.envelope import isoformat, utcnow
from services.servicekit.errors import ConfigError
from services.servicekit.queues import (
    dead_letter_queue_arguments,
    declare,
    handler_queue_arguments,
    retry_queue_arguments,
)
from services.servicekit.scrub import scrub

CONNECTION_ERRORS = (OSError, AmqpConnectionError, RecoverableConnectionError)

log = logging.getLogger(__name__)

RETRY_DELAYS = (1, 5, 30, 120)  # seconds; EVENT_RETRY_DELAYS in a service's config
ATTEMPTS_HEADER = "x-tl-attempts"
ERROR_HEADER = "x-tl-error"
DEAD_AT_HEADER = "x-tl-dead-at"

FAILURES = Counter("tl_event_failures_total", "Failed event deliveries by what happened next",
                   ["service", "handler", "action"])


def retry_queue_name(queue_name: str, delay: float) -> str:
    return f"{queue_name}.retry.{round(delay * 1000)}ms"


def dead_queue_name(queue_name: str) -> str:
    return f"{queue_name}.dead"


def checked_delays(delays: Any) -> tuple[float, ...]:
    if not isinstance(delays, (list, tuple)) or not all(
            isinstance(d, (int, float)) and not isinstance(d, bool) and d > 0 for d in delays):
        raise ConfigError(f"EVENT_RETRY_DELAYS is invalid ({delays!r}): give a list of "
                          "positive seconds, e.g. [1, 5, 30, 120]")
    return tuple(delays)


def attempts_so_far(headers: dict[str, Any] | None) -> int:
    """The `x-tl-attempts` count a message carries (0 when absent), or Rejected."""
    value = (headers or {}).get(ATTEMPTS_HEADER, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Rejected("attempts_header", f"{ATTEMPTS_HEADER} is {value!r}, not a count of 0 or more")
    return value


def arrival(body: Any, headers: dict[str, Any] | None, source: str | None, event_type: str | None,
            service: str, stream: str) -> tuple[dict[str, Any] | None, Rejected | None]:
    """(the event as this release reads it, None), or (None, why it is refused on arrival:
    its contract, its stream, its major, a bad `x-tl-attempts`), counted in
    tl_events_rejected_total, or tl_events_not_mine_total for a type or source it does not know."""
    try:
        event = checked_event(body, source, event_type)
        attempts_so_far(headers)
    except Rejected as exc:
        if exc.reason == "not_mine":
            NOT_MINE.labels(service, stream).inc()
        else:
            REJECTED.labels(service, stream, exc.reason).inc()
        return None, exc
    return event, None


def refused_on_arrival(body: Any, headers: dict[str, Any] | None, source: str | None,
                       event_type: str | None, service: str, stream: str) -> Rejected | None:
    """Why an event is refused on arrival (see `arrival`), None for one to handle."""
    return arrival(body, headers, source, event_type, service, stream)[1]


class ReliableEventHandler(EventHandler):
    def __init__(self, source_service: str, event_type: str, retry_delays: Any = None,
                 **kwargs: Any) -> None:
        """`retry_delays` (seconds) overrides the service's EVENT_RETRY_DELAYS."""
        self.retry_delays = retry_delays
        super().__init__(source_service, event_type, **kwargs)

    def setup(self) -> None:
        super().setup()
        config = self.container.config
        self.delays = checked_delays(self.retry_delays if self.retry_delays is not None
                                     else config.get("EVENT_RETRY_DELAYS", RETRY_DELAYS))
        name = self.queue.name
        if not (self.queue.auto_delete or self.queue.exclusive):  # a queue that holds work
            self.queue.queue_arguments = handler_queue_arguments(dead_queue_name(name))
        self.retry_queues = [
            Queue(retry_queue_name(name, delay), durable=True,
                  queue_arguments=retry_queue_arguments(round(delay * 1000), name))
            for delay in self.delays]
        self.dead_queue = Queue(dead_queue_name(name), durable=True,
                                queue_arguments=dead_letter_queue_arguments())
        self.publisher = Publisher(
            config["AMQP_URI"], use_confirms=True, mandatory=True, delivery_mode=PERSISTENT,
            serializer="json", declare=[*self.retry_queues, self.dead_queue])
        self.declare_queues()

    def declare_queues(self) -> None:
        # Declared up front so an operator finds an (empty) dead-letter queue,
        # and an old queue of the same name is one clear line. In setup, before
        # the queue consumer starts: refused by the broker, it would wait forever.
        with Connection(self.container.config["AMQP_URI"]) as connection:
            for queue in [self.dead_queue, *self.retry_queues, self.queue]:
                channel = connection.channel()  # a refused declaration closes its channel
                try:
                    declare(queue, channel)
                finally:
                    if channel.is_open:
                        channel.close()

    def handle_message(self, body: Any, message: Any) -> None:
        event, refused = arrival(body, message.headers, self.source_service, self.event_type,
                                 self.container.service_name, self.method_name)
        if refused is not None and refused.reason == "not_mine":
            log.info("%s: dropped an event this release does not know: %s", self.method_name, refused)
            self._settle(self.queue_consumer.ack_message, message)
            return
        if refused is not None:
            self.refuse(message, refused)
            return
        # the handler gets only the fields this release's contract names (reader.py)
        super().handle_message(event, message)

    def handle_result(self, message: Any, worker_ctx: Any, result: Any = None,
                      exc_info: Any = None) -> tuple[Any, Any]:
        if exc_info is None:
            self._settle(self.queue_consumer.ack_message, message)
            return result, exc_info
        try:
            self._retry_or_bury(message, exc_info[1])
        except Exception:  # noqa: BLE001 - the broker keeps the message instead
            log.exception("%s: could not move a failed event on; it goes back to %s",
                          self.method_name, self.queue.name)
            self._settle(self.queue_consumer.requeue_message, message)
        else:
            self._settle(self.queue_consumer.ack_message, message)
        return result, exc_info

    def refuse(self, message: Any, exc: Exception) -> None:
        # Retrying cannot fix it: straight to the dead-letter queue, and only once.
        target = dead_queue_name(self.queue.name)
        headers = {**(message.headers or {}), ERROR_HEADER: scrub(f"refused on arrival: {exc}")[:500],
                   DEAD_AT_HEADER: isoformat(utcnow())}
        try:
            self.publisher.publish(message.payload, routing_key=target, headers=headers)
        except Exception:  # noqa: BLE001 - the broker keeps the message instead
            log.exception("%s: could not dead-letter a refused event; it goes back to %s",
                          self.method_name, self.queue.name)
            self._settle(self.queue_consumer.requeue_message, message)
            return
        log.error("%s: event refused on arrival, dead-lettered to %s: %s", self.method_name,
                  target, headers[ERROR_HEADER])
        FAILURES.labels(self.container.service_name, self.method_name, "dead").inc()
        self._settle(self.queue_consumer.ack_message, message)

    def _settle(self, settle: Callable[[Any], Any], message: Any) -> None:
        # An ack that dies with the connection must not kill the container: the
        # broker redelivers the unacknowledged message once the consumer is back,
        # and the handler's apply_once makes the second delivery change nothing.
        try:
            settle(message)
        except CONNECTION_ERRORS as exc:
            log.warning("%s: connection lost before the broker heard back (%s); it will "
                        "redeliver the event", self.method_name, type(exc).__name__)

    def _retry_or_bury(self, message: Any, exc: BaseException) -> None:
        headers = dict(message.headers or {})
        attempts = int(headers.get(ATTEMPTS_HEADER, 0)) + 1
        headers[ATTEMPTS_HEADER] = attempts
        headers[ERROR_HEADER] = scrub(f"{type(exc).__name__}: {exc}")[:500]  # no contact in headers
        event_id = (message.payload or {}).get("event_id") if isinstance(message.payload, dict) else None
        if attempts <= len(self.delays):
            delay = self.delays[attempts - 1]
            target, action = retry_queue_name(self.queue.name, delay), "retry"
            log.warning("%s failed on event %s (attempt %d of %d), retrying in %gs: %s",
                        self.method_name, event_id, attempts, len(self.delays) + 1, delay,
                        headers[ERROR_HEADER])
        else:
            headers[DEAD_AT_HEADER] = isoformat(utcnow())
            target, action = dead_queue_name(self.queue.name), "dead"
            log.error("%s failed on event %s %d times; dead-lettered to %s (inspect with "
                      "`python -m tools.deadletters list %s`): %s", self.method_name, event_id,
                      attempts, target, self.queue.name, headers[ERROR_HEADER])
        self.publisher.publish(message.payload, routing_key=target, headers=headers)
        FAILURES.labels(self.container.service_name, self.method_name, action).inc()


reliable_event_handler = ReliableEventHandler.decorator
