"""Linking an edge region (own broker, intermittent link) to the hub.

Two dynamic shovels run on the edge broker, ack-mode on-confirm, both
connecting to the hub as the region's own user:
  downlink  hub `tangerang.region.<code>` -> edge exchange `tangerang.downlink`
            (routing keys kept) -> edge `tangerang.region.<code>`
  uplink    edge `tangerang.uplink.<code>` -> hub exchange `tangerang.uplink`,
            key `edge.events.<code>`, `user_id` set to the region's user
The uplink queue collects the edge's aspirasi events (`aspirasi.events`, all
of them: they carry no personal data) and the edge's own shared events. It is
bounded by refusal, never by dropping (UPLINK_POLICY, as overlays/edge/uplink-backlog.yaml
sets it in Kubernetes): past the bound the broker nacks new publishes, and the services'
outbox keeps each event in the store and retries it, so nothing a citizen submits at the
edge is lost and the broker never reaches its disk alarm. At the
hub, uplink.py checks every uplinked event (publisher, key and envelope name
the edge's region) and republishes it where the hub's outbox would.
"""
from typing import Any
from urllib.parse import parse_qsl, unquote, urlparse

from services.platform.broker_api import Broker
from services.platform.partner_names import (
    DOWNLINK_EXCHANGE_NAME,
    UPLINK_EXCHANGE_NAME,
    UPLINK_SOURCES,
    partner_user,
    queue_name,
    uplink_key,
    uplink_queue,
)
from services.servicekit.errors import ValidationFailed
from services.servicekit.outbox import SHARED_EXCHANGE_NAME
from services.servicekit.regions import get_region

UPLINK_POLICY_NAME = "tangerang-uplink-backlog"
UPLINK_POLICY: dict[str, Any] = {"pattern": r"^tangerang\.uplink\.", "priority": 20,
                 "apply-to": "queues", "definition": {"max-length": 200000, "max-length-bytes": 1073741824,
                                                      "overflow": "reject-publish"}}


def check_hub_uri(hub_uri: str) -> None:
    """Refuse an AMQPS hub URI that would accept any certificate (RabbitMQ's URI TLS options)."""
    parsed = urlparse(hub_uri)
    options = dict(parse_qsl(parsed.query))
    verified = options.get("verify") == "verify_peer" and options.get("cacertfile")
    if parsed.scheme == "amqps" and not verified:
        raise ValidationFailed.field(
            "hub_uri", "an amqps:// hub URI must verify the hub's certificate: add "
            "?cacertfile=/etc/tl-hub-ca/ca.crt&verify=verify_peer&server_name_indication=<hub host>",
            code="unverified_tls")


def link_edge(edge: Broker, code: str, hub_uri: str, reconnect_delay: float = 5) -> dict[str, Any]:
    """Define the two shovels on the edge broker `edge` (a Broker).

    `hub_uri` is the hub's AMQP URI as the edge reaches it (with its vhost),
    with the region's own broker user; an amqps:// one must verify the hub's
    certificate. The hub side needs the region onboarded as an edge (its
    queue, its user, the uplink exchange).
    """
    check_hub_uri(hub_uri)
    region = get_region(code)
    if not region.edge:
        raise ValidationFailed.field("code", f"{code} is not an edge region: onboard it with --edge "
                                     "(its broker user then may send up to the hub)", code="not_edge_region")
    hub = urlparse(hub_uri)
    user = partner_user(code, unquote(hub.path[1:]) or "/")
    if unquote(hub.username or "") != user:
        raise ValidationFailed.field("hub_uri", f"connect as region {code}'s own broker user {user} "
                                     "(made by `tools.regions add`; `tools.regions credentials` "
                                     "gives it a new password)", code="wrong_broker_user", user=user)
    _declare_edge_side(edge, code)
    shovels = _shovels(edge, code, hub_uri, user, reconnect_delay)
    for name, value in shovels.items():
        edge.request("PUT", "parameters", "shovel", edge.vhost, name, json={"value": value})
    return {"region": region.code, "shovels": sorted(shovels)}


def _declare_edge_side(edge: Broker, code: str) -> None:
    """The edge broker's exchanges and queues: the region's queue fed by the downlink,
    and the uplink queue collecting what goes up."""
    edge.ensure_policy()
    edge.request("PUT", "policies", edge.vhost, UPLINK_POLICY_NAME, json=UPLINK_POLICY)
    for exchange in (SHARED_EXCHANGE_NAME, DOWNLINK_EXCHANGE_NAME, *(e for e, _ in UPLINK_SOURCES)):
        edge.declare_exchange(exchange)
    edge.declare_queue(queue_name(code))
    edge.bind(DOWNLINK_EXCHANGE_NAME, queue_name(code), "#")
    up = uplink_queue(code)
    edge.declare_queue(up)
    for exchange, key in (*UPLINK_SOURCES, (SHARED_EXCHANGE_NAME, f"*.*.{code}")):
        edge.bind(exchange, up, key)


def _shovels(edge: Broker, code: str, hub_uri: str, user: str,
             reconnect_delay: float) -> dict[str, dict[str, Any]]:
    common = {"src-protocol": "amqp091", "dest-protocol": "amqp091", "ack-mode": "on-confirm",
              "reconnect-delay": reconnect_delay, "src-delete-after": "never"}
    return {
        # Through an exchange, not straight into the queue, so each event keeps its
        # routing key and the edge's consumers can check it against the envelope.
        f"tangerang-down-{code}": {**common, "src-uri": hub_uri, "src-queue": queue_name(code),
                                   "dest-uri": edge.local_uri(), "dest-exchange": DOWNLINK_EXCHANGE_NAME},
        # The hub's broker checks user_id against the connection and the key against
        # the user's topic permissions; the hub's relay (uplink.py) checks the rest.
        f"tangerang-up-{code}": {**common, "src-uri": edge.local_uri(), "src-queue": uplink_queue(code),
                                 "dest-uri": hub_uri, "dest-exchange": UPLINK_EXCHANGE_NAME,
                                 "dest-exchange-key": uplink_key(code),
                                 "dest-publish-properties": {"user_id": user}},
    }


def unlink_edge(edge: Broker, code: str) -> None:
    for name in (f"tangerang-down-{code}", f"tangerang-up-{code}"):
        edge.request("DELETE", "parameters", "shovel", edge.vhost, name, ok=(204, 404))


def edge_link_status(edge: Broker) -> dict[str, Any]:
    """{shovel name: state} of the shovels running on the edge broker."""
    rows = edge.request("GET", "shovels", edge.vhost) or []
    return {r["name"]: r.get("state") for r in rows}
