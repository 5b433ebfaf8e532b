"""The live model stays true: rebuilds keep the events that arrive meanwhile, reconciliation
rebuilds (and counts) only real drift, and a silent service shows as unavailable."""
from datetime import timedelta

from services.gateway.live.model import DRIFT, LiveModel
from services.gateway.live.section import Section
from services.servicekit.envelope import isoformat, new_event, utcnow
from services.servicekit.regions import get_region

REGION = get_region("36.71")


class Counting(Section):
    """A section that counts `aspirasi_submitted`; its 'service' is a dict of truths."""

    name = "counting"
    source = "aspirasi"
    events = ("aspirasi_submitted",)

    def __init__(self):
        self.truth, self.answering, self.during_rebuild = 0, True, None

    def rebuild(self, rpc, region_code):
        as_of = isoformat(utcnow())
        if self.during_rebuild:
            self.during_rebuild()
        return {"count": self.truth, "as_of": as_of}

    def marks(self, rpc, region_codes):
        if not self.answering:
            raise TimeoutError("not answering")
        return {code: {"count": self.truth} for code in region_codes}

    def mark(self, data):
        return {"count": data["count"]}

    def apply(self, data, event):
        return {"count": data["count"] + 1}


def submitted(when=None):
    event = new_event("aspirasi_submitted", "aspirasi", REGION.code, {
        "number": "LAKSA-3671-2026-000001", "category": "sampah", "opd": "DLH",
        "submitted_at": "2026-11-27T03:00:00+00:00", "location": {}})
    if when is not None:
        event["occurred_at"] = isoformat(when)
    return event


def counted(model):
    return model.document(REGION, rpc=None)["sections"]["counting"]


def drift():
    return DRIFT.labels("counting")._value.get()


def test_events_during_a_rebuild_are_applied_after_it_and_older_ones_not_twice():
    section = Counting()
    model = LiveModel([section])
    section.truth = 5
    before, after = submitted(utcnow() - timedelta(seconds=1)), []

    def meanwhile():  # one event the snapshot holds, one it cannot hold yet
        model.apply(before)
        after.append(submitted(utcnow() + timedelta(seconds=1)))
        model.apply(after[0])
    section.during_rebuild = meanwhile
    assert counted(model)["count"] == 6  # 5 read + the later event; the earlier one was in the 5
    model.apply(after[0])  # a redelivery
    assert counted(model)["count"] == 6


def test_a_lost_event_is_found_rebuilt_and_counted_but_events_in_flight_are_not_drift():
    section = Counting()
    model = LiveModel([section])
    assert counted(model)["count"] == 0
    start = drift()
    section.truth = 1  # the service moved on; its event is still on its way
    model.check(rpc=None)
    model.apply(submitted())  # ...and arrives
    model.check(rpc=None)
    assert counted(model)["count"] == 1 and drift() == start
    section.truth = 3  # two events that never arrive
    model.check(rpc=None)
    assert counted(model)["count"] == 1  # maybe still in flight
    model.check(rpc=None)
    assert counted(model)["count"] == 3 and drift() == start + 1


def test_a_silent_service_shows_unavailable_then_recovers_by_itself():
    section = Counting()
    model = LiveModel([section])
    shown = counted(model)
    assert shown["status"] == "ok" and shown["checked_at"] and shown["fresh_at"]
    section.answering = False
    entry = model.state[REGION.code]["counting"]
    entry.checked_at -= timedelta(seconds=section.stale_after + 1)  # its last answer, long ago
    model.check(rpc=None)
    shown = counted(model)
    assert shown["status"] == "unavailable" and "count" not in shown
    assert "has not answered" in shown["reason"]
    section.answering = True
    model.check(rpc=None)
    assert counted(model)["status"] == "ok" and counted(model)["count"] == 0


def test_an_offboarded_region_is_forgotten_and_does_not_hold_up_the_others():
    class Strict(Counting):  # as the services answered before: a removed region failed the batch
        def marks(self, rpc, region_codes):
            if "36.09" in region_codes:
                raise LookupError("region 36.09 is not registered")
            return super().marks(rpc, region_codes)

    section = Strict()
    model = LiveModel([section])
    model.build("36.09", section, rpc=None)  # a region onboarded, its view read, then offboarded
    counted(model)
    model.state[REGION.code]["counting"].checked_at -= timedelta(seconds=section.stale_after + 1)
    model.check(rpc=None, registered={REGION.code})
    assert "36.09" not in model.state and ("36.09", "counting") not in model.status
    assert counted(model)["status"] == "ok"  # checked again, not stale
