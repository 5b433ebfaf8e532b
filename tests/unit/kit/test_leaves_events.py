"""What every event carries, key by key: each contract's x-example payload and the payload
schema's properties, against lists written out here. A new key in a contract (or a dropped
one) fails until it is added to this list on purpose, and the events' readers asked."""
import pytest

from services.servicekit.envelope import contract, event_types

# event type: (shared with other regions, its payload's keys)
PAYLOADS = {
    "application_status_changed": (False, {"application_id", "at", "from", "seeker_id", "to",
                                           "vacancy_id"}),
    "application_submitted": (False, {"application_id", "seeker_id", "seeker_region",
                                      "submitted_at", "vacancy_id"}),
    "article_published": (True, {"article_id", "author", "body", "canonical_url", "category",
                                 "cover_image_url", "published_at", "revision", "slug", "status",
                                 "summary", "tags", "title", "updated_at"}),
    "article_retracted": (True, {"article_id", "canonical_url", "retracted_at", "revision", "slug"}),
    "article_updated": (True, {"article_id", "author", "body", "canonical_url", "category",
                               "cover_image_url", "published_at", "revision", "slug", "status",
                               "summary", "tags", "title", "updated_at"}),
    "aspirasi_sla_breached": (False, {"category", "clock", "due_at", "number", "opd", "status"}),
    "aspirasi_status_changed": (False, {"action", "at", "category", "from", "note", "number",
                                        "on_time", "opd", "role", "to"}),
    "aspirasi_submitted": (False, {"category", "location", "number", "opd", "receipt", "submitted_at"}),
    "match_found": (False, {"score", "seeker_id", "vacancy_id", "vacancy_region"}),
    "price_alert_raised": (True, {"alert_id", "commodity", "commodity_name", "date", "gap_percent",
                                  "market", "market_name", "percent_above_reference",
                                  "previous_price", "price", "reference", "rise_threshold_percent",
                                  "rules", "unit"}),
    "prices_recorded": (False, {"alerts_raised", "board", "corrected", "dates", "kind", "markets",
                                "missing", "new", "rejected", "sheet", "unchanged"}),
    # the service's release and its contracts' majors: no person, no record
    "release_announced": (True, {"api", "contracts", "release", "service"}),
    "seeker_placed": (False, {"application_id", "placed_at", "seeker_id", "vacancy_id"}),
    "seeker_registered": (False, {"education_level", "registered_at", "seeker_id", "valid_until"}),
    "seeker_report_window_opened": (False, {"due", "seeker_id"}),
    "vacancy_closed": (True, {"closed_at", "reason", "title", "vacancy_id"}),
    "vacancy_posted": (True, {"education", "employer_id", "employer_name", "employment_type",
                              "location_region", "openings", "posted_at", "salary", "skills",
                              "title", "vacancy_id", "valid_through"}),
}
# (event type, nested object field): its keys
NESTED = {
    ("aspirasi_submitted", "location"): {"lat", "long"},  # the point, never the address
    ("price_alert_raised", "reference"): {"effective", "kind", "lower", "price", "source"},
    ("prices_recorded", "dates"): {"from", "to"},
    ("prices_recorded", "board"): {"date", "items"},
    ("vacancy_posted", "salary"): {"currency", "max", "min", "unit"},
}
BOARD_ITEM = {"commodity", "name", "unit", "date", "price", "gap", "gap_percent", "direction"}
EXAMPLE = {"source", "region", "payload"}


def test_every_event_type_is_listed_here():
    assert set(event_types()) == set(PAYLOADS)


@pytest.mark.parametrize("event_type", sorted(PAYLOADS))
def test_each_contract_and_its_example_carry_exactly_the_listed_keys(event_type):
    shared, keys = PAYLOADS[event_type]
    document = contract(event_type)
    assert bool(document.get("x-shared")) is shared
    assert set(document["x-example"]) == EXAMPLE
    assert set(document["x-example"]["payload"]) == keys
    assert set(document["payload"]["properties"]) == keys
    assert document["payload"].get("additionalProperties") is False


@pytest.mark.parametrize(("event_type", "field"), sorted(NESTED))
def test_each_nested_object_carries_exactly_the_listed_keys(event_type, field):
    document = contract(event_type)
    example = document["x-example"]["payload"][field]
    assert set(example) <= NESTED[event_type, field]
    schema = document["payload"]["properties"][field]
    assert set(schema["properties"]) == NESTED[event_type, field]
    assert schema.get("additionalProperties") is False


def test_the_board_items_of_prices_recorded_carry_exactly_the_listed_keys():
    document = contract("prices_recorded")
    board = document["payload"]["properties"]["board"]["properties"]["items"]["items"]
    assert set(board["properties"]) == BOARD_ITEM
    for item in document["x-example"]["payload"]["board"]["items"]:
        assert set(item) == BOARD_ITEM
