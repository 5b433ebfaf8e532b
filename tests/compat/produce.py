"""Publish one tree's events, made by that tree's own code (run by tests/compat with the
tree as the working directory and PYTHONPATH): its contracts' `x-example`s, its `new_event`,
its outbox's exchanges and routing keys. Prints the event ids, one JSON list per line.

    python tests/compat/produce.py hub|edge <amqp uri> <region> <rounds>

`hub`: the shared types a partner region receives from the host, on `tangerang.shared`;
`edge`: every aspirasi type, on `aspirasi.events`, as an edge region's outbox publishes them.
"""
import json
import sys

from services.servicekit.envelope import contract, event_types
from tests.partners.support import publish_service_event, publish_shared, shared_event

HUB_TYPES = ("price_alert_raised", "vacancy_posted", "vacancy_closed", "article_published")


def edge_types():
    """The ticket events (aspirasi_*): release_announced, which every service also sends, goes to
    the hub's release registry, not to the consumers of aspirasi events this test stands for."""
    return sorted(name for name in event_types()
                  if contract(name)["x-example"]["source"] == "aspirasi" and name.startswith("aspirasi_"))


def main(kind, amqp_uri, region, rounds):
    types = HUB_TYPES if kind == "hub" else edge_types()
    events = [shared_event(name, region) for _ in range(int(rounds)) for name in types]
    (publish_shared if kind == "hub" else publish_service_event)(amqp_uri, *events)
    print(json.dumps([event["event_id"] for event in events]))


if __name__ == "__main__":
    main(*sys.argv[1:])
