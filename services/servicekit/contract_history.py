"""Comparing this tree's contracts with a recorded release's (the evolution policy, enforced).

Within a major a contract may only gain optional fields: an event of either release must
be read by the other's consumers. So between a release's contracts and HEAD's, for an
event type of the same major, `breaks` names every field that
* is gone (removed or renamed: the older release's readers require or read it),
* became required, or is no longer required (the other side's writers may omit it),
* changed any constraint (type, enum, pattern, bounds, format, items...): a narrowing
  refuses the older release's events, a widening is refused by the older readers,
* was open and is now closed (`additionalProperties: false` where there was none: the
  members the older release writes there would be cut by HEAD's reader),
or a type that is gone, or a major that changed with the older one not read any more
(`x-reads-majors`). The envelope is compared alike, except that its `source` list may
grow (older readers take an unknown source as "not mine").

`read_as` is a release's arrival check rebuilt from its recorded contracts, so the
test can hand HEAD's example events to the previous release's readers and back.
"""
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from services.servicekit.reader import known_only, opened

# Keywords that say nothing about which events are valid.
ANNOTATIONS = {"title", "description", "examples", "$comment", "default", "x-envelope-region"}


def load(contracts_dir: Path) -> dict[str, dict[str, Any]]:
    """{file stem: contract} of one release (`envelope` included)."""
    return {path.stem: json.loads(path.read_text()) for path in sorted(contracts_dir.glob("*.json"))}


def schema_breaks(old: Any, new: Any, where: str) -> list[str]:
    """Every change between two schemas of one field that breaks one direction."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return [] if old == new else [f"{where}: changed from {old!r} to {new!r}"]
    found = []
    old_fields, new_fields = old.get("properties", {}), new.get("properties", {})
    for name in sorted(old_fields):
        if name not in new_fields:
            found.append(f"{where}.{name}: removed or renamed (the other release reads it)")
        else:
            found += schema_breaks(old_fields[name], new_fields[name], f"{where}.{name}")
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    found += [f"{where}.{name}: newly required" for name in sorted(new_required - old_required)]
    found += [f"{where}.{name}: no longer required" for name in sorted(old_required - new_required)]
    if old.get("additionalProperties") is not False and new.get("additionalProperties") is False \
            and (old.get("type") == "object" or "properties" in old):
        found.append(f"{where}: closed (additionalProperties: false on an open object)")
    for key in sorted((set(old) | set(new)) - ANNOTATIONS - {"properties", "required",
                                                            "additionalProperties"}):
        if key == "items":
            found += schema_breaks(old.get(key), new.get(key), f"{where}[]")
        elif old.get(key) != new.get(key):
            found.append(f"{where}: {key} changed from {old.get(key)!r} to {new.get(key)!r}")
    return found


def breaks(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> list[str]:
    """Every incompatibility between a recorded release's contracts (`old`) and `new`."""
    found = envelope_breaks(old["envelope"], new["envelope"])
    for name in sorted(set(old) - {"envelope"}):
        if name not in new:
            found.append(f"{name}: event type removed (publish it until a release no longer reads it)")
            continue
        old_major, new_major = old[name].get("x-schema-version", 1), new[name].get("x-schema-version", 1)
        if old_major != new_major:
            if old_major not in new[name].get("x-reads-majors", []):
                found.append(f"{name}: major {old_major} -> {new_major}, and {old_major} is not read any "
                             "more (list it in x-reads-majors and publish both for a release)")
            continue
        found += schema_breaks(old[name]["payload"], new[name]["payload"], f"{name}.payload")
    return found


def envelope_breaks(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    old_sources = old["properties"]["source"].get("enum", [])
    new_sources = new["properties"]["source"].get("enum", [])
    found = [f"envelope.source: {name!r} removed" for name in old_sources if name not in new_sources]
    # a new source is allowed: older readers count it as "not mine"
    strip = {**new, "properties": {**new["properties"], "source": old["properties"]["source"]}}
    return found + schema_breaks(old, strip, "envelope")


def read_as(contracts: dict[str, dict[str, Any]], event: dict[str, Any]) -> tuple[str, Any]:
    """How a release with `contracts` reads `event` on arrival: ("read", the fields it knows),
    ("not_mine", why), ("unknown_version", why) or ("malformed", problems)."""
    kind, envelope = event.get("event_type"), contracts["envelope"]
    if kind not in contracts or kind == "envelope" or \
            event.get("source") not in envelope["properties"]["source"]["enum"]:
        return "not_mine", f"{kind} from {event.get('source')}"
    own = contracts[kind]
    if event.get("schema_version") not in {own.get("x-schema-version", 1), *own.get("x-reads-majors", [])}:
        return "unknown_version", event.get("schema_version")
    schema = {**envelope, "properties": {**envelope["properties"], "event_type": {"const": kind},
                                         "payload": own["payload"]}}
    problems = sorted(e.message for e in Draft202012Validator(opened(schema)).iter_errors(event))
    return ("malformed", problems) if problems else ("read", known_only(event, schema))
