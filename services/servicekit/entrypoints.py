"""Nameko's `rpc`, with DomainError declared expected, replies that cannot kill the service,
and the signed caller checked on arrival.

A citizen's bad input is not a server fault: nameko then logs it as a
warning without a traceback, and metrics count it as a client error.
"""
import logging
import sys
from typing import Any, Callable

from nameko.rpc import Rpc as NamekoRpc

from services.servicekit.caller import Caller
from services.servicekit.errors import DomainError, Unauthorized

log = logging.getLogger(__name__)


class Rpc(NamekoRpc):
    """nameko's Rpc, surviving a reply that cannot be sent.

    In nameko a reply publish that fails (the broker restarting) escapes the
    worker and kills the whole container: the process lives on but consumes
    nothing. The caller has its own deadline; the request, never acked, is
    redelivered once the connection is back.
    """

    def handle_message(self, body: Any, message: Any) -> None:
        """A `caller` keyword is verified here, for this service's audience only (a token made
        for another service, or signed by a key that may not sign it, is refused before any
        worker runs); the worker gets the verified Caller. Every RPC takes `caller` by keyword
        only (tests/ops/test_architecture.py), so it cannot slip past as a positional."""
        kwargs = body.get("kwargs") if isinstance(body, dict) else None
        if isinstance(kwargs, dict) and kwargs.get("caller") is not None:
            try:
                caller = Caller.verify(kwargs["caller"], self.container.service_name)
            except Unauthorized:
                self.handle_result(message, None, None, sys.exc_info())
                return
            body = {**body, "kwargs": {**kwargs, "caller": caller}}
        return super().handle_message(body, message)

    def handle_result(self, message: Any, worker_ctx: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except Exception as exc:  # noqa: BLE001 - nothing here may take the container down
            log.warning("%s: reply not sent (%s: %s); the request will be redelivered",
                        self.method_name, type(exc).__name__, exc)
            return result, exc_info


def rpc(fn: Callable[..., Any] | None = None, **kwargs: Any) -> Any:
    kwargs.setdefault("expected_exceptions", DomainError)
    decorate = Rpc.decorator(**kwargs)
    return decorate(fn) if fn is not None else decorate
