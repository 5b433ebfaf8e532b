"""The Tangerang Live read model: one snapshot per region, fed by events, kept true.

Each domain contributes a Section: how to rebuild it over RPC (after a
restart, or when it was never built), how to apply an event to it, and the
small `mark` of its data that its service can compute cheaply too. The HTTP
view only reads the cached, pre-serialised snapshot, so the hot path does no
I/O.

Staying true:
- a rebuild returns the service's snapshot time (`as_of`); events that arrive
  while it runs are buffered and applied after it, and any event that
  occurred before that time is already in the snapshot and is skipped;
- `check` (a timer) compares every built section's mark with its service's
  (one `live_marks` RPC per service for all regions). The service's answer
  may be behind us (read before events we applied since) or ahead (events
  still in flight), so a mismatch is drift only when we have not been at
  that mark lately and do not reach it by the next check: then the section
  is rebuilt and `tl_live_drift_total{section}` counted;
- `checked_at` is the last time the service confirmed the section; after
  `stale_after` seconds without an answer the section is shown unavailable,
  and it comes back by itself at the next answer.
"""
import hashlib
import json
import logging
import time
from collections import OrderedDict

from eventlet import GreenPool
from prometheus_client import Counter

from services.gateway.live.section import Entry, moment
from services.servicekit.envelope import isoformat, utcnow
from services.servicekit.errors import DomainError
from services.servicekit.json import dumps
from services.servicekit.region_profile import MODULES, shows
from services.servicekit.regions import get_region

log = logging.getLogger(__name__)
SEEN_LIMIT = 50_000
RETRY_AFTER = 2.0  # seconds before a view retries a section whose build failed

DRIFT = Counter("tl_live_drift_total", "Live-view sections found out of step with their service "
                "and rebuilt", ["section"])


def offered(region_code, section):
    """Whether `region_code`'s view has `section`: none for a module its profile leaves
    out or this deployment does not run (an edge without prices), rather than one
    forever "unavailable". Sections of no module (what partners share) always."""
    if section.source not in MODULES:
        return True
    try:
        return shows(get_region(region_code), section.source)
    except DomainError:  # offboarded meanwhile: forgotten at the next check
        return False


class LiveModel:
    def __init__(self, sections, kept=None):
        self.sections = {s.name: s for s in sections}
        self.kept = kept  # the gateway's store of kept sections (SharedItems)
        self.state = {}  # region -> section name -> Entry
        self.cache = {}  # region -> (serialised view, its weak ETag)
        self.parsed = {}  # region -> (serialised view, its dict)
        self.status = {}  # (region, section) -> "ok" | "unavailable", as last shown
        self.seen = OrderedDict()  # event_ids applied, bounded: redeliveries change nothing
        self.listeners = []  # called with a region whose view changed (the HTTP cache)

    # events -----------------------------------------------------------------
    def receive(self, event, region):
        """An event the hub sent down to `region` (at an edge): it changes that region's
        kept sections only, and is kept even before the view was first read."""
        return self.apply(event, only=region)

    def apply(self, event, only=None):
        if event["event_id"] in self.seen:
            return False
        self.seen[event["event_id"]] = True
        if len(self.seen) > SEEN_LIMIT:
            self.seen.popitem(last=False)
        changed, keep = set(), []
        for section in self.sections.values():
            if event["event_type"] not in section.events or (only is not None and not section.kept):
                continue
            for region in [only] if only is not None else section.regions_for(event, self.state):
                entry = self.state.get(region, {}).get(section.name)
                if entry is None:
                    if only is not None and self.kept is not None:
                        keep.append((region, section))  # its first build reads the kept items
                    continue  # never built: its first build reads the service's truth
                if entry.buffer is not None:
                    entry.buffer.append(event)
                if entry.data is None or entry.includes(event):
                    continue
                entry.data = section.apply(entry.data, event)
                entry.fresh_at = utcnow()
                entry.remember(section.mark(entry.data))
                changed.add(region)
                if section.kept and self.kept is not None:
                    keep.append((region, section))
        for region in changed:
            self._changed(region)
        for region, section in keep:  # I/O after the in-memory view is updated
            self.kept.add(region, section.item(event), event["event_id"])
        return bool(changed)

    def _changed(self, region):
        self.cache.pop(region, None)
        for listener in self.listeners:
            listener(region)

    # building -----------------------------------------------------------------
    def build(self, region, section, rpc):
        """(Re)build one section; events that arrive meanwhile are applied after it."""
        entry = self.state.setdefault(region, {}).setdefault(section.name, Entry())
        with entry.lock:
            entry.buffer = []
            try:
                if section.kept:
                    data = section.rebuild(self.kept, region)
                else:
                    data = dict(section.rebuild(rpc, region))
            except Exception as exc:
                entry.buffer, entry.failed_at, entry.error = None, utcnow(), type(exc).__name__
                raise
            now = utcnow()
            entry.as_of = moment(data.pop("as_of", None))
            for event in entry.buffer:
                if not entry.includes(event):
                    data = section.apply(data, event)
            entry.data, entry.buffer, entry.error = data, None, None
            entry.fresh_at = entry.checked_at = now
            entry.suspect = None
            entry.recent.clear()
            entry.remember(section.mark(data))
        self._changed(region)

    def _missing(self, region, rpc):
        entries = self.state.setdefault(region, {})
        now = utcnow()
        for name, section in self.sections.items():
            if not offered(region, section):
                continue
            entry = entries.get(name)
            if entry is not None and (entry.data is not None or entry.buffer is not None or (
                    entry.failed_at and (now - entry.failed_at).total_seconds() < RETRY_AFTER)):
                continue
            try:
                self.build(region, section, rpc)
            except Exception as exc:  # noqa: BLE001 - one section down must not fail the page
                log.info("live section %s of %s not built: %s", name, region, type(exc).__name__)

    # checking -----------------------------------------------------------------
    def check(self, rpc, registered=None):
        """Compare every built section with its service; rebuild drift; retry failed builds;
        show sections whose service stopped answering as unavailable. Regions no longer
        `registered` (offboarded) are forgotten first: nobody reads their view again."""
        if registered is not None:
            for region in set(self.state) - set(registered):
                self.forget(region)
        # One service (or region) that does not answer must not hold up the others.
        pool = GreenPool()
        list(pool.imap(lambda region: self._missing(region, rpc), list(self.state)))
        list(pool.imap(lambda section: self._check(section, rpc), [
            s for s in self.sections.values() if not s.kept]))
        self._show_staleness()

    def forget(self, region):
        self.state.pop(region, None)
        self.parsed.pop(region, None)
        for key in [k for k in self.status if k[0] == region]:
            del self.status[key]
        self._changed(region)

    def _check(self, section, rpc):
        regions = [r for r, entries in self.state.items()
                   if section.name in entries and entries[section.name].data is not None]
        if not regions:
            return
        try:
            marks = section.marks(rpc, regions)
        except Exception as exc:  # noqa: BLE001 - the service is down: staleness shows it
            log.info("live check of %s failed: %s", section.name, type(exc).__name__)
            return
        for region in regions:
            if region in marks:
                self._compare(region, section, marks[region], rpc)

    def _compare(self, region, section, theirs, rpc):
        entry = self.state[region][section.name]
        entry.checked_at = utcnow()
        if entry.buffer is not None:
            return  # a rebuild is under way
        ours = section.mark(entry.data)
        if ours == theirs or entry.has_been(theirs):
            entry.suspect = None  # equal, or they answered from before our latest events
        elif entry.suspect is None or entry.has_been(entry.suspect[1], since=entry.suspect[0]):
            # Maybe events in flight: drift only if we do not reach this mark.
            entry.suspect = (time.monotonic(), theirs)
        else:
            DRIFT.labels(section.name).inc()
            log.warning("live section %s of %s drifted (ours %s, theirs %s): rebuilding",
                        section.name, region, ours, theirs)
            try:
                self.build(region, section, rpc)
            except Exception as exc:  # noqa: BLE001 - tried again at the next check
                log.info("rebuilding %s of %s failed: %s", section.name, region, type(exc).__name__)
        self._changed(region)  # checked_at moved

    def _show_staleness(self):
        now = utcnow()
        for region, entries in self.state.items():
            for name, entry in entries.items():
                status = self._status(self.sections[name], entry, now)
                if self.status.get((region, name)) != status:
                    self.status[(region, name)] = status
                    self._changed(region)

    def _status(self, section, entry, now):
        if entry.data is None:
            return "unavailable"
        if section.kept:
            return "ok"
        quiet = (now - entry.checked_at).total_seconds()
        return "ok" if quiet <= section.stale_after else "unavailable"

    # reading ----------------------------------------------------------------
    def view(self, region, rpc):
        """The serialised live view of `region`, building missing sections."""
        return self.view_and_tag(region, rpc)[0]

    def view_and_tag(self, region, rpc):
        """(serialised view, weak ETag): the tag ignores only when it was generated and checked."""
        cached = self.cache.get(region.code)
        if cached is not None:
            return cached
        self._missing(region.code, rpc)
        entries = self.state[region.code]
        now = utcnow()
        sections = {}
        for name, section in self.sections.items():
            if not offered(region.code, section):
                continue  # hidden, not "unavailable": the region (or this deployment) has no such module
            entry = entries.get(name)
            status = "unavailable" if entry is None else self._status(section, entry, now)
            self.status[(region.code, name)] = status
            sections[name] = self._shown(section, entry, status)
        content = {"region": region.to_dict(), "sections": sections}
        tag = 'W/"' + hashlib.blake2b(dumps({**content, "sections": {
            name: {k: v for k, v in shown.items() if k != "checked_at"}
            for name, shown in sections.items()}}).encode(), digest_size=12).hexdigest() + '"'
        serialised = dumps({"region": content["region"], "generated_at": isoformat(now),
                            "sections": sections})
        self.cache[region.code] = (serialised, tag)
        return serialised, tag

    @staticmethod
    def _shown(section, entry, status):
        fresh_at = entry and entry.fresh_at and isoformat(entry.fresh_at)
        checked_at = entry and entry.checked_at and isoformat(entry.checked_at)
        if status == "ok":
            return {"status": "ok", "fresh_at": fresh_at, "checked_at": checked_at, **entry.data}
        if entry is None or entry.data is None:
            reason = (entry and entry.error) or "not built"
        else:
            reason = f"{section.source} has not answered for over {section.stale_after:g} s"
        return {"status": "unavailable", "fresh_at": fresh_at, "checked_at": checked_at,
                "reason": reason}

    def document(self, region, rpc):
        """The live view of `region` as a dict (what the home page renders), parsed once
        per serialised snapshot so pages and the JSON route show the same thing."""
        body = self.view(region, rpc)
        parsed = self.parsed.get(region.code)
        if parsed is None or parsed[0] is not body:
            parsed = self.parsed[region.code] = (body, json.loads(body))
        return parsed[1]

    def snapshot(self, region_code):
        """{section: {"data", "fresh_at", "checked_at"}} of a region, for tests and tools."""
        return {name: {"data": e.data, "fresh_at": e.fresh_at, "checked_at": e.checked_at}
                for name, e in self.state.get(region_code, {}).items() if e.data is not None}
