"""What a partner region is called on the broker, and what its broker user may touch.

Each partner region has a durable queue `tangerang.region.<code>` (bound to
`tangerang.shared` by its subscriptions) and its own broker user,
`region-<code>`. Users are per node, vhosts per platform: on a vhost other
than "/" (tests, benchmarks) the user's name ends in `~<vhost>`. An edge
region also has an uplink queue on its own broker, shovelled to the hub's
`tangerang.uplink` exchange (edge_links.py, uplink.py).
"""
import re
from typing import Any

from services.servicekit.outbox import SHARED_EXCHANGE_NAME

QUEUE_PREFIX = "tangerang.region."
UPLINK_PREFIX = "tangerang.uplink."
UPLINK_EXCHANGE_NAME = "tangerang.uplink"  # at the hub: where edges' shovels deliver
DOWNLINK_EXCHANGE_NAME = "tangerang.downlink"  # at an edge: where the downlink delivers
USER_PREFIX = "region-"
POLICY_NAME = "tangerang-partner-backlog"
UPLINK_SOURCES = (("aspirasi.events", "#"),)  # (exchange, binding key) the edge sends up
UPLINK_QUEUE = "tangerang.hub.uplink"  # at the hub: what uplink.py checks and republishes


def queue_name(code: str) -> str:
    return f"{QUEUE_PREFIX}{code}"


def uplink_queue(code: str) -> str:
    return f"{UPLINK_PREFIX}{code}"


def uplink_key(code: str) -> str:
    return f"edge.events.{code}"


def partner_user(code: str, vhost: str = "/") -> str:
    """Region `code`'s broker user on the platform of `vhost`."""
    return f"{USER_PREFIX}{code}" if vhost == "/" else f"{USER_PREFIX}{code}~{vhost}"


def partner_permissions(code: str, edge: bool) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """(vhost permissions, topic permissions) of region `code`'s broker user.

    Configure nothing (the subscriber and the downlink shovel only check that
    the queue exists); read only its queue; write only to the inter-region
    exchanges, with routing keys `<source>.<event_type>.<code>` (a region code
    has a dot, hence two words). An edge also writes to the uplink exchange.
    """
    exchanges = [SHARED_EXCHANGE_NAME] + ([UPLINK_EXCHANGE_NAME] if edge else [])
    own_keys = r"^[^.]+\.[^.]+\." + re.escape(code) + "$"
    permissions = {"configure": "^$", "read": f"^{re.escape(queue_name(code))}$",
                   "write": "^(" + "|".join(re.escape(e) for e in exchanges) + ")$"}
    # Both exchanges always get a topic rule: an exchange without one would allow every key.
    topics = [{"exchange": e, "read": "^$", "write": own_keys if e in exchanges else "^$"}
              for e in (SHARED_EXCHANGE_NAME, UPLINK_EXCHANGE_NAME)]
    return permissions, topics
