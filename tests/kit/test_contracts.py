"""Every event type has a contract; the examples in it satisfy it; breaches are caught."""
import json

import pytest
from jsonschema import Draft202012Validator, ValidationError

from services.servicekit.envelope import CONTRACTS_DIR, contract, event_types, new_event, validate_event


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
