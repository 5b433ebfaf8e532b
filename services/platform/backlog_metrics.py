"""Prometheus gauges of every partner queue's backlog, read from the broker at scrape time."""
from typing import Iterator

from prometheus_client.core import GaugeMetricFamily

from services.platform.broker_api import Broker
from services.platform.partner_names import QUEUE_PREFIX
from services.platform.subscription_store import backlog_policy
from services.servicekit.errors import Unavailable


class BacklogCollector:
    """Prometheus gauges of every partner queue's backlog, read at scrape time."""

    def __init__(self, broker: Broker) -> None:
        self.broker = broker

    def describe(self) -> list[GaugeMetricFamily]:
        # Names only: registering must not call the broker.
        return list(self._families())

    def collect(self) -> Iterator[GaugeMetricFamily]:
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
    def _families() -> tuple[GaugeMetricFamily, ...]:
        messages = GaugeMetricFamily("tl_partner_backlog_messages",
                                     "Messages waiting in a partner region's queue", labels=["region"])
        consumers = GaugeMetricFamily("tl_partner_backlog_consumers",
                                      "Consumers attached to a partner region's queue", labels=["region"])
        up = GaugeMetricFamily("tl_partner_backlog_up", "1 if the broker answered this scrape")
        limit = GaugeMetricFamily("tl_partner_backlog_limit_messages",
                                  "Bound on each partner queue; the oldest message is dropped beyond it")
        return messages, consumers, limit, up
