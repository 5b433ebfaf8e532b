"""What each service's broker user may touch: its configure, write and read regexes, as data.

RabbitMQ checks a user's permissions per resource name: `configure` to declare
or delete an exchange or queue, `write` to publish to an exchange or bind a
queue (the queue), `read` to consume or get from a queue or bind from an
exchange. nameko's names make a service's own resources recognisable:

    nameko-rpc                              the RPC exchange (requests and replies)
    rpc-<service>                           its RPC queue
    rpc.reply-<service>-<uuid>              its reply queues (and the health check's standalone
                                            proxy's, rpc.reply-standalone_rpc_proxy-<uuid>)
    <service>.events                        its event exchange (the outbox publishes there)
    evt-<source>-<event>--<service>.<handler>   a handler's queue, with the kit's
                                            .retry.<ms>ms and .dead queues beside it
    tangerang.shared                        the regions' shared exchange (x-shared contracts)
    amq.default                             the default exchange: the kit sends retries and
                                            dead letters to a queue by name through it, and
                                            RabbitMQ needs write on it to declare a queue that
                                            dead-letters there (all the kit's handler queues);
                                            so a consumer's user can reach any queue by name
                                            through it. Closing that needs the kit's queues to
                                            dead-letter through an exchange of their service's,
                                            which changes their arguments (a queue migration).

So a service can publish only to its own event exchange (and the shared one),
and consume only its own queues; it binds its handlers' queues to the event
exchanges of the sources it listens to (read), and declares those exchanges
(configure: kombu declares a queue's exchange), but cannot publish to them.
`nameko-rpc` is every service's to publish to: who may call what is the signed
caller's (servicekit.caller), not the broker's. Partner users are fenced in
partner_names.py; the Kubernetes Users and Permissions are generated from here
(`python -m tools.broker_users`, tests/ops/test_manifests.py keeps them equal).
"""
from typing import TypedDict

from services.platform.partner_names import QUEUE_PREFIX, UPLINK_EXCHANGE_NAME, UPLINK_QUEUE
from services.servicekit.outbox import SHARED_EXCHANGE_NAME

RPC_EXCHANGE = "nameko-rpc"
DEFAULT_EXCHANGE = "amq.default"
UUID = "[0-9a-f-]{36}"
NAME = "[a-z][a-z0-9_]*"


class Spec(TypedDict):
    """What a service does on the broker besides its RPC."""
    consumes: tuple[str, ...]  # whose events its handlers consume
    outbox: bool  # publishes to its own exchange (and, for x-shared contracts, the shared one)


# Whose events each service's handlers consume, and whether it has an outbox
# (which publishes to its own exchange and, for x-shared contracts, the shared one).
SERVICES: dict[str, Spec] = {
    "aspirasi": {"consumes": (), "outbox": True},
    "pencaker": {"consumes": (), "outbox": True},
    "prices": {"consumes": (), "outbox": True},
    "news": {"consumes": ("news",), "outbox": True},  # syndication reads its own articles' events
    "notifications": {"consumes": ("aspirasi", "pencaker", "prices"), "outbox": False},
}
# The gateway: live views bind to every service's events; onboarding declares the
# partner queues and the uplink; the uplink relay republishes edges' aspirasi events
# (partner_names.UPLINK_SOURCES) and shared ones; the console reads and replays dead letters.
GATEWAY_LIVE_SOURCES = tuple(SERVICES)
GATEWAY_REPUBLISHES = ("aspirasi",)
# {configure, write, read}: a broker user's regexes.
Permissions = dict[str, str]


def _literal(name: str) -> str:
    return name.replace(".", r"\.")  # names here hold only [a-z0-9_.-]


def _any(*names: str) -> str:
    return "^(" + "|".join(names) + ")$"


def _events(*services: str) -> list[str]:
    return [_literal(f"{s}.events") for s in services]


def own_queues(service: str) -> list[str]:
    return [_literal(f"rpc-{service}"),
            rf"rpc\.reply-({_literal(service)}|standalone_rpc_proxy)-{UUID}",
            rf"evt-{NAME}-{NAME}--{_literal(service)}\.{NAME}(\.retry\.[0-9]+ms|\.dead)?"]


def _partner_resources() -> list[str]:
    return [_literal(SHARED_EXCHANGE_NAME), _literal(UPLINK_EXCHANGE_NAME),
            _literal(UPLINK_QUEUE) + r"(\.dead)?", _literal(QUEUE_PREFIX) + r"[0-9]{2}\.[0-9]{2}"]


def gateway_permissions() -> Permissions:
    live = [r"evt-live--gateway\.[A-Za-z0-9_.-]+"]  # one durable queue per replica (live_events.py)
    mine = [_literal(RPC_EXCHANGE), *own_queues("gateway"), *live]
    dead_letters = [rf"evt-{NAME}-{NAME}--{NAME}\.{NAME}\.dead"]
    return {
        "configure": _any(*mine, *_events(*GATEWAY_LIVE_SOURCES), *_partner_resources()),
        "write": _any(*mine, _literal(DEFAULT_EXCHANGE), *_events(*GATEWAY_REPUBLISHES),
                      *_partner_resources()),
        "read": _any(*mine, *_events(*GATEWAY_LIVE_SOURCES), *_partner_resources(), *dead_letters),
    }


def service_permissions(service: str) -> Permissions:
    """{configure, write, read} regexes of `service`'s broker user."""
    if service == "gateway":
        return gateway_permissions()
    spec = SERVICES[service]
    mine = [_literal(RPC_EXCHANGE), *own_queues(service)]
    published = [*_events(service), _literal(SHARED_EXCHANGE_NAME)] if spec["outbox"] else []
    retries = [_literal(DEFAULT_EXCHANGE)] if spec["consumes"] else []
    return {
        "configure": _any(*mine, *published, *_events(*spec["consumes"])),
        "write": _any(*mine, *published, *retries),
        "read": _any(*mine, *_events(*spec["consumes"])),
    }


def all_permissions() -> dict[str, Permissions]:
    return {name: service_permissions(name) for name in ("gateway", *SERVICES)}
