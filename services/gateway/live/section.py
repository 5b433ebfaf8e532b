"""A part of the live view (Section, what each domain's section subclasses) and one
section of one region's view as the model keeps it (Entry)."""
import time
from collections import deque
from datetime import datetime

from eventlet.semaphore import Semaphore

RECENT = 10.0  # seconds of our own marks remembered, to tell drift from timing
STALE_AFTER = 6.0  # seconds without an answer from the section's service


def moment(value):
    return None if value is None else datetime.fromisoformat(str(value).replace("Z", "+00:00"))


class Section:
    """A part of the live view. Subclasses set `name`, `source` (the service
    whose events feed it and who answers its checks) and `events`."""

    name = ""
    source = ""
    events = ()
    stale_after = STALE_AFTER
    kept = False  # True: rebuilt from the gateway's own store, not from a service

    def rebuild(self, rpc, region_code):
        """The section's data from the owning service (RPC with deadline), with the
        service's snapshot time in `as_of` when it gives one."""
        raise NotImplementedError

    def apply(self, data, event):
        """Return the section's data with `event` applied (pure)."""
        raise NotImplementedError

    def marks(self, rpc, region_codes):
        """{region: mark} from the owning service, or None for sections nobody checks."""
        return None

    def mark(self, data):
        """What `marks` answers for this data when gateway and service agree."""
        return None

    @property
    def subscriptions(self):
        """(source service, event type) pairs the gateway must listen to for this section."""
        return [(self.source, event_type) for event_type in self.events]

    def regions_for(self, event, state):
        """Which regions' views `event` changes: by default the region it happened in."""
        return [event["region"]]


class Entry:
    """One section of one region's view."""

    __slots__ = ("data", "as_of", "fresh_at", "checked_at", "failed_at", "error", "lock", "buffer",
                 "suspect", "recent")

    def __init__(self):
        self.data = self.as_of = self.fresh_at = self.checked_at = self.failed_at = None
        self.error = None
        self.lock = Semaphore(1)
        self.buffer = None  # a list while a rebuild runs: the events that arrived meanwhile
        self.suspect = None  # a mark of the service we have not matched yet
        self.recent = deque()  # (monotonic time, our mark) of the last RECENT seconds

    def remember(self, mark):
        now = time.monotonic()
        self.recent.append((now, mark))
        while self.recent and self.recent[0][0] < now - RECENT:
            self.recent.popleft()

    def has_been(self, mark, since=0.0):
        return any(at >= since and seen == mark for at, seen in self.recent)

    def includes(self, event):
        """True when the snapshot this entry was built from already holds `event`."""
        return self.as_of is not None and moment(event["occurred_at"]) <= self.as_of
