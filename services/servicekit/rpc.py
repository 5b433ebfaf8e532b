"""RPC calls with a deadline.

Nameko's RPC proxy waits forever for a reply; when a service is down its
requests just queue up. Callers that answer humans need a deadline instead.
"""
import eventlet
from nameko.exceptions import UnknownService

from services.servicekit.errors import Unavailable


def call(method, *args, timeout=2.0, **kwargs):
    """Call `proxy.service.method` and raise Unavailable after `timeout` s."""
    try:
        with eventlet.Timeout(timeout):
            return method.call_async(*args, **kwargs).result()
    except (eventlet.Timeout, UnknownService):
        raise Unavailable(
            f"{method.service_name} did not answer within {timeout:g}s; please retry",
            {"service": method.service_name}) from None
