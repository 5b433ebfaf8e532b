"""The hub's record of each region's last-seen release (announced by its services).

Every service announces its release and contract majors as it starts
(servicekit/announce.py) on `tangerang.shared` as `<service>.release_announced.<region>`;
an edge's come up through the uplink relay, which republishes them there. Here the hub's
gateway reads them from its own durable queue `tangerang.hub.releases`, checks each as
any inter-region event (its contract; envelope region, routing key and publisher agree:
a partner cannot announce for another region) and keeps, per region and service,
{release, contracts, service, seen_at} in the platform database (`region_releases`).

An announcement refused is counted and dropped, not parked: it says nothing a later
start will not say again. `region_release` sums up a region for the operator: the release
last announced, and whether every service of it is inside the supported window
(release.supported: N and N-1).
"""
import logging
from typing import Any

import eventlet
from kombu import Connection, Queue
from kombu.mixins import ConsumerMixin
from nameko.extensions import DependencyProvider
from prometheus_client import Counter

from services.servicekit.arrival import (
    NOT_MINE,
    PARTNER_REJECTED,
    REJECTED,
    Rejected,
    check_partner_event,
    checked_event,
)
from services.servicekit.envelope import as_utc, isoformat
from services.servicekit.outbox import shared_exchange
from services.servicekit.queues import region_queue_arguments
from services.servicekit.regions import platform_db
from services.servicekit.release import supported

log = logging.getLogger(__name__)

QUEUE = "tangerang.hub.releases"
COLLECTION = "region_releases"
RETRY_AFTER = 1  # seconds before an announcement the store refused is tried again
release_queue = Queue(QUEUE, exchange=shared_exchange, routing_key="*.release_announced.#", durable=True,
                      queue_arguments=region_queue_arguments())
RECORDED = Counter("tl_region_releases_recorded_total", "Release announcements recorded, by region",
                   ["region"])


def record(db: Any, event: dict[str, Any]) -> None:
    """Keep `event` (a checked release_announced) as its region's and service's last seen."""
    payload = event["payload"]
    db[COLLECTION].update_one({"_id": f"{event['region']}/{payload['service']}"}, {"$set": {
        "region": event["region"], "service": payload["service"], "release": payload["release"],
        "contracts": payload["contracts"], "api": payload["api"], "seen_at": event["occurred_at"]}},
        upsert=True)


def seen(doc: dict[str, Any]) -> dict[str, Any]:
    return {"service": doc["service"], "release": doc["release"], "contracts": doc["contracts"],
            "seen_at": isoformat(as_utc(doc["seen_at"]) or doc["seen_at"]),
            "supported": supported(doc["release"])}


def region_releases(db: Any = None) -> dict[str, dict[str, Any]]:
    """{region code: its summary} for every region that announced (none without a store)."""
    db = db if db is not None else platform_db()
    if db is None:
        return {}
    by_region: dict[str, list[dict[str, Any]]] = {}
    for doc in db[COLLECTION].find({}):
        by_region.setdefault(doc["region"], []).append(seen(doc))
    return {code: summary(services) for code, services in by_region.items()}


def summary(services: list[dict[str, Any]]) -> dict[str, Any]:
    """A region's release: the latest announcement's, `supported` only if every service's is."""
    services = sorted(services, key=lambda s: s["seen_at"], reverse=True)
    return {**services[0], "supported": all(s["supported"] for s in services), "services": services}


def region_release(code: str, db: Any = None) -> dict[str, Any] | None:
    """Region `code`'s last-seen release (see `summary`), None if none of it announced yet."""
    return region_releases(db).get(code)


class RecordLoop(ConsumerMixin):
    def __init__(self, config: dict[str, Any], service_name: str) -> None:
        self.service_name = service_name
        self.connection = Connection(config["AMQP_URI"])

    def get_consumers(self, consumer_cls: Any, channel: Any) -> list[Any]:
        return [consumer_cls(queues=[release_queue], callbacks=[self.on_message], accept=["json"],
                             prefetch_count=10)]

    def on_message(self, body: Any, message: Any) -> None:
        try:
            event = checked_event(body)
            if event["event_type"] != "release_announced":
                raise Rejected("routing_key", f"a {event['event_type']} on the release stream")
            check_partner_event(event, message.delivery_info["routing_key"],
                                message.properties.get("user_id"))
            record(platform_db(), event)
        except Rejected as exc:
            log.warning("release registry: refused an announcement: %s", exc)
            if exc.reason == "not_mine":
                NOT_MINE.labels(self.service_name, "release_registry").inc()
            elif exc.reason in ("malformed", "unknown_version"):
                REJECTED.labels(self.service_name, "release_registry", exc.reason).inc()
            else:
                PARTNER_REJECTED.labels(exc.reason).inc()
        except Exception as exc:  # noqa: BLE001 - the store is away: the broker keeps it
            log.warning("release registry: could not record (%s); retrying", type(exc).__name__)
            eventlet.sleep(RETRY_AFTER)
            message.requeue()
            return
        else:
            RECORDED.labels(event["region"]).inc()
        message.ack()

    def on_decode_error(self, message: Any, exc: Exception) -> None:
        REJECTED.labels(self.service_name, "release_registry", "malformed").inc()
        message.ack()


class ReleaseRegistry(DependencyProvider):
    """Runs the recorder in the hub's gateway (beside the uplink relay)."""

    def setup(self) -> None:
        self.loop = RecordLoop(self.container.config, self.container.service_name)

    def start(self) -> None:
        self.thread = self.container.spawn_managed_thread(self.loop.run, identifier="release_registry")

    def stop(self) -> None:
        self.loop.should_stop = True
        self.thread.wait()

    def kill(self) -> None:
        self.loop.should_stop = True
