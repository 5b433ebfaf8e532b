"""Reading an event as a tolerant reader: the contract's fields, nothing else.

A writer's contract is closed (`additionalProperties: false` in the envelope and the
payload, envelope.py), so a producer can never put a field its own release does not
know into its outbox. A reader must not be closed the same way: within a major version
a contract may gain optional fields (the evolution policy, CHANGELOG.md), and a region
that has not upgraded yet still has to handle the newer release's events. So on arrival:

* `reader_schema`: the writer's contract opened at every depth (every
  `additionalProperties: false` dropped), every other constraint kept: a known field
  of the wrong type, a missing required field or a bad region is still refused;
* `known_only`: the event cut down to the fields the reader's contract names, at every
  depth. Handlers get this copy, never the original, so a field this release does not
  know cannot reach storage, a page or a republished event (the closed contracts'
  guarantee, kept on the reader's side);
* `MAX_EVENT_CHARS`: an open contract no longer limits how much a sender may add, so the
  whole event is capped before it is checked.

`schema_version` is the contract's major (`x-schema-version`); `known_majors` is what
this release can read of an event type. Older majors a release still reads would be
listed in the contract's `x-reads-majors` (none are yet: 0.3.0 is the first release).
"""
import json
from functools import lru_cache
from typing import Any

from jsonschema import Draft202012Validator

from services.servicekit.envelope import CONTRACTS_DIR, contract

# Four times the largest example event (a price board of a big market, ~6 KB) and far
# below the broker's frame: a sender that pads an event with unknown fields is refused.
MAX_EVENT_CHARS = 256 * 1024


def opened(schema: Any) -> Any:
    """`schema` with every `additionalProperties: false` removed, at every depth."""
    if isinstance(schema, list):
        return [opened(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    return {key: opened(value) for key, value in schema.items()
            if not (key == "additionalProperties" and value is False)}


@lru_cache(maxsize=None)
def envelope_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((CONTRACTS_DIR / "envelope.json").read_text())
    return schema


def known_sources() -> frozenset[str]:
    return frozenset(envelope_schema()["properties"]["source"]["enum"])


def known_majors(event_type: str) -> frozenset[int]:
    """The `schema_version`s of `event_type` this release reads (its contract's major and
    any older one it still reads)."""
    own = contract(event_type)
    return frozenset([int(own.get("x-schema-version", 1)), *own.get("x-reads-majors", [])])


@lru_cache(maxsize=None)
def reader_schema(event_type: str) -> dict[str, Any]:
    """The envelope and `event_type`'s payload as a reader takes them (opened)."""
    schema = dict(envelope_schema())
    schema["properties"] = dict(schema["properties"])
    schema["properties"]["event_type"] = {"const": event_type}
    schema["properties"]["payload"] = contract(event_type)["payload"]
    result: dict[str, Any] = opened(schema)
    return result


@lru_cache(maxsize=None)
def _reader_validator(event_type: str) -> Draft202012Validator:
    return Draft202012Validator(reader_schema(event_type))


def reader_problems(event: dict[str, Any]) -> list[str]:
    """Every way `event` breaks its opened contract, as `field: message`."""
    errors = _reader_validator(event["event_type"]).iter_errors(event)
    return sorted(f"{'.'.join(map(str, e.absolute_path)) or '(event)'}: {e.message}" for e in errors)


def known_only(value: Any, schema: Any) -> Any:
    """`value` with only the object fields `schema` (the writer's, closed) names, at every
    depth; values under a schema that says nothing of its fields are kept whole."""
    if not isinstance(schema, dict):
        return value
    if isinstance(value, dict) and "properties" in schema:
        properties = schema["properties"]
        closed = schema.get("additionalProperties") is False
        return {key: known_only(item, properties.get(key)) for key, item in value.items()
                if key in properties or not closed}
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [known_only(item, schema["items"]) for item in value]
    return value


def known_event(event: dict[str, Any]) -> dict[str, Any]:
    """A copy of a checked `event` with only what this release's contract names."""
    schema = dict(envelope_schema())
    schema["properties"] = {**schema["properties"], "payload": contract(event["event_type"])["payload"]}
    result: dict[str, Any] = known_only(event, schema)
    return result
