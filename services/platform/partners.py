"""Partner regions: subscriptions as data, their queues, onboarding, edge links.

Shared events reach `tangerang.shared` as `<source>.<event_type>.<region>`
(see outbox.py). Each region's subscriptions (subscriptions.yaml, changed at
run time in the platform database) become bindings of its durable queue
`tangerang.region.<code>`; a RabbitMQ policy bounds every such queue. The
broker is driven through its management HTTP API (RABBIT_API_URI), the one
interface that can also list bindings, set policies and define shovels.

Each partner region gets its own broker user, `region-<code>`, made by
onboarding (password shown once). It can read only its own queue, write only
to `tangerang.shared` (an edge also to `tangerang.uplink`) and, by RabbitMQ
topic permissions, only with routing keys ending in its own code; it can
configure nothing. So it never reaches `nameko-rpc`, the services' event
exchanges or another region's queue. Users are per node, vhosts per platform:
on a vhost other than "/" (tests, benchmarks) the name ends in `~<vhost>`.

An edge region (own broker, intermittent link) is linked to the hub by two
dynamic shovels that run on the edge broker, ack-mode on-confirm, both
connecting to the hub as the region's own user:
  downlink  hub `tangerang.region.<code>` -> edge exchange `tangerang.downlink`
            (routing keys kept) -> edge `tangerang.region.<code>`
  uplink    edge `tangerang.uplink.<code>` -> hub exchange `tangerang.uplink`,
            key `edge.events.<code>`, `user_id` set to the region's user
The uplink queue collects the edge's aspirasi events (`aspirasi.events`, all
of them: they carry no personal data) and the edge's own shared events. It has
no length bound: nothing a citizen submits at the edge may be dropped. At the
hub, uplink.py checks every uplinked event (publisher, key and envelope name
the edge's region) and republishes it where the hub's outbox would.
"""
import logging
import os
import re
import secrets
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlparse

import requests
import yaml
from prometheus_client.core import GaugeMetricFamily

from services.servicekit.errors import Unavailable, ValidationFailed
from services.servicekit.outbox import SHARED_EXCHANGE_NAME
from services.servicekit.queues import mismatch, region_queue_arguments
from services.servicekit.regions import (
    CODE_PATTERN,
    all_regions,
    get_region,
    platform_db,
    register_region,
    unregister_region,
    validate_region,
)

SUBSCRIPTIONS_FILE = Path(__file__).parent / "subscriptions.yaml"
QUEUE_PREFIX = "tangerang.region."
UPLINK_PREFIX = "tangerang.uplink."
UPLINK_EXCHANGE_NAME = "tangerang.uplink"  # at the hub: where edges' shovels deliver
DOWNLINK_EXCHANGE_NAME = "tangerang.downlink"  # at an edge: where the downlink delivers
USER_PREFIX = "region-"
POLICY_NAME = "tangerang-partner-backlog"
UPLINK_SOURCES = (("aspirasi.events", "#"),)  # (exchange, binding key) the edge sends up
UPLINK_QUEUE = "tangerang.hub.uplink"  # at the hub: what uplink.py checks and republishes
TOPIC_PATTERN = re.compile(r"^([a-z][a-z_]*|\*)\.([a-z][a-z_]*|\*)$")
SELECTOR_PATTERN = re.compile(r"^([0-9]{2}\.([0-9]{2}|\*))$")
API_TIMEOUT = 5

log = logging.getLogger(__name__)


# --- subscriptions: pure ----------------------------------------------------

def queue_name(code):
    return f"{QUEUE_PREFIX}{code}"


def partner_user(code, vhost="/"):
    """Region `code`'s broker user on the platform of `vhost`."""
    return f"{USER_PREFIX}{code}" if vhost == "/" else f"{USER_PREFIX}{code}~{vhost}"


def partner_permissions(code, edge):
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


def parse_subscriptions(raw):
    """[(topic, (selector, ...)), ...] from data, or ValidationFailed naming the entry."""
    if not isinstance(raw, list):
        raise ValidationFailed.field("subscriptions", "must be a list of {topic, from}")
    parsed = []
    for i, item in enumerate(raw):
        where = f"subscriptions[{i}]"
        if not isinstance(item, dict) or set(item) - {"topic", "from"}:
            raise ValidationFailed.field(where, "must be an object with only topic and from")
        topic, sources = item.get("topic"), item.get("from")
        if not isinstance(topic, str) or not TOPIC_PATTERN.match(topic):
            raise ValidationFailed.field(f"{where}.topic", f"{topic!r} is not <source>.<event_type> "
                                         "(lower case, * for any), e.g. prices.price_alert_raised")
        if not isinstance(sources, list) or not sources:
            raise ValidationFailed.field(f"{where}.from", "must be a non-empty list of regions")
        for source in sources:
            if source not in ("*", "host", "province") and not (
                    isinstance(source, str) and SELECTOR_PATTERN.match(source)):
                raise ValidationFailed.field(f"{where}.from", f"{source!r} is not *, host, province, "
                                             "a province like 36.* or a region like 36.02")
        parsed.append((topic, tuple(sources)))
    return parsed


def region_patterns(selector, code, host_codes):
    """The routing-key region part(s) a `from` selector stands for."""
    if selector == "*":
        return ["*.*"]
    if selector == "host":
        return sorted(host_codes)
    if selector == "province":
        return [f"{code[:2]}.*"]
    return [selector]


def binding_keys(code, subscriptions, host_codes):
    """The sorted binding keys of region `code`'s queue."""
    return sorted({f"{topic}.{pattern}"
                   for topic, sources in parse_subscriptions(subscriptions)
                   for source in sources
                   for pattern in region_patterns(source, code, host_codes)})


def topic_matches(pattern, routing_key):
    """AMQP topic matching: `*` is one word, `#` zero or more."""
    def match(p, k):
        if not p:
            return not k
        if p[0] == "#":
            return any(match(p[1:], k[i:]) for i in range(len(k) + 1))
        return bool(k) and p[0] in ("*", k[0]) and match(p[1:], k[1:])
    return match(pattern.split("."), routing_key.split("."))


def subscribed_sources(region_code, domain, event_type="*", subscriptions=None, regions=None):
    """The other regions whose `domain` events `region_code` receives, sorted.

    For live views: "this region's content plus what it subscribes to, marked
    with the source region". `event_type="*"` means any event of the domain.
    Reads the registry and subscriptions unless given; has no side effects.
    """
    regions = list(regions if regions is not None else all_regions())
    if subscriptions is None:
        subscriptions = subscriptions_for(region_code)
    host_codes = [r.code for r in regions if r.host]
    keys = binding_keys(region_code, subscriptions, host_codes)
    sources = set()
    for key in keys:
        topic_source, topic_type, region_pattern = key.split(".", 2)
        if topic_source not in ("*", domain):
            continue
        if event_type != "*" and topic_type not in ("*", event_type):
            continue
        sources.update(r.code for r in regions
                       if r.code != region_code and topic_matches(region_pattern, r.code))
    return sorted(sources)


# --- subscriptions: stored ---------------------------------------------------

@lru_cache(maxsize=1)
def subscription_defaults(path=None):
    data = yaml.safe_load(Path(path or SUBSCRIPTIONS_FILE).read_text())
    parse_subscriptions(data["default"])
    for subs in (data.get("regions") or {}).values():
        parse_subscriptions(subs)
    return data


def subscriptions_for(code):
    """Run-time override, else the file's entry for the region, else the default."""
    db = platform_db()
    if db is not None:
        try:
            doc = db.subscriptions.find_one({"_id": code})
        except Exception as exc:  # noqa: BLE001 - fall back to the file
            log.warning("subscriptions of %s: platform db unreadable (%s)", code, type(exc).__name__)
            doc = None
        if doc:
            return doc["subscriptions"]
    data = subscription_defaults()
    return (data.get("regions") or {}).get(code) or data["default"]


def store_subscriptions(code, subscriptions):
    parse_subscriptions(subscriptions)
    db = platform_db()
    if db is None:
        raise ValidationFailed.field("MONGO_URI", "set it: run-time subscriptions live in the platform db")
    db.subscriptions.replace_one({"_id": code}, {"_id": code, "subscriptions": subscriptions}, upsert=True)


def backlog_policy():
    bound = subscription_defaults()["backlog"]
    return {"max-length": int(bound["max_length"]),
            "message-ttl": int(bound["message_ttl_days"] * 86400 * 1000),
            "overflow": bound["overflow"]}


def host_codes():
    return [r.code for r in all_regions() if r.host]


# --- the broker --------------------------------------------------------------

class Broker:
    """One RabbitMQ vhost, driven through the management HTTP API."""

    def __init__(self, amqp_uri=None, api_uri=None):
        self.amqp_uri = amqp_uri or os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
        self.api = (api_uri or os.environ.get("RABBIT_API_URI", "http://guest:guest@127.0.0.1:15672")
                    ).rstrip("/") + "/api"
        self.vhost = unquote(urlparse(self.amqp_uri).path[1:]) or "/"
        self.session = requests.Session()

    def _url(self, *parts):
        return "/".join([self.api, *(quote(p, safe="") for p in parts)])

    def request(self, method, *parts, ok=(200, 201, 204), **kwargs):
        try:
            response = self.session.request(method, self._url(*parts), timeout=API_TIMEOUT, **kwargs)
        except requests.RequestException as exc:
            raise Unavailable(f"RabbitMQ management API at {self.api} unreachable "
                              f"({type(exc).__name__}); check RABBIT_API_URI") from None
        if response.status_code not in ok:
            raise Unavailable(f"RabbitMQ refused {method} {'/'.join(parts)}: "
                              f"{response.status_code} {response.text[:200]}")
        return response.json() if response.content and response.status_code == 200 else None

    def local_uri(self):
        """This vhost as seen by a shovel running on this broker."""
        return "amqp://" if self.vhost == "/" else "amqp:///" + quote(self.vhost, safe="")

    def declare_exchange(self, name):
        # Matches nameko's and the outbox's declarations: durable topic, not auto-deleted.
        self.request("PUT", "exchanges", self.vhost, name,
                     json={"type": "topic", "durable": True, "auto_delete": False})

    def declare_queue(self, name):
        """A partner's work queue: durable, quorum (queues.py)."""
        try:
            self.request("PUT", "queues", self.vhost, name, json={
                "durable": True, "auto_delete": False, "arguments": region_queue_arguments()})
        except Unavailable as exc:
            if "inequivalent arg" in str(exc):
                raise Unavailable(mismatch(name, "an older classic queue?")) from None
            raise

    def queue(self, name):
        return self.request("GET", "queues", self.vhost, name, ok=(200, 404))

    def bind(self, exchange, queue, key):
        self.request("POST", "bindings", self.vhost, "e", exchange, "q", queue, json={"routing_key": key})

    def bindings(self, exchange, queue):
        rows = self.request("GET", "queues", self.vhost, queue, "bindings") or []
        return [r for r in rows if r["source"] == exchange]

    def unbind(self, exchange, queue, binding):
        self.request("DELETE", "bindings", self.vhost, "e", exchange, "q", queue,
                     binding["properties_key"], ok=(204, 404))

    def user(self, name):
        return self.request("GET", "users", name, ok=(200, 404))

    def put_user(self, name, password):
        self.request("PUT", "users", name, json={"password": password, "tags": ""})

    def delete_user(self, name):
        self.request("DELETE", "users", name, ok=(204, 404))

    def grant(self, name, permissions, topics):
        # Topic rules first: an existing user never has write access without them.
        for topic in topics:
            self.request("PUT", "topic-permissions", self.vhost, name, json=topic)
        self.request("PUT", "permissions", self.vhost, name, json=permissions)

    def close_connections(self, user):
        """Close `user`'s open connections (after a new password, or removal)."""
        rows = self.request("GET", "connections", params={"columns": "name,user"}) or []
        for row in rows:
            if row.get("user") == user:
                self.request("DELETE", "connections", row["name"], ok=(204, 404),
                             headers={"X-Reason": "partner credentials changed"})

    def ensure_policy(self):
        self.request("PUT", "policies", self.vhost, POLICY_NAME, json={
            "pattern": "^" + re.escape(QUEUE_PREFIX), "definition": backlog_policy(),
            "priority": 10, "apply-to": "queues"})

    def queue_depths(self):
        """{queue name: {"messages", "consumers"}} of this vhost's partner queues."""
        rows = self.request("GET", "queues", self.vhost, params={"columns": "name,messages,consumers"})
        return {r["name"]: {"messages": r.get("messages", 0), "consumers": r.get("consumers", 0)}
                for r in rows or [] if r["name"].startswith(QUEUE_PREFIX)}


def ensure_region_queue(broker, code, keys):
    """Declare the queue and make its bindings exactly `keys`.

    New bindings are added before stale ones are removed, and the queue is
    never redeclared differently, so what is queued stays queued.
    """
    queue = queue_name(code)
    broker.declare_exchange(SHARED_EXCHANGE_NAME)
    broker.declare_queue(queue)
    current = broker.bindings(SHARED_EXCHANGE_NAME, queue)
    have = {b["routing_key"] for b in current}
    added = [k for k in keys if k not in have]
    for key in added:
        broker.bind(SHARED_EXCHANGE_NAME, queue, key)
    removed = [b for b in current if b["routing_key"] not in keys]
    for binding in removed:
        broker.unbind(SHARED_EXCHANGE_NAME, queue, binding)
    return {"queue": queue, "bindings": list(keys), "added": added,
            "removed": sorted(b["routing_key"] for b in removed)}


def apply_region(broker, code):
    return ensure_region_queue(broker, code, binding_keys(code, subscriptions_for(code), host_codes()))


def ensure_uplink(broker):
    """The hub's uplink exchange and the queue the relay reads (declared before any edge
    links, so nothing an edge sends up is unroutable)."""
    broker.declare_exchange(UPLINK_EXCHANGE_NAME)
    broker.declare_queue(UPLINK_QUEUE)
    broker.bind(UPLINK_EXCHANGE_NAME, UPLINK_QUEUE, "#")


def apply_all(broker):
    """The policy, the uplink and every registered region's queue (idempotent)."""
    broker.ensure_policy()
    ensure_uplink(broker)
    return {r.code: apply_region(broker, r.code) for r in all_regions()}


def ensure_partner_user(broker, region, new_password=False):
    """Make region's broker user (or give it a new password) and set its permissions.

    Returns {"user", "password"}; the password only when it was made now. It
    is not kept anywhere but in the broker (hashed): hand it to the partner.
    """
    name = partner_user(region.code, broker.vhost)
    password = None
    if new_password or broker.user(name) is None:
        password = secrets.token_hex(24)  # hex: safe unescaped in an AMQP URI
        broker.put_user(name, password)
    if region.edge:
        ensure_uplink(broker)
    broker.grant(name, *partner_permissions(region.code, region.edge))
    if new_password:
        broker.close_connections(name)
    return {"user": name, "password": password}


def new_credentials(code, broker):
    """A new password for region `code`'s broker user (made if missing); old sessions end."""
    region = get_region(code)
    if region.host:
        raise ValidationFailed.field("code", f"{code} is the host region; its services use their own "
                                     "credentials, not a partner user")
    return {"region": code, "broker_user": ensure_partner_user(broker, region, new_password=True)}


# --- onboarding ----------------------------------------------------------------

def parse_categories(raw):
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValidationFailed.field("categories", "must be a list of {code, name, opd}")
    for i, item in enumerate(raw):
        for field in ("code", "name", "opd"):
            value = item.get(field) if isinstance(item, dict) else None
            if not isinstance(value, str) or not value.strip():
                raise ValidationFailed.field(f"categories[{i}].{field}", "is required")
    return raw


def onboard(entry, broker, catalogue=None):
    """Register a region, bind its queue and set up its LAKSA catalogue.

    `entry` holds the region's fields plus optional `subscriptions` (default:
    subscriptions.yaml) and `categories` (added to or replacing template
    ones). `catalogue` is the aspirasi service (`categories`, `set_category`),
    or None to leave the template to be seeded on the region's first use.
    Running it again with the same entry changes nothing.
    """
    if not isinstance(entry, dict):
        raise ValidationFailed.field("body", "must be an object")
    entry = dict(entry)
    subscriptions = entry.pop("subscriptions", None)
    categories = parse_categories(entry.pop("categories", None))
    if subscriptions is not None:
        parse_subscriptions(subscriptions)
    validate_region(entry)  # everything is checked before anything is written
    region = register_region(entry)
    if subscriptions is not None:
        store_subscriptions(region.code, subscriptions)
    broker.ensure_policy()
    topology = apply_region(broker, region.code)
    result = {"region": region.to_dict(), **topology, "categories": None,
              "broker_user": None if region.host else ensure_partner_user(broker, region)}
    if catalogue is not None:
        for item in categories:
            catalogue.set_category(region.code, item["code"].strip(), item["name"].strip(),
                                   item["opd"].strip())
        result["categories"] = len(catalogue.categories(region.code))
    return result


def resubscribe(code, subscriptions, broker):
    get_region(code)
    store_subscriptions(code, subscriptions)
    return apply_region(broker, code)


def offboard(code, broker, purge=False):
    """Unregister a region, stop routing to it and delete its broker user.

    Its queue loses its bindings at once; it is deleted only when empty (or
    with `purge`), so a backlog the region has not fetched yet is not thrown
    away by accident. The region's tickets and other records stay.
    """
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        raise ValidationFailed.field("code", f"{code!r} is not a Kemendagri code; use the form 36.71")
    region = unregister_region(code)
    queue = queue_name(code)
    info = broker.queue(queue)
    backlog = (info or {}).get("messages", 0)
    if info is not None:
        for binding in broker.bindings(SHARED_EXCHANGE_NAME, queue):
            broker.unbind(SHARED_EXCHANGE_NAME, queue, binding)
        if purge or not backlog:
            broker.request("DELETE", "queues", broker.vhost, queue, ok=(204, 404))
    user = partner_user(code, broker.vhost)
    broker.delete_user(user)
    broker.close_connections(user)
    return {"region": region.to_dict(), "queue": queue, "backlog": backlog,
            "queue_deleted": info is not None and (purge or not backlog)}


# --- edge links ------------------------------------------------------------------

def uplink_queue(code):
    return f"{UPLINK_PREFIX}{code}"


def uplink_key(code):
    return f"edge.events.{code}"


def check_hub_uri(hub_uri):
    """Refuse an AMQPS hub URI that would accept any certificate (RabbitMQ's URI TLS options)."""
    parsed = urlparse(hub_uri)
    options = dict(parse_qsl(parsed.query))
    verified = options.get("verify") == "verify_peer" and options.get("cacertfile")
    if parsed.scheme == "amqps" and not verified:
        raise ValidationFailed.field(
            "hub_uri", "an amqps:// hub URI must verify the hub's certificate: add "
            "?cacertfile=/etc/tl-hub-ca/ca.crt&verify=verify_peer&server_name_indication=<hub host>")


def link_edge(edge, code, hub_uri, reconnect_delay=5):
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
                                     "(its broker user then may send up to the hub)")
    hub = urlparse(hub_uri)
    user = partner_user(code, unquote(hub.path[1:]) or "/")
    if unquote(hub.username or "") != user:
        raise ValidationFailed.field("hub_uri", f"connect as region {code}'s own broker user {user} "
                                     "(made by `tools.regions add`; `tools.regions credentials` "
                                     "gives it a new password)")
    edge.ensure_policy()
    for exchange in (SHARED_EXCHANGE_NAME, DOWNLINK_EXCHANGE_NAME, *(e for e, _ in UPLINK_SOURCES)):
        edge.declare_exchange(exchange)
    edge.declare_queue(queue_name(code))
    edge.bind(DOWNLINK_EXCHANGE_NAME, queue_name(code), "#")
    up = uplink_queue(code)
    edge.declare_queue(up)
    for exchange, key in (*UPLINK_SOURCES, (SHARED_EXCHANGE_NAME, f"*.*.{code}")):
        edge.bind(exchange, up, key)
    common = {"src-protocol": "amqp091", "dest-protocol": "amqp091", "ack-mode": "on-confirm",
              "reconnect-delay": reconnect_delay, "src-delete-after": "never"}
    shovels = {
        # Through an exchange, not straight into the queue, so each event keeps its
        # routing key and the edge's consumers can check it against the envelope.
        f"tangerang-down-{code}": {**common, "src-uri": hub_uri, "src-queue": queue_name(code),
                                   "dest-uri": edge.local_uri(), "dest-exchange": DOWNLINK_EXCHANGE_NAME},
        # The hub's broker checks user_id against the connection and the key against
        # the user's topic permissions; the hub's relay (uplink.py) checks the rest.
        f"tangerang-up-{code}": {**common, "src-uri": edge.local_uri(), "src-queue": up,
                                 "dest-uri": hub_uri, "dest-exchange": UPLINK_EXCHANGE_NAME,
                                 "dest-exchange-key": uplink_key(code),
                                 "dest-publish-properties": {"user_id": user}},
    }
    for name, value in shovels.items():
        edge.request("PUT", "parameters", "shovel", edge.vhost, name, json={"value": value})
    return {"region": region.code, "shovels": sorted(shovels)}


def unlink_edge(edge, code):
    for name in (f"tangerang-down-{code}", f"tangerang-up-{code}"):
        edge.request("DELETE", "parameters", "shovel", edge.vhost, name, ok=(204, 404))


def edge_link_status(edge):
    """{shovel name: state} of the shovels running on the edge broker."""
    rows = edge.request("GET", "shovels", edge.vhost) or []
    return {r["name"]: r.get("state") for r in rows}


# --- metrics ---------------------------------------------------------------------

class BacklogCollector:
    """Prometheus gauges of every partner queue's backlog, read at scrape time."""

    def __init__(self, broker):
        self.broker = broker

    def describe(self):
        # Names only: registering must not call the broker.
        return list(self._families())

    def collect(self):
        messages, consumers, limit, up = self._families()
        limit.add_metric([], backlog_policy()["max-length"])
        try:
            depths = self.broker.queue_depths()
            up.add_metric([], 1)
        except Unavailable:
            depths = {}
            up.add_metric([], 0)
        for name, depth in sorted(depths.items()):
            region = name[len(QUEUE_PREFIX):]
            messages.add_metric([region], depth["messages"])
            consumers.add_metric([region], depth["consumers"])
        yield from (messages, consumers, limit, up)

    @staticmethod
    def _families():
        messages = GaugeMetricFamily("tl_partner_backlog_messages",
                                     "Messages waiting in a partner region's queue", labels=["region"])
        consumers = GaugeMetricFamily("tl_partner_backlog_consumers",
                                      "Consumers attached to a partner region's queue", labels=["region"])
        up = GaugeMetricFamily("tl_partner_backlog_up", "1 if the broker answered this scrape")
        limit = GaugeMetricFamily("tl_partner_backlog_limit_messages",
                                  "Bound on each partner queue; the oldest message is dropped beyond it")
        return messages, consumers, limit, up
