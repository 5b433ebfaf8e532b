"""The tolerant reader on arrival: unknown optional fields are read past and never handed on,
an unknown major is parked, an unknown type or source is not this release's (pure)."""
import copy

import pytest

from services.servicekit.arrival import Rejected, checked_event
from services.servicekit.envelope import contract, event_types, new_event
from services.servicekit.reader import MAX_EVENT_CHARS

# Written out, not read from the contracts: the majors 0.3.0 publishes and reads, and
# release_announced (new since 0.3.0).
MAJORS = {
    "application_status_changed": 1, "application_submitted": 1, "article_published": 1,
    "article_retracted": 1, "article_updated": 1, "aspirasi_sla_breached": 1,
    "aspirasi_status_changed": 1, "aspirasi_submitted": 1, "match_found": 1,
    "price_alert_raised": 2, "prices_recorded": 2, "release_announced": 1, "seeker_placed": 1,
    "seeker_registered": 1,
    "seeker_report_window_opened": 1, "vacancy_closed": 1, "vacancy_posted": 1,
}


def example_event(event_type):
    example = contract(event_type)["x-example"]
    return new_event(event_type, example["source"], example["region"], example["payload"])


def test_every_event_type_has_its_major_written_out_here():
    assert {t: example_event(t)["schema_version"] for t in event_types()} == MAJORS


@pytest.mark.parametrize("event_type", sorted(MAJORS))
def test_one_unknown_optional_field_is_read_past_and_not_handed_on(event_type):
    event = example_event(event_type)
    newer = {**event, "trace_id": "abc", "payload": {**event["payload"], "added_in_0_4": {"x": 1}}}
    read = checked_event(newer, event["source"], event_type)
    assert read == event  # exactly the fields this release knows, none of the new ones


def test_unknown_fields_inside_nested_objects_are_cut_too():
    event = example_event("price_alert_raised")
    newer = copy.deepcopy(event)
    newer["payload"]["reference"]["note"] = "<script>"
    newer["payload"]["reference"]["source"]["url"] = "https://jdih.example"
    assert checked_event(newer) == event


def test_a_known_field_broken_is_still_refused():
    event = example_event("vacancy_posted")
    for broken, field in (({**event, "payload": {**event["payload"], "openings": 0}}, "payload.openings"),
                          ({**event, "region": "3602", "extra": 1}, "region")):
        with pytest.raises(Rejected) as refused:
            checked_event(broken)
        assert refused.value.reason == "malformed" and field in refused.value.detail


@pytest.mark.parametrize("major", [3, 99])
def test_an_unknown_major_is_refused_as_unknown_version_never_read_as_known(major):
    event = {**example_event("price_alert_raised"), "schema_version": major}
    with pytest.raises(Rejected) as refused:
        checked_event(event)
    assert refused.value.reason == "unknown_version"
    assert f"schema_version {major} is not one this release reads (2)" in refused.value.detail


def test_an_older_major_no_longer_read_is_parked_too():
    with pytest.raises(Rejected) as refused:
        checked_event({**example_event("price_alert_raised"), "schema_version": 1})
    assert refused.value.reason == "unknown_version"


@pytest.mark.parametrize("value", [0, "2", True, None])
def test_a_schema_version_that_is_no_major_is_malformed(value):
    with pytest.raises(Rejected) as refused:
        checked_event({**example_event("article_published"), "schema_version": value})
    assert refused.value.reason == "malformed" and "schema_version" in refused.value.detail


def test_an_unknown_type_or_source_is_not_mine():
    event = example_event("article_published")
    for other, named in (({**event, "event_type": "article_pinned"}, "article_pinned"),
                         ({**event, "source": "pariwisata"}, "pariwisata")):
        with pytest.raises(Rejected) as refused:
            checked_event(other)
        assert refused.value.reason == "not_mine" and named in refused.value.detail


def test_an_unknown_type_on_a_bound_stream_is_malformed_not_mine():
    event = {**example_event("article_published"), "event_type": "article_pinned"}
    with pytest.raises(Rejected) as refused:
        checked_event(event, "news", "article_published")
    assert refused.value.reason == "malformed"


def test_an_event_padded_with_unknown_fields_is_refused_by_size():
    event = example_event("article_retracted")
    padded = {**event, "payload": {**event["payload"], "pad": "x" * MAX_EVENT_CHARS}}
    with pytest.raises(Rejected, match="over 262144 characters"):
        checked_event(padded)


def test_unknown_fields_cannot_pass_a_record_of_another_region():
    """The record-region check reads the known fields; an unknown one is cut, not trusted."""
    from services.servicekit.arrival import check_record_regions
    event = example_event("vacancy_closed")
    read = checked_event({**event, "payload": {**event["payload"], "vacancy_id_v2": "LK-3602-1"}})
    check_record_regions(read)
    assert "vacancy_id_v2" not in read["payload"]
