"""LAKSA's ticket state machine and authority table, pinned from an independent spec.

Every expected outcome below is written out as data, from what SP4N-LAPOR! and the region's
officers expect, never read from `TRANSITIONS` or `AUTHORITY`: a wrong table fails here.
"""
import copy
from datetime import datetime, timedelta, timezone

import pytest

from services.aspirasi import domain
from services.servicekit.caller import Caller
from services.servicekit.errors import Conflict, Forbidden, Unauthorized, ValidationFailed

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)  # Friday 10:00 in Tangerang
NUMBER = "LAKSA-3671-2026-000123"
OTHER = "LAKSA-3671-2026-000001"
DLH = "Dinas Lingkungan Hidup"
STATES = ("submitted", "verified", "dispatched", "in_progress", "resolved", "rejected", "duplicate")

# action -> {state it may be taken from: the state it leads to}; every other state is a
# conflict. Judgements, as SP4N-LAPOR! works:
# - reject and mark_duplicate belong to verification (the admin's triage): once the report
#   went to an OPD, the OPD's work is the answer; a report refused after work started
#   would hide a job half done from kinerja. So neither from dispatched or later.
# - an OPD starts only what it was sent (dispatched) and resolves only what it started.
# - only a resolved ticket is reopened (by its reporter), back to work at the same OPD;
#   a rejected or duplicate report is answered by a new report, not a reopen.
TARGETS = {
    "verify": {"submitted": "verified"},
    "dispatch": {"verified": "dispatched"},
    "start": {"dispatched": "in_progress"},
    "resolve": {"in_progress": "resolved"},
    "reject": {"submitted": "rejected", "verified": "rejected"},
    "mark_duplicate": {"submitted": "duplicate", "verified": "duplicate"},
    "reopen": {"resolved": "in_progress"},
    # an OPD sent a ticket that is not theirs hands it back to the admin, who dispatches it again
    "hand_back": {"dispatched": "verified", "in_progress": "verified"},
}
# Who reads each action's note: the admin's check and dispatch instruction and an OPD's
# reason for handing back are between officers; the rest is told to the reporter.
READERS = {"verify": "internal", "dispatch": "internal", "hand_back": "internal", "start": "public",
           "resolve": "public", "reject": "public", "mark_duplicate": "public", "reopen": "public"}
ACTIONS = tuple(TARGETS)
ADMIN = Caller("ani", "region_admin", "36.71")
OFFICER = Caller("budi", "opd_officer", "36.71", opd=DLH)
OWNER = Caller.anonymous().owning(NUMBER)
DOER = {"verify": ADMIN, "dispatch": ADMIN, "start": OFFICER, "resolve": OFFICER, "reject": ADMIN,
        "mark_duplicate": ADMIN, "reopen": OWNER, "hand_back": OFFICER}
PARAMS = {"reject": {"reason": "spam"}, "mark_duplicate": {
    "duplicate_of": OTHER, "original": {"_id": OTHER, "region": "36.71", "status": "in_progress"}}}


def ticket(status, **extra):
    return {"_id": NUMBER, "region": "36.71", "category": "sampah", "status": status, "opd": DLH,
            "description": "Sampah menumpuk", "location": {"lat": -6.17, "long": 106.63},
            "photos": [], "reporter": None, "sla": {"verify": 3, "follow_up": 5}, "version": 3,
            "submitted_at": NOW - timedelta(days=2), "updated_at": NOW - timedelta(days=1),
            "verify_due_at": NOW + timedelta(days=1), "opd_due_at": NOW + timedelta(days=3),
            "breaches": [], "resolved_at": NOW - timedelta(days=1),
            "history": [{"from": None, "to": "submitted", "action": "submit", "actor": "citizen",
                         "role": "citizen", "note": "", "at": NOW - timedelta(days=2)}], **extra}


CELLS = [(action, state) for action in ACTIONS for state in STATES]


@pytest.mark.parametrize("action, state", CELLS)
def test_each_action_from_each_state_leads_where_the_spec_says_or_conflicts(action, state):
    before = ticket(state)
    kept = copy.deepcopy(before)
    target = TARGETS[action].get(state)
    if target is None:
        with pytest.raises(Conflict):
            domain.transition(before, action, DOER[action], NOW, "catatan", **PARAMS.get(action, {}))
        assert before == kept  # the record is unchanged
        return
    after, [event] = domain.transition(before, action, DOER[action], NOW, "catatan",
                                       **PARAMS.get(action, {}))
    assert before == kept
    assert (after["status"], after["updated_at"]) == (target, NOW)
    assert after["history"][:-1] == kept["history"]
    assert after["history"][-1] == {"from": state, "to": target, "action": action,
                                    "actor": DOER[action].subject, "role": DOER[action].role,
                                    "note": "catatan", "readers": READERS[action], "at": NOW}
    assert (event["event_type"], event["payload"]["from"], event["payload"]["to"]) == (
        "aspirasi_status_changed", state, target)


def test_the_spec_covers_every_action_and_state_the_code_has():
    assert set(domain.TRANSITIONS) == set(ACTIONS) and set(domain.STATE_LABELS) == set(STATES)


# Who is calling, by scope, for the ticket of region 36.71 handled by DLH.
WHO = {
    "admin_same_region": ADMIN,
    "admin_other_region": Caller("sri", "region_admin", "36.01"),
    "officer_same_opd": OFFICER,
    "officer_other_opd": Caller("eko", "opd_officer", "36.71", opd="Dinas Pekerjaan Umum"),
    "officer_other_region": Caller("dewi", "opd_officer", "36.01", opd=DLH),
    "owner": OWNER,
    "stranger": Caller.anonymous().owning(OTHER),
    "citizen_account": Caller("warga-7", "citizen", None),
    "operator": Caller("op", "platform_operator", None),
    "service": Caller.service("notifications"),
    "signed_out": None,
}
OK, ROLE, REGION, OPD, OWNER_ONLY, SIGN_IN = "ok", "role", "region", "opd", "owner", "sign_in"
# action -> outcome per caller, in WHO's order. The platform operator watches the regions
# but does not run their tickets (the region's own officers answer its citizens).
_COLUMNS = tuple(WHO)
_ROWS = {
    #                 admin  adm-oth  off-same off-oth off-oreg owner  stranger c-acct op    svc   out
    "verify":         (OK, REGION, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, SIGN_IN),
    "dispatch":       (OK, REGION, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, SIGN_IN),
    "reject":         (OK, REGION, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, SIGN_IN),
    "mark_duplicate": (OK, REGION, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, SIGN_IN),
    "start":          (ROLE, ROLE, OK, OPD, REGION, ROLE, ROLE, ROLE, ROLE, ROLE, SIGN_IN),
    "resolve":        (ROLE, ROLE, OK, OPD, REGION, ROLE, ROLE, ROLE, ROLE, ROLE, SIGN_IN),
    "reopen":         (ROLE, ROLE, ROLE, ROLE, ROLE, OK, OWNER_ONLY, OWNER_ONLY, ROLE, ROLE, SIGN_IN),
    "hand_back":      (ROLE, ROLE, OK, OPD, REGION, ROLE, ROLE, ROLE, ROLE, ROLE, SIGN_IN),
    # the reporter's phone and e-mail: the region's admins, the OPD handling it, and
    # notifications only when acting for the ticket's region (checked below)
    "read_contact":   (OK, REGION, OK, OPD, REGION, ROLE, ROLE, ROLE, ROLE, "acting_for", SIGN_IN),
}
AUTHORITY_CELLS = [(action, who, outcome) for action, row in _ROWS.items()
                   for who, outcome in zip(_COLUMNS, row, strict=True)]
# Region-wide actions (a target with no OPD): the region's admin or a platform operator.
_REGION_ROWS = {
    "set_category":         (OK, REGION, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, OK, ROLE, SIGN_IN),
    "retire_category":      (OK, REGION, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, OK, ROLE, SIGN_IN),
    "purge_region":         (ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, OK, ROLE, SIGN_IN),
    "issue_api_key":        (OK, REGION, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, OK, ROLE, SIGN_IN),
    "manage_api_keys":      (OK, REGION, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, OK, ROLE, SIGN_IN),
    "read_kinerja":         (OK, REGION, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, OK, ROLE, SIGN_IN),
    "read_kinerja_regions": (ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, OK, ROLE, SIGN_IN),
}
REGION_CELLS = [(action, who, outcome) for action, row in _REGION_ROWS.items()
                for who, outcome in zip(_COLUMNS, row, strict=True)]


def _outcome(call):
    try:
        call()
    except Unauthorized:
        return SIGN_IN
    except Forbidden as refused:
        return refused.details["field"]
    return OK


@pytest.mark.parametrize("action, who, expected", AUTHORITY_CELLS)
def test_each_ticket_action_is_allowed_or_refused_by_name_per_role_and_scope(action, who, expected):
    assert _outcome(lambda: domain.authorize(action, WHO[who], ticket("submitted"))) == expected


@pytest.mark.parametrize("action, who, expected", REGION_CELLS)
def test_each_region_action_is_allowed_or_refused_by_name_per_role_and_scope(action, who, expected):
    assert _outcome(lambda: domain.authorize(action, WHO[who], {"region": "36.71"})) == expected


@pytest.mark.parametrize("acting_for, expected",
                         [("36.71", OK), ("36.01", "acting_for"), (None, "acting_for")])
def test_notifications_reads_a_contact_only_for_the_tickets_own_region(acting_for, expected):
    call = lambda: domain.authorize("read_contact", WHO["service"], ticket("submitted"), acting_for)  # noqa: E731
    assert _outcome(call) == expected


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who", ["admin_other_region", "officer_other_opd", "stranger", "signed_out"])
def test_a_refused_transition_leaves_the_ticket_as_it_was(action, who):
    state = next(iter(TARGETS[action]))
    before = ticket(state)
    kept = copy.deepcopy(before)
    with pytest.raises((Forbidden, Unauthorized)):
        domain.transition(before, action, WHO[who], NOW, **PARAMS.get(action, {}))
    assert before == kept


# Officer actions the console offers per state, for each officer (the state and the table together).
OFFERED = {
    ("admin_same_region", "submitted"): ["verify", "reject", "mark_duplicate"],
    ("admin_same_region", "verified"): ["dispatch", "reject", "mark_duplicate"],
    ("officer_same_opd", "dispatched"): ["start", "hand_back"],
    ("officer_same_opd", "in_progress"): ["resolve", "hand_back"],
}


@pytest.mark.parametrize("who", ["admin_same_region", "officer_same_opd", "officer_other_opd",
                                 "admin_other_region", "operator"])
@pytest.mark.parametrize("state", STATES)
def test_the_console_offers_exactly_the_actions_allowed_now(who, state):
    assert domain.allowed_actions(ticket(state), WHO[who]) == OFFERED.get((who, state), [])


def test_a_ticket_cannot_be_a_duplicate_of_itself_and_stays_as_it_was():
    before = ticket("verified")
    kept = copy.deepcopy(before)
    with pytest.raises(ValidationFailed) as refused:
        domain.transition(before, "mark_duplicate", ADMIN, NOW, duplicate_of=NUMBER)
    assert refused.value.details["fields"]["duplicate_of"]["code"] == "duplicate_of_itself"
    assert before == kept


def test_reopening_and_working_again_keeps_the_first_response_time():
    first = NOW - timedelta(days=3)
    resolved = ticket("resolved", first_response_at=first)
    reopened = domain.transition(resolved, "reopen", OWNER, NOW).record
    again = domain.transition(reopened, "resolve", OFFICER, NOW + timedelta(hours=1)).record
    assert reopened["first_response_at"] == first and again["first_response_at"] == first
    started = domain.transition(ticket("dispatched"), "start", OFFICER, NOW).record
    assert started["first_response_at"] == NOW


def test_the_public_history_names_the_role_never_the_officers_account():
    after = domain.transition(ticket("submitted"), "verify", ADMIN, NOW, "sudah dicek").record
    public = domain.public_view(after)["history"]
    assert [set(entry) for entry in public] == [{"from", "to", "action", "role", "note", "at"}] * 2
    assert "ani" not in repr(public)
