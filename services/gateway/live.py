"""The Tangerang Live read model: one snapshot per region, fed by events.

Each domain contributes a Section: how to rebuild it over RPC (after a
restart, or when it was never built) and how to apply an event to it. The
HTTP view only reads the cached, pre-serialised snapshot, so the hot path does
no I/O; a section that cannot be built in time is marked unavailable instead
of failing the page.
"""
import json
from collections import OrderedDict

from services.servicekit.envelope import isoformat, utcnow
from services.servicekit.json import dumps

SEEN_LIMIT = 50_000


class Section:
    """A part of the live view. Subclasses set `name`, `source` (the service
    whose events feed it) and `events` (the event types it applies)."""

    name = ""
    source = ""
    events = ()

    def rebuild(self, rpc, region_code):
        """Return the section's data from the owning service (RPC with deadline)."""
        raise NotImplementedError

    def apply(self, data, event):
        """Return the section's data with `event` applied (pure)."""
        raise NotImplementedError

    @property
    def subscriptions(self):
        """(source service, event type) pairs the gateway must listen to for this section."""
        return [(self.source, event_type) for event_type in self.events]

    def regions_for(self, event, regions):
        """Which regions' views `event` changes: by default the region it happened in."""
        return [event["region"]]


class LiveModel:
    def __init__(self, sections):
        self.sections = {s.name: s for s in sections}
        self.state = {}  # region -> section -> {"data", "fresh_at"}
        self.cache = {}  # region -> serialised view
        self.parsed = {}  # region -> (serialised view, its dict)
        self.seen = OrderedDict()  # event_ids applied, bounded: redeliveries change nothing

    def apply(self, event):
        if event["event_id"] in self.seen:
            return False
        self.seen[event["event_id"]] = True
        if len(self.seen) > SEEN_LIMIT:
            self.seen.popitem(last=False)
        changed = set()
        for section in self.sections.values():
            if event["event_type"] not in section.events:
                continue
            for region in section.regions_for(event, list(self.state)):
                entry = self.state.get(region, {}).get(section.name)
                # Not built yet: the next rebuild reads the service's current truth.
                if entry is not None:
                    entry["data"] = section.apply(entry["data"], event)
                    entry["fresh_at"] = utcnow()
                    changed.add(region)
        for region in changed:
            self.cache.pop(region, None)
        return bool(changed)

    def view(self, region, rpc):
        """The serialised live view of `region`, rebuilding missing sections."""
        cached = self.cache.get(region.code)
        if cached is not None:
            return cached
        sections = self.state.setdefault(region.code, {})
        complete = True
        for name, section in self.sections.items():
            if name in sections:
                continue
            try:
                sections[name] = {"data": section.rebuild(rpc, region.code), "fresh_at": utcnow()}
            except Exception as exc:  # noqa: BLE001 - one section down must not fail the page
                complete = False
                sections.setdefault("_errors", {})[name] = type(exc).__name__
        errors = sections.pop("_errors", {})
        body = {"region": region.to_dict(), "generated_at": isoformat(utcnow()), "sections": {}}
        for name in self.sections:
            if name in sections:
                body["sections"][name] = {"status": "ok",
                                          "fresh_at": isoformat(sections[name]["fresh_at"]),
                                          **sections[name]["data"]}
            else:
                body["sections"][name] = {"status": "unavailable", "fresh_at": None,
                                          "reason": errors.get(name, "not built")}
        serialised = dumps(body)
        if complete:
            self.cache[region.code] = serialised
        return serialised

    def document(self, region, rpc):
        """The live view of `region` as a dict (what the home page renders), parsed once
        per serialised snapshot so pages and the JSON route show the same thing."""
        body = self.view(region, rpc)
        parsed = self.parsed.get(region.code)
        if parsed is None or parsed[0] is not body:
            parsed = self.parsed[region.code] = (body, json.loads(body))
        return parsed[1]

    def snapshot(self, region_code):
        return self.state.get(region_code, {})
