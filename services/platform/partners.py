"""Partner regions: one place to import what the platform offers them.

Shared events reach `tangerang.shared` as `<source>.<event_type>.<region>`
(see outbox.py). Each region's subscriptions (subscriptions.yaml, changed at
run time in the platform database) become bindings of its durable queue
`tangerang.region.<code>`; a RabbitMQ policy bounds every such queue. The
broker is driven through its management HTTP API (RABBIT_API_URI).

Each partner region gets its own broker user, `region-<code>`, made by
onboarding (password shown once). It can read only its own queue, write only
to `tangerang.shared` (an edge also to `tangerang.uplink`) and, by RabbitMQ
topic permissions, only with routing keys ending in its own code; it can
configure nothing. So it never reaches `nameko-rpc`, the services' event
exchanges or another region's queue.

The parts, each in its own module:
  partner_names       queue, exchange and user names; a partner user's permissions
  subscriptions       the subscription grammar -> binding keys (pure)
  subscription_store  the file defaults, run-time overrides, what a region receives
  broker_api          Broker, the management HTTP API client
  region_queues       each region's queue bound to its subscriptions; the uplink
  onboarding          onboard (preflight, then the plan) / resubscribe, broker users
  onboarding_profile  the whole profile checked first; time zone from the province
  onboarding_plan     steps as (do, undo) data, run in order, undone in reverse on a failure
  onboarding_steps    the plan: registry, subscriptions, queue, broker user, categories,
                      markets (slot), first region admin
  offboarding         remove / remove --purge, and what it keeps
  edge_links          the shovels linking an edge broker to the hub
  backlog_metrics     the partner queues' backlog gauges
"""
from services.platform.backlog_metrics import BacklogCollector
from services.platform.broker_api import API_TIMEOUT, Broker
from services.platform.edge_links import check_hub_uri, edge_link_status, link_edge, unlink_edge
from services.platform.offboarding import offboard
from services.platform.onboarding import ensure_partner_user, new_credentials, onboard, resubscribe
from services.platform.onboarding_profile import parse_profile
from services.platform.onboarding_steps import Accounts, Catalogue
from services.platform.partner_names import (
    DOWNLINK_EXCHANGE_NAME,
    POLICY_NAME,
    QUEUE_PREFIX,
    UPLINK_EXCHANGE_NAME,
    UPLINK_PREFIX,
    UPLINK_QUEUE,
    UPLINK_SOURCES,
    USER_PREFIX,
    partner_permissions,
    partner_user,
    queue_name,
    uplink_key,
    uplink_queue,
)
from services.platform.region_queues import apply_all, apply_region, ensure_region_queue, ensure_uplink
from services.platform.subscription_store import (
    SUBSCRIPTIONS_FILE,
    backlog_policy,
    host_codes,
    store_subscriptions,
    subscribed_sources,
    subscription_defaults,
    subscriptions_for,
)
from services.platform.subscriptions import (
    SELECTOR_PATTERN,
    TOPIC_PATTERN,
    binding_keys,
    parse_subscriptions,
    region_patterns,
    topic_matches,
)

__all__ = [
    "API_TIMEOUT", "DOWNLINK_EXCHANGE_NAME", "POLICY_NAME", "QUEUE_PREFIX", "SELECTOR_PATTERN",
    "SUBSCRIPTIONS_FILE", "TOPIC_PATTERN", "UPLINK_EXCHANGE_NAME", "UPLINK_PREFIX", "UPLINK_QUEUE",
    "UPLINK_SOURCES", "USER_PREFIX", "Accounts", "BacklogCollector", "Broker", "Catalogue", "apply_all",
    "apply_region", "backlog_policy", "binding_keys", "check_hub_uri", "edge_link_status",
    "ensure_partner_user", "ensure_region_queue", "ensure_uplink", "host_codes", "link_edge",
    "new_credentials", "offboard", "onboard", "parse_profile", "parse_subscriptions",
    "partner_permissions", "partner_user", "queue_name", "region_patterns", "resubscribe",
    "store_subscriptions", "subscribed_sources", "subscription_defaults", "subscriptions_for",
    "topic_matches", "unlink_edge", "uplink_key", "uplink_queue",
]
