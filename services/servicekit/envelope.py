"""The envelope every event carries, and its JSON Schema contracts.

One contract file per event type lives in `contracts/`; the envelope schema is
shared. Events are validated when they are created, so a producer can never put
an event into its outbox that its consumers' contract would reject.
"""
import json
import uuid
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

CONTRACTS_DIR = Path(__file__).parent / "contracts"
# An event as it travels: the envelope's fields and its `payload`.
Event = dict[str, Any]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: datetime | str | None) -> datetime | None:
    """The one timestamp type: an aware UTC datetime, from an aware or naive datetime
    (naive ones were always written as UTC) or from an ISO text (what the embedded
    store keeps of a datetime given to `$set`); None stays None."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def isoformat(moment: datetime | str) -> str:
    # as_utc, not astimezone: a naive moment is UTC here, not the host's local time
    utc = as_utc(moment)
    assert utc is not None
    return utc.isoformat().replace("+00:00", "Z")


@lru_cache(maxsize=None)
def contract(event_type: str) -> dict[str, Any]:
    path = CONTRACTS_DIR / f"{event_type}.json"
    if not path.is_file():
        raise LookupError(f"no contract for event type {event_type!r}: add contracts/{event_type}.json")
    return json.loads(path.read_text())


@lru_cache(maxsize=None)
def _validator(event_type: str) -> Draft202012Validator:
    envelope = json.loads((CONTRACTS_DIR / "envelope.json").read_text())
    schema = dict(envelope)
    schema["properties"] = dict(envelope["properties"])
    schema["properties"]["event_type"] = {"const": event_type}
    schema["properties"]["payload"] = contract(event_type)["payload"]
    return Draft202012Validator(schema)


def event_types() -> list[str]:
    return sorted(p.stem for p in CONTRACTS_DIR.glob("*.json") if p.stem != "envelope")


def is_shared(event_type: str) -> bool:
    """Shared events also go to the partner regions' topic exchange."""
    return bool(contract(event_type).get("x-shared", False))


@lru_cache(maxsize=None)
def envelope_region_fields(event_type: str) -> tuple[str, ...]:
    """The payload fields (`x-envelope-region` in the contract) that name a record of the
    event's own region: a ticket number, a vacancy or price alert id, a location."""
    properties = contract(event_type)["payload"].get("properties", {})
    return tuple(name for name, schema in properties.items() if schema.get("x-envelope-region"))


def listener_required(event_type: str) -> bool:
    """An event some durable consumer must receive: unroutable means not delivered."""
    return bool(contract(event_type).get("x-listener-required", False))


def validate_event(event: Event) -> None:
    """Raise jsonschema.ValidationError when `event` breaks its contract."""
    _validator(event["event_type"]).validate(event)


def contract_problems(event: Event) -> list[str]:
    """Every way `event` (already known to name a contract) breaks it, as `field: message`."""
    errors = _validator(event["event_type"]).iter_errors(event)
    return sorted(f"{'.'.join(map(str, e.absolute_path)) or '(event)'}: {e.message}" for e in errors)


def new_event(event_type: str, source: str, region: str, payload: dict[str, Any],
              occurred_at: datetime | None = None) -> Event:
    event = {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "source": source,
        "region": region,
        "occurred_at": isoformat(occurred_at or utcnow()),
        "schema_version": contract(event_type).get("x-schema-version", 1),
        "payload": payload,
    }
    validate_event(event)
    return event
