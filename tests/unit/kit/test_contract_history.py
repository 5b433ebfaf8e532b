"""HEAD's contracts against the previous recorded release's: compatible both ways within a major,
on the schemas and on real events (each side's `x-example` events read by the other's readers)."""
import copy

import pytest

from services.servicekit import contract_history
from services.servicekit.arrival import checked_event
from services.servicekit.envelope import CONTRACTS_DIR, new_event
from services.servicekit.release import HISTORY_DIR, previous_release

HEAD = contract_history.load(CONTRACTS_DIR)


def previous():
    recorded = previous_release()
    if recorded is None:
        pytest.skip("no release recorded in CHANGELOG.md yet")
    return contract_history.load(HISTORY_DIR / recorded[0])


def example_of(contracts, event_type):
    """The example event of `event_type` as that release's producer would write it."""
    example = contracts[event_type]["x-example"]
    return {"event_id": "0b9f5b1e-6f3a-4c55-9d0e-3c1f8e2a7b10", "event_type": event_type,
            "source": example["source"], "region": example["region"],
            "occurred_at": "2026-12-07T01:02:03Z",
            "schema_version": contracts[event_type].get("x-schema-version", 1),
            "payload": example["payload"]}


def test_heads_contracts_keep_the_previous_releases_within_each_major():
    assert contract_history.breaks(previous(), HEAD) == []


def test_heads_events_are_read_by_the_previous_releases_consumers():
    old = previous()
    for event_type in sorted(set(HEAD) - {"envelope"}):
        example = HEAD[event_type]["x-example"]
        event = new_event(event_type, example["source"], example["region"], example["payload"])
        verdict, _ = contract_history.read_as(old, event)
        assert verdict == ("read" if event_type in old else "not_mine"), event_type


def test_the_previous_releases_events_are_read_by_heads_consumers():
    old = previous()
    for event_type in sorted(set(old) - {"envelope"}):
        event = example_of(old, event_type)
        assert checked_event(copy.deepcopy(event))["payload"].keys() <= event["payload"].keys()


# The checker itself, on deliberate breaks of a copy of HEAD's contracts (scratch releases).
def broken(change):
    new = copy.deepcopy(HEAD)
    change(new)
    return contract_history.breaks(HEAD, new)


def rename(new):
    fields = new["vacancy_posted"]["payload"]["properties"]
    fields["job_title"] = fields.pop("title")
    required = new["vacancy_posted"]["payload"]["required"]
    required[required.index("title")] = "job_title"


def test_a_renamed_field_fails_naming_it():
    assert broken(rename) == ["vacancy_posted.payload.title: removed or renamed (the other release reads it)",
                              "vacancy_posted.payload.job_title: newly required",
                              "vacancy_posted.payload.title: no longer required"]


def test_a_closed_field_fails_naming_it():
    def close(new):
        new["price_alert_raised"]["payload"]["properties"]["unit"]["enum"] = ["kg"]
    assert broken(close) == ["price_alert_raised.payload.unit: enum changed from ['kg', 'liter'] to ['kg']"]


def test_an_open_object_closed_fails_naming_it():
    def close(new):
        new["envelope"]["properties"]["payload"]["additionalProperties"] = False
    assert broken(close) == ["envelope.payload: closed (additionalProperties: false on an open object)"]


def test_an_added_optional_field_and_a_new_source_or_type_pass():
    def grow(new):
        new["article_published"]["payload"]["properties"]["summary_en"] = {"type": "string"}
        new["envelope"]["properties"]["source"]["enum"].append("pariwisata")
        new["destination_listed"] = copy.deepcopy(new["article_retracted"])
    assert broken(grow) == []


def test_a_new_major_must_keep_reading_the_old_one():
    def bump(new):
        new["vacancy_closed"]["x-schema-version"] = 2
    assert broken(bump) == ["vacancy_closed: major 1 -> 2, and 1 is not read any more (list it in "
                            "x-reads-majors and publish both for a release)"]

    def bump_and_read(new):
        bump(new)
        new["vacancy_closed"]["x-reads-majors"] = [1]
    assert broken(bump_and_read) == []


def test_a_removed_event_type_fails():
    assert broken(lambda new: new.pop("seeker_placed")) == [
        "seeker_placed: event type removed (publish it until a release no longer reads it)"]


def test_the_previous_readers_take_an_unknown_field_a_new_type_and_park_a_new_major():
    event = example_of(HEAD, "article_published")
    newer = {**event, "payload": {**event["payload"], "summary_en": "x"}}
    assert contract_history.read_as(HEAD, newer) == ("read", event)
    assert contract_history.read_as(HEAD, {**event, "event_type": "destination_listed"})[0] == "not_mine"
    assert contract_history.read_as(HEAD, {**event, "schema_version": 2})[0] == "unknown_version"
