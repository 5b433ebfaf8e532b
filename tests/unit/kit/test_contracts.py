"""Every event type has a contract; the examples in it satisfy it; breaches are caught."""
import json

import pytest
from jsonschema import Draft202012Validator, ValidationError

from services.servicekit.arrival import check_record_regions
from services.servicekit.contracts.news import live_headline
from services.servicekit.contracts.pencaker import live_vacancy
from services.servicekit.contracts.prices import live_alert
from services.servicekit.envelope import (
    CONTRACTS_DIR,
    contract,
    envelope_region_fields,
    event_types,
    new_event,
    validate_event,
)
from tests.helpers import assert_live_item

# event type: (the contract documenting its live item, the projection of its example event)
LIVE_ITEMS = {
    "vacancy_posted": ("vacancy_posted", lambda e: live_vacancy(e["payload"])),
    "article_published": ("article_published", lambda e: live_headline(e["payload"], e["region"])),
    "article_updated": ("article_published", lambda e: live_headline(e["payload"], e["region"])),
    "price_alert_raised": ("price_alert_raised", lambda e: live_alert(e["payload"])),
    "prices_recorded": ("prices_recorded", lambda e: e["payload"]["board"]["items"][0]),
}


def test_contracts_are_valid_json_schemas():
    for path in CONTRACTS_DIR.glob("*.json"):
        schema = json.loads(path.read_text())
        Draft202012Validator.check_schema(schema.get("payload", schema))


@pytest.mark.parametrize("event_type", event_types())
def test_example_payload_satisfies_contract(event_type):
    example = contract(event_type)["x-example"]
    event = new_event(event_type, example["source"], example["region"], example["payload"])
    assert set(event) == {"event_id", "event_type", "source", "region", "occurred_at",
                          "schema_version", "payload"}
    assert event["occurred_at"].endswith("Z")


@pytest.mark.parametrize("event_type", event_types())
def test_the_records_an_example_names_are_of_its_region(event_type):
    """Fields marked x-envelope-region name the event's own region (consumers refuse others)."""
    example = contract(event_type)["x-example"]
    check_record_regions(new_event(event_type, example["source"], example["region"], example["payload"]))


def test_the_fields_naming_a_record_of_the_events_region_are_marked():
    marked = {t: envelope_region_fields(t) for t in event_types() if envelope_region_fields(t)}
    assert marked == {
        "aspirasi_submitted": ("number",), "aspirasi_status_changed": ("number",),
        "aspirasi_sla_breached": ("number",), "vacancy_posted": ("vacancy_id", "location_region"),
        "vacancy_closed": ("vacancy_id",), "price_alert_raised": ("alert_id",),
        "application_submitted": ("application_id", "vacancy_id"),
        "application_status_changed": ("application_id", "vacancy_id")}


@pytest.mark.parametrize("event_type", event_types())
def test_payload_missing_a_required_field_is_rejected(event_type):
    example = contract(event_type)["x-example"]
    required = contract(event_type)["payload"]["required"]
    payload = {k: v for k, v in example["payload"].items() if k != required[0]}
    with pytest.raises(ValidationError):
        new_event(event_type, example["source"], example["region"], payload)


def test_envelope_rejects_bad_region_and_extra_fields():
    event_type = event_types()[0]
    example = contract(event_type)["x-example"]
    event = new_event(event_type, example["source"], example["region"], example["payload"])
    with pytest.raises(ValidationError):
        validate_event({**event, "region": "3671"})
    with pytest.raises(ValidationError):
        validate_event({**event, "nik": "3671010101010001"})


def test_shared_events_carry_no_personal_data_fields():
    personal = {"nik", "phone", "email", "address", "reporter", "name", "birth_date"}
    for event_type in event_types():
        if contract(event_type).get("x-shared"):
            fields = set(contract(event_type)["payload"].get("properties", {}))
            assert not fields & personal, event_type


def test_every_documented_live_item_has_its_projection_here():
    documented = {t for t in event_types() if "x-live-item" in contract(t)}
    assert documented == {shape_of for shape_of, _ in LIVE_ITEMS.values()}


@pytest.mark.parametrize("event_type", sorted(LIVE_ITEMS))
def test_example_projects_to_the_documented_live_item(event_type):
    shape_of, project = LIVE_ITEMS[event_type]
    Draft202012Validator.check_schema(contract(shape_of)["x-live-item"])
    item = project(contract(event_type)["x-example"])
    assert_live_item(shape_of, item)
    with pytest.raises(ValidationError):  # the shape is exact: nothing more, nothing less
        assert_live_item(shape_of, {**item, "extra": 1})
    with pytest.raises(ValidationError):
        assert_live_item(shape_of, dict(list(item.items())[1:]))
