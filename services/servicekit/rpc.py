"""RPC calls with a deadline.

Nameko's RPC proxy waits forever for a reply; when a service is down its
requests just queue up. Callers that answer humans need a deadline instead.
"""
import os

import eventlet
from nameko.exceptions import UnknownService

from services.servicekit.errors import Unavailable

# The caller's deadline: long enough for a loaded service to answer, short enough
# that a citizen gets a clear 503 instead of a hanging page.
DEFAULT_TIMEOUT = float(os.environ.get("RPC_TIMEOUT", "2"))


def call(method, *args, timeout=None, **kwargs):
    """Call `proxy.service.method` and raise Unavailable after `timeout` s."""
    timeout = timeout or DEFAULT_TIMEOUT
    try:
        with eventlet.Timeout(timeout):
            return method.call_async(*args, **kwargs).result()
    except (eventlet.Timeout, UnknownService):
        raise Unavailable(
            f"{method.service_name} did not answer within {timeout:g}s; please retry",
            {"service": method.service_name}) from None
