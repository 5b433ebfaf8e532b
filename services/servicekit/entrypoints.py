"""Nameko's `rpc`, with DomainError declared expected and replies that cannot kill the service.

A citizen's bad input is not a server fault: nameko then logs it as a
warning without a traceback, and metrics count it as a client error.
"""
import logging

from nameko.rpc import Rpc as NamekoRpc

from services.servicekit.errors import DomainError

log = logging.getLogger(__name__)


class Rpc(NamekoRpc):
    """nameko's Rpc, surviving a reply that cannot be sent.

    In nameko a reply publish that fails (the broker restarting) escapes the
    worker and kills the whole container: the process lives on but consumes
    nothing. The caller has its own deadline; the request, never acked, is
    redelivered once the connection is back.
    """

    def handle_result(self, message, worker_ctx, result, exc_info):
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except Exception as exc:  # noqa: BLE001 - nothing here may take the container down
            log.warning("%s: reply not sent (%s: %s); the request will be redelivered",
                        self.method_name, type(exc).__name__, exc)
            return result, exc_info


def rpc(fn=None, **kwargs):
    kwargs.setdefault("expected_exceptions", DomainError)
    decorate = Rpc.decorator(**kwargs)
    return decorate(fn) if fn is not None else decorate
