"""Events checked on arrival, before any handler sees them.

Contracts are checked when an event is made (envelope.py), but a consumer
cannot rely on that: partner regions publish on the inter-region exchanges
themselves, and one bad message would otherwise reach domain code or cycle
through the retry queues. So every consumer asks here first:

* `checked_event`: the envelope and payload against the event type's
  contract, and that the event is of the stream it arrived on;
* `check_partner_event`: for inter-region traffic, that the envelope region,
  the routing key (`<source>.<event_type>.<region>`) and the publisher agree.
  The publisher is the message's `user_id`, which RabbitMQ refuses unless it
  is the connecting user; partners connect as `region-<code>` (partners.py),
  and their topic permissions already pin their routing keys to their code.
* `check_record_regions`: that the records the payload names (a ticket
  `LAKSA-3671-...`, a vacancy `LK-3671-...`, a price alert `36.71:...`: the
  fields its contract marks `x-envelope-region`) are of the envelope's region,
  so a region that may send its own events cannot make the hub act on
  another region's records.

Refusals are counted: `tl_events_rejected_total` for broken contracts (reason
"malformed") and majors this release does not read ("unknown_version", parked),
`tl_events_not_mine_total` for types and sources it does not know (dropped),
`tl_partner_events_rejected_total` for inter-region events whose region,
routing key and publisher disagree.
"""
import json
import re
from typing import Any

from prometheus_client import Counter

from services.servicekit.envelope import CONTRACTS_DIR, envelope_region_fields
from services.servicekit.reader import (
    MAX_EVENT_CHARS,
    known_event,
    known_majors,
    known_sources,
    reader_problems,
)

EVENT_TYPE = re.compile(r"^[a-z][a-z_]+$")
REGION_KEY = re.compile(r"^([a-z][a-z_]*)\.([a-z][a-z_]*)\.([0-9]{2}\.[0-9]{2})$")
PARTNER_USER = re.compile(r"^region-([0-9]{2}\.[0-9]{2})(~.+)?$")
# The region a record id starts with: `36.71` (a location, `36.71:pasar-anyar:...`) or,
# after an upper-case prefix, its digits (`LAKSA-3671-2026-000123`, `LK-3671-...`).
RECORD_REGION = re.compile(r"^(?:[A-Z]+-)?([0-9]{2})\.?([0-9]{2})(?=$|[-:.])")

REJECTED = Counter("tl_events_rejected_total", "Events refused on arrival (never handled), by reason",
                   ["service", "consumer", "reason"])
# Events of a type or source this release has no contract for (a newer release's): not
# an error, not dead-lettered (replaying could never make a handler of this release want
# them), but counted so an operator sees a region running ahead.
NOT_MINE = Counter("tl_events_not_mine_total", "Events of a type or source this release does "
                   "not know, acknowledged and dropped", ["service", "consumer"])
PARTNER_REJECTED = Counter("tl_partner_events_rejected_total",
                           "Inter-region events dropped: envelope region, routing key and publisher "
                           "disagree, a stream a region may not send, or a record of another region",
                           ["reason"])


class Rejected(Exception):
    """An event a consumer must not handle; `reason` is a metric label."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


def checked_event(body: Any, source: str | None = None, event_type: str | None = None) -> dict[str, Any]:
    """`body` as this release reads it, if it keeps its contract (and is a `source`.`event_type`
    event when given): a copy with only the fields its contract names (reader.known_event).

    Refused as "not_mine" an event of a type or source this release has no contract for
    (a newer release's: consumers count and drop it, no handler here could want it); as
    "unknown_version" a major of a known type it does not read (consumers park it in
    their dead-letter queue, replayable with tools.deadletters once this side upgraded).
    """
    if not isinstance(body, dict):
        raise Rejected("malformed", f"the body is a JSON {type(body).__name__}, not an event object")
    kind = body.get("event_type")
    if not isinstance(kind, str) or not EVENT_TYPE.match(kind) or kind == "envelope":
        raise Rejected("malformed", f"event_type {kind!r} has no contract")
    if event_type is not None and (body.get("source"), kind) != (source, event_type):
        raise Rejected("malformed", f"a {body.get('source')!r} {kind} event on the "
                                    f"{source} {event_type} stream")
    if len(json.dumps(body)) > MAX_EVENT_CHARS:
        raise Rejected("malformed", f"the event is over {MAX_EVENT_CHARS} characters")
    check_ours(body, kind)
    problems = reader_problems(body)
    if problems:
        raise Rejected("malformed", "; ".join(problems)[:500])
    return known_event(body)


def check_ours(body: dict[str, Any], kind: str) -> None:
    """Refuse an event this release cannot read: a type or source it has no contract for
    ("not_mine"), or a major of its type it does not read ("unknown_version")."""
    if not (CONTRACTS_DIR / f"{kind}.json").is_file():
        raise Rejected("not_mine", f"event_type {kind!r} has no contract in this release")
    if body.get("source") not in known_sources() and isinstance(body.get("source"), str):
        raise Rejected("not_mine", f"source {str(body['source'])[:40]!r} is not one this release knows")
    major = body.get("schema_version")
    if isinstance(major, int) and not isinstance(major, bool) and major >= 1 \
            and major not in known_majors(kind):
        raise Rejected("unknown_version", f"{kind} schema_version {major} is not one this release "
                                          f"reads ({', '.join(map(str, sorted(known_majors(kind))))})")


def publisher_region(user_id: str | None) -> str | None:
    """The region code of a partner's broker user (`region-36.02`), else None."""
    found = PARTNER_USER.match(user_id or "")
    return found.group(1) if found else None


def check_partner_event(event: dict[str, Any], routing_key: str | None, user_id: str | None) -> None:
    """Refuse a contract-valid inter-region event whose key or publisher names another region.

    A key in the shared form must be the envelope's `<source>.<event_type>.<region>`;
    the bare event type is a service exchange's key, which only the hub's own
    services can publish to. A partner user as publisher must be the envelope's region,
    and the records the payload names must be of it too (`check_record_regions`).
    """
    found = REGION_KEY.match(routing_key or "")
    if found:
        if found.group(3) != event["region"]:
            raise Rejected("region", f"routing key {routing_key} names region {found.group(3)}, "
                                     f"the envelope {event['region']}")
        if found.group(1, 2) != (event["source"], event["event_type"]):
            raise Rejected("routing_key", f"routing key {routing_key} does not name a "
                                          f"{event['source']} {event['event_type']} event")
    elif routing_key != event["event_type"]:
        raise Rejected("routing_key", f"routing key {routing_key!r} is neither "
                                      "<source>.<event_type>.<region> nor the event type")
    publisher = publisher_region(user_id)
    if publisher is not None and publisher != event["region"]:
        raise Rejected("publisher", f"region {publisher}'s user published an event of {event['region']}")
    check_record_regions(event)


def record_region(value: Any) -> str | None:
    """The region code a record id or location names (`LAKSA-3671-...` -> 36.71), else None."""
    found = RECORD_REGION.match(value) if isinstance(value, str) else None
    return f"{found.group(1)}.{found.group(2)}" if found else None


def check_record_regions(event: dict[str, Any]) -> None:
    """Refuse an event whose payload names a record of another region than its envelope's
    (or a marked field that names no region at all)."""
    for field in envelope_region_fields(event["event_type"]):
        value = event["payload"].get(field)
        if value is None:
            continue
        named = record_region(value)
        if named != event["region"]:
            raise Rejected("record_region", f"payload.{field} {str(value)[:60]!r} is "
                                            f"{'of region ' + named if named else 'of no region'}, "
                                            f"the envelope {event['region']}")
