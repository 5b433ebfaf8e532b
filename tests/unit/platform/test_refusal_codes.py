"""Every refusal of the region registry and the partner tooling names its field with a
stable code, and every such code has its Indonesian text (gateway/messages_id.yaml)."""
from pathlib import Path

import pytest
import yaml

from services.platform import partners
from services.servicekit.errors import ValidationFailed
from services.servicekit.regions import get_region, validate_region

MESSAGES = yaml.safe_load((Path(__file__).resolve().parents[3] / "services" / "gateway"
                           / "messages_id.yaml").read_text(encoding="utf-8"))
LEBAK = {"code": "36.02", "name": "Kabupaten Lebak", "province": "Banten", "domain": "lebakkab.go.id"}


def refusal(call, *args, **kwargs):
    with pytest.raises(ValidationFailed) as refused:
        call(*args, **kwargs)
    details = refused.value.details
    return details["field"], details["fields"][details["field"]]


@pytest.mark.parametrize("entry, field, code", [
    ("36.02", "region", "wrong_type"),
    ({**LEBAK, "code": "3602"}, "code", "bad_region_code"),
    ({**LEBAK, "name": " "}, "name", "required"),
    ({**LEBAK, "province": "B" * 101}, "province", "too_long"),
    ({**LEBAK, "domain": "lebak kab"}, "domain", "bad_domain"),
    ({**LEBAK, "edge": "yes"}, "edge", "not_boolean"),
    ({**LEBAK, "timezone": "WIB"}, "timezone", "bad_timezone"),
    ({**LEBAK, "mayor": "x"}, "mayor", "unknown_field"),
])
def test_a_region_entry_is_refused_naming_the_field_and_its_code(entry, field, code):
    assert refusal(validate_region, entry)[0] == field
    assert refusal(validate_region, entry)[1]["code"] == code


def test_a_region_code_of_the_wrong_form_is_refused_before_the_registry_is_read():
    assert refusal(get_region, "36-71") == ("region", {
        "code": "bad_region_code", "message": "'36-71' is not a Kemendagri code; use the form 36.71"})


@pytest.mark.parametrize("subscriptions, field, code", [
    ({"topic": "news.*"}, "subscriptions", "wrong_type"),
    (["news.*"], "subscriptions[0]", "bad_subscription"),
    ([{"topic": "News", "from": ["*"]}], "subscriptions[0].topic", "bad_topic"),
    ([{"topic": "news.*", "from": []}], "subscriptions[0].from", "required"),
    ([{"topic": "news.*", "from": ["banten"]}], "subscriptions[0].from", "bad_selector"),
])
def test_bad_subscriptions_are_refused_naming_the_entry_and_its_code(subscriptions, field, code):
    named, problem = refusal(partners.parse_subscriptions, subscriptions)
    assert (named, problem["code"]) == (field, code)


@pytest.mark.parametrize("hub_uri, code", [
    ("amqps://region-36.02:pw@hub.example:5671/", "unverified_tls"),
    ("amqp://guest:pw@hub.example:5672/", "wrong_broker_user"),
])
def test_an_edge_link_to_an_unchecked_hub_or_as_another_user_is_refused(hub_uri, code):
    named, problem = refusal(partners.link_edge, None, "36.02", hub_uri)
    assert (named, problem["code"]) == ("hub_uri", code)


def test_only_an_edge_region_is_linked():
    named, problem = refusal(partners.link_edge, None, "36.03", "amqp://region-36.03:pw@hub:5672/")
    assert (named, problem["code"]) == ("code", "not_edge_region")


@pytest.mark.parametrize("call, args, field, code", [
    (partners.onboard, (["36.02"], None), "body", "wrong_type"),
    (partners.onboard, ({**LEBAK, "categories": {"code": "x"}}, None), "categories", "wrong_type"),
    (partners.onboard, ({**LEBAK, "categories": [{"code": "x", "name": "y"}]}, None),
     "categories[0].opd", "required"),
    (partners.offboard, ("Lebak", None), "code", "bad_region_code"),
    (partners.new_credentials, ("36.71", None), "code", "host_region"),
])
def test_onboarding_refusals_name_the_field_and_its_code(call, args, field, code):
    named, problem = refusal(call, *args)
    assert (named, problem["code"]) == (field, code)


def test_every_code_the_registry_and_partners_emit_has_its_indonesian_text():
    codes = ["wrong_type", "bad_region_code", "required", "too_long", "bad_domain", "not_boolean",
             "bad_timezone", "unknown_field", "host_region", "not_configured", "bad_subscription",
             "bad_topic", "bad_selector", "unverified_tls", "not_edge_region", "wrong_broker_user"]
    missing = [code for code in codes if not MESSAGES.get(code)]
    assert not missing
