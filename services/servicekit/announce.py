"""Every service says, as it starts, which release it runs and which contract majors.

Regions upgrade on their own days (DESIGN.md "Releases and mixed versions"), so the hub's
operator must see what each region runs without asking it. A service's container, once
started, publishes one `release_announced` event (its release, every contract's major, the
API version) on its own event exchange and, like any shared event, on `tangerang.shared`
as `<service>.release_announced.<region>`: the hub's registry records it
(platform/release_registry.py). An edge's announcement goes up with the rest of its events
(the uplink). A 0.3.0 reader has no contract for it: "not mine", counted and dropped.

The announcement is a fact about this process, not about data, so it is not kept in an
outbox: if the broker refuses it the announcer retries a few times, warns, and tries again
at its next round; it never holds up the service. It is repeated every ANNOUNCE_SECONDS
(RELEASE_ANNOUNCE_SECONDS in a service's config): services that start before the hub's
registry queue exists (a first boot: the gateway starts last) are still recorded, and
`seen_at` says the region was heard from lately.
"""
import logging
import time
from typing import Any

from nameko.events import get_event_exchange
from nameko.extensions import DependencyProvider
from prometheus_client import Counter

from services.servicekit.confirmed_publisher import ConfirmedPublisher, Message
from services.servicekit.envelope import new_event
from services.servicekit.outbox import SHARED_EXCHANGE_NAME, shared_exchange, shared_routing_key
from services.servicekit.regions import host_code
from services.servicekit.release import API, RELEASE, contract_majors

log = logging.getLogger(__name__)

EVENT_TYPE = "release_announced"
ATTEMPTS = 5
RETRY_AFTER = 2.0  # seconds between attempts
ANNOUNCE_SECONDS = 60.0
ANNOUNCED = Counter("tl_release_announced_total", "This process's release announcements, by outcome",
                    ["service", "outcome"])


def announcement(service: str, region: str) -> dict[str, Any]:
    """The `release_announced` event of `service` in `region`, from this tree's release."""
    return new_event(EVENT_TYPE, service, region, {
        "service": service, "release": RELEASE, "contracts": contract_majors(), "api": API})


def messages(event: dict[str, Any], service_exchange: str) -> list[Message]:
    """Where an announcement goes: the service's exchange and the shared one (nobody is
    obliged to listen on either: a hub without the registry loses nothing)."""
    return [Message(service_exchange, EVENT_TYPE, event, event["event_id"], may_go_unheard=True),
            Message(SHARED_EXCHANGE_NAME, shared_routing_key(event), event, event["event_id"],
                    may_go_unheard=True)]


class ReleaseAnnouncer(DependencyProvider):
    """Publishes this service's `release_announced` once, after its container started."""

    def setup(self) -> None:
        config = self.container.config
        self.exchange = get_event_exchange(self.container.service_name, config)
        self.region = host_code()  # the region this deployment serves first (HOST_REGION)
        self.every = float(config.get("RELEASE_ANNOUNCE_SECONDS", ANNOUNCE_SECONDS))
        self.publisher = ConfirmedPublisher(config["AMQP_URI"], declare=[self.exchange, shared_exchange])
        self.thread: Any = None

    def start(self) -> None:
        self.thread = self.container.spawn_managed_thread(self.rounds, identifier="release announcer")

    def rounds(self) -> None:
        while True:
            self.announce()
            time.sleep(self.every)

    def announce(self) -> bool:
        service = self.container.service_name
        event = announcement(service, self.region)
        for attempt in range(1, ATTEMPTS + 1):
            if all(self.publisher.publish(messages(event, self.exchange.name))):
                ANNOUNCED.labels(service, "confirmed").inc()
                log.info("%s of region %s announced release %s", service, self.region, RELEASE)
                return True
            if attempt < ATTEMPTS:
                time.sleep(RETRY_AFTER)
        ANNOUNCED.labels(service, "failed").inc()
        log.warning("%s could not announce release %s after %d attempts (the next start will)",
                    service, RELEASE, ATTEMPTS)
        return False

    def stop(self) -> None:
        if self.thread is not None:
            self.thread.kill()
        self.publisher.close()

    kill = stop
