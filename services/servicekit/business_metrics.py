"""Business figures as Prometheus metrics, and a helper to publish counted snapshots.

Every service's outbox backlog is here; a domain's own figures live with it
(aspirasi/clocks.py, pencaker/clocks.py). A domain's gauges are recounted from
its store (the truth) by a timer, not nudged up and down per message: with
several replicas, each one recounts the same numbers, so dashboards aggregate
them with `max`, never `sum`.
Label values stay bounded: region codes, OPD codes, workflow states.
"""
import threading
from typing import Any, Iterable, Mapping

from prometheus_client import Gauge

OUTBOX_PENDING = Gauge(
    "tl_outbox_pending_documents", "Documents whose events are not yet published",
    ["service", "collection"])


class Snapshot:
    """Publishes `{label values: count}` to a labelled gauge, replacing the previous one.

    Label sets absent from the new counts are removed, so a closed OPD's last
    ticket does not stay on the dashboard forever.
    """

    def __init__(self, gauge: Gauge) -> None:
        self.gauge = gauge
        self.published: set[tuple[str, ...]] = set()
        self.lock = threading.Lock()

    def publish(self, counts: Mapping[tuple[str, ...], float]) -> None:
        with self.lock:
            for labels, value in counts.items():
                self.gauge.labels(*labels).set(value)
            for gone in self.published - set(counts):
                self.gauge.remove(*gone)
            self.published = set(counts)


def count_by(documents: Iterable[dict[str, Any]], *fields: str) -> dict[tuple[str, ...], int]:
    """{(doc[f1], doc[f2], ...): count} over the documents."""
    counts: dict[tuple[str, ...], int] = {}
    for doc in documents:
        key = tuple(str(doc.get(field, "")) for field in fields)
        counts[key] = counts.get(key, 0) + 1
    return counts
