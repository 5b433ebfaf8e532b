"""A Decision: the record and its events, unpacked as a pair, each with a list of its own."""
from services.servicekit.decision import Decision


def test_a_decision_unpacks_into_the_record_and_its_events():
    record, events = Decision({"_id": "t1"}, ({"event_type": "aspirasi_submitted"},))
    assert record == {"_id": "t1"} and events == [{"event_type": "aspirasi_submitted"}]


def test_decisions_without_events_share_no_list():
    first, second = Decision({"_id": "a"}), Decision(record={"_id": "b"})
    first.events.append({"event_type": "x"})
    assert second.events == [] and first.events == [{"event_type": "x"}]
    assert Decision({"_id": "c"}, events=[]).events == []
