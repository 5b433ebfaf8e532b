"""The one authority check, table-driven, and what every domain's table may say."""
import pytest

from services.aspirasi import domain as aspirasi
from services.gateway.access import authority as gateway
from services.news import domain as news
from services.pencaker.domain import authority as pencaker
from services.prices.domain import authority as prices
from services.servicekit.authority import ACTING_FOR, ANY, OPD, OWN, REGION, Target, authorize
from services.servicekit.caller import ROLES, Caller
from services.servicekit.errors import Forbidden, Unauthorized

TARGET = Target("36.71", "DLH", frozenset({"LAKSA-1", "seeker-7"}))
# caller -> the scopes under which it reaches TARGET
CALLERS = [
    (Caller("a", "r", "36.71", "DLH"), {ANY, REGION, OPD}),
    (Caller("a", "r", "36.71", "PUPR"), {ANY, REGION}),
    (Caller("a", "r", "36.03", "DLH"), {ANY}),
    (Caller("seeker-7", "r", None), {ANY, OWN}),            # owner by subject
    (Caller("x", "r", "36.71", owns=("LAKSA-1",)), {ANY, REGION, OWN}),  # owner by proven id
    (Caller("x", "r", "36.71", owns=("LAKSA-2",)), {ANY, REGION}),
]


@pytest.mark.parametrize("scope", [ANY, REGION, OPD, OWN])
@pytest.mark.parametrize("caller, reaches", CALLERS)
def test_each_scope_reaches_exactly_its_records(scope, caller, reaches):
    table = {"act": {"r": scope}}
    if scope in reaches:
        assert authorize(table, "act", caller, TARGET) is caller
    else:
        with pytest.raises(Forbidden):
            authorize(table, "act", caller, TARGET)


def test_a_service_reaches_only_records_of_the_region_its_call_acts_for():
    table, service = {"act": {"service": ACTING_FOR}}, Caller.service("notifications")
    assert authorize(table, "act", service, TARGET, acting_for="36.71") is service
    for claimed in ("36.01", None):  # another region's event, or a call naming none
        with pytest.raises(Forbidden, match="the record is of region 36.71") as refused:
            authorize(table, "act", service, TARGET, acting_for=claimed)
        assert refused.value.details == {"field": "acting_for"}


def test_a_role_missing_from_the_row_or_no_caller_is_refused():
    with pytest.raises(Forbidden, match="role q may not act"):
        authorize({"act": {"r": ANY}}, "act", Caller("a", "q", "36.71"), TARGET)
    with pytest.raises(Unauthorized):
        authorize({"act": {"r": ANY}}, "act", None, TARGET)


TABLES = {"aspirasi": aspirasi.AUTHORITY, "pencaker": pencaker.AUTHORITY, "prices": prices.AUTHORITY,
          "news": news.AUTHORITY, "gateway": gateway.AUTHORITY}


@pytest.mark.parametrize("name", TABLES)
def test_tables_name_known_roles_and_scopes_and_keep_the_lines(name):
    for action, rules in TABLES[name].items():
        for role, scope in rules.items():
            assert role in ROLES and scope in (ANY, REGION, OPD, OWN, ACTING_FOR), (name, action, role, scope)
            # a citizen acts only on what they own (or starts something new of their own)
            assert role != "citizen" or scope == OWN or action == "create_employer", (name, action)
            # an OPD officer never reaches beyond their OPD; only operators and services cross regions
            assert role != "opd_officer" or scope == OPD, (name, action)
            assert scope != ANY or role in ("platform_operator", "citizen"), (name, action)
            # a service identity only reads a reporter's or seeker's contact (for notifications),
            # and only for the region whose event it handles
            assert role != "service" or (name, action) in (("aspirasi", "read_contact"),
                                                            ("pencaker", "read_contact")), (name, action)
            assert role != "service" or scope == ACTING_FOR, (name, action)
            assert scope != ACTING_FOR or role == "service", (name, action)


def test_every_laksa_transition_has_its_authority_row():
    assert set(aspirasi.TRANSITIONS) <= set(aspirasi.AUTHORITY)
    assert aspirasi.AUTHORITY["reopen"] == {"citizen": OWN}
    assert "citizen" not in aspirasi.AUTHORITY["read_contact"]
