"""RPC calls with a deadline.

Nameko's RPC proxy waits forever for a reply; when a service is down its
requests just queue up. Callers that answer humans need a deadline instead.
"""
import logging
import os
from typing import Any

import eventlet
from nameko.exceptions import UnknownService
from nameko.rpc import ReplyListener as NamekoReplyListener
from nameko.rpc import RpcProxy as NamekoRpcProxy

from services.servicekit.caller import Caller
from services.servicekit.errors import Unavailable
from services.servicekit.events import CONNECTION_ERRORS

log = logging.getLogger(__name__)

# The caller's deadline: long enough for a loaded service to answer, short enough
# that a citizen gets a clear 503 instead of a hanging page.
DEFAULT_TIMEOUT = float(os.environ.get("RPC_TIMEOUT", "2"))


def call(method: Any, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
    """Call `proxy.service.method` and raise Unavailable after `timeout` s.

    A `Caller` given as `caller=` is signed here, for the service called alone."""
    timeout = timeout or DEFAULT_TIMEOUT
    if isinstance(kwargs.get("caller"), Caller):
        kwargs["caller"] = kwargs["caller"].sign(method.service_name)
    try:
        with eventlet.Timeout(timeout):
            return method.call_async(*args, **kwargs).result()
    except (eventlet.Timeout, UnknownService):
        raise Unavailable(
            f"{method.service_name} did not answer within {timeout:g}s; please retry",
            {"service": method.service_name}) from None


class ReplyListener(NamekoReplyListener):
    """nameko's reply listener, surviving an ack lost with the connection.

    nameko acks each reply before handing it over, and an ack that fails (the
    broker restarting) kills the whole container. Here the reply still reaches
    its caller; the broker redelivers the unacked copy, which is then ignored
    (its correlation id is no longer awaited).
    """

    def handle_message(self, body: Any, message: Any) -> None:
        try:
            self.queue_consumer.ack_message(message)
        except CONNECTION_ERRORS as exc:
            log.warning("reply ack lost with the connection (%s)", type(exc).__name__)
        waiting = self._reply_events.pop(message.properties.get("correlation_id"), None)
        if waiting is not None:
            waiting.send(body)


class RpcProxy(NamekoRpcProxy):
    rpc_reply_listener = ReplyListener()
