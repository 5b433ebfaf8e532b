"""Pencaker's authority table, vacancy life and application moves, pinned from an
independent spec: every expected outcome is written out here, never read from
`AUTHORITY`, `MOVES` or the vacancy functions' own conditions.
"""
import copy
from datetime import datetime, timedelta, timezone

import pytest

from services.pencaker.domain import applications, authority, vacancies
from services.servicekit.caller import Caller
from services.servicekit.errors import Conflict, Forbidden, Unauthorized

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)
SEEKER_ID, EMPLOYER_ID = "S0123456789abcde", "E0123456789abcde"
# One record carrying every owner field: the seeker (SEEKER_ID) owns the seeker side and their
# applications; the employer's registrant (EMPLOYER_ID) owns the employer, its vacancies, and the
# moves on applications to them. Each action must read its own owner.
RECORD = {"_id": SEEKER_ID, "seeker_id": SEEKER_ID, "owner": EMPLOYER_ID, "region": "36.71"}
WHO = {
    "seeker": Caller(SEEKER_ID, "citizen", None),
    "employer": Caller(EMPLOYER_ID, "citizen", None),
    "stranger": Caller("warga-9", "citizen", None),
    "disnaker": Caller("dina", "disnaker_officer", "36.71"),
    "disnaker_other_region": Caller("dodi", "disnaker_officer", "36.01"),
    "admin": Caller("ani", "region_admin", "36.71"),
    "admin_other_region": Caller("sri", "region_admin", "36.01"),
    "opd_officer": Caller("budi", "opd_officer", "36.71", opd="Dinas Tenaga Kerja"),
    "operator": Caller("op", "platform_operator", None),
    "service": Caller.service("notifications"),
    "signed_out": None,
}
OK, ROLE, REGION, OWNER, SIGN_IN = "ok", "role", "region", "owner", "sign_in"
#            seeker employer stranger disnaker dis-oth admin adm-oth opd   operator service out
SEEKER = (OK, OWNER, OWNER, OK, REGION, OK, REGION, ROLE, OK, ROLE, SIGN_IN)
EMPLOYER = (OWNER, OK, OWNER, OK, REGION, OK, REGION, ROLE, OK, ROLE, SIGN_IN)
DISNAKER = (ROLE, ROLE, ROLE, OK, REGION, OK, REGION, ROLE, OK, ROLE, SIGN_IN)
# Only the seeker applies or withdraws, only the employer moves an application: Disnaker
# oversees the market but does not act for either party (the AK/1 card is the seeker's own).
SEEKER_ONLY = (OK, OWNER, OWNER, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, SIGN_IN)
EMPLOYER_ONLY = (OWNER, OK, OWNER, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, ROLE, SIGN_IN)
ROWS = {
    "read_seeker": SEEKER, "update_seeker": SEEKER, "report_seeker": SEEKER,
    "seeker_matches": SEEKER, "seeker_applications": SEEKER,
    # a seeker's phone and e-mail: the seeker, their region's Disnaker and admin, the
    # platform operator, and notifications only for the region it acts for (None here)
    "read_contact": (OK, OWNER, OWNER, OK, REGION, OK, REGION, ROLE, OK, "acting_for", SIGN_IN),
    # anyone signed in may register an employer (a company's own staff)
    "create_employer": (OK, OK, OK, OK, REGION, OK, REGION, ROLE, OK, ROLE, SIGN_IN),
    "post_vacancy": EMPLOYER, "employer_vacancies": EMPLOYER, "close_vacancy": EMPLOYER,
    "vacancy_matches": EMPLOYER, "vacancy_applications": EMPLOYER, "read_unpublished_vacancy": EMPLOYER,
    "verify_vacancy": DISNAKER, "reject_vacancy": DISNAKER, "pending_vacancies": DISNAKER,
    "list_employers": DISNAKER, "find_seeker": DISNAKER,
    "apply": SEEKER_ONLY, "withdraw_application": SEEKER_ONLY, "move_application": EMPLOYER_ONLY,
    "set_subscriptions": (ROLE, ROLE, ROLE, ROLE, ROLE, OK, REGION, ROLE, OK, ROLE, SIGN_IN),
}
CELLS = [(action, who, outcome) for action, row in ROWS.items()
         for who, outcome in zip(WHO, row, strict=True)]


def _outcome(call):
    try:
        call()
    except Unauthorized:
        return SIGN_IN
    except Forbidden as refused:
        return refused.details["field"]
    return OK


def test_the_spec_names_every_action_of_the_table():
    assert set(authority.AUTHORITY) == set(ROWS)


@pytest.mark.parametrize("action, who, expected", CELLS)
def test_each_action_is_allowed_or_refused_by_name_per_role_and_scope(action, who, expected):
    assert _outcome(lambda: authority.authorize(action, WHO[who], dict(RECORD))) == expected


@pytest.mark.parametrize("acting_for, expected", [("36.71", OK), ("36.01", "acting_for")])
def test_notifications_reads_a_seekers_contact_only_for_the_seekers_region(acting_for, expected):
    call = lambda: authority.authorize("read_contact", WHO["service"], dict(RECORD), acting_for)  # noqa: E731
    assert _outcome(call) == expected


# Vacancy life: action -> {state: target}; every other state is a conflict. A rejected or
# closed vacancy is over: the employer posts again rather than reviving it.
VACANCY_STATES = ("pending", "published", "rejected", "closed")
VACANCY_TARGETS = {
    "publish": {"pending": "published"},
    "reject": {"pending": "rejected"},
    "close": {"pending": "closed", "published": "closed"},
}
VACANCY_CODES = {"publish": "not_pending", "reject": "not_pending", "close": "already_closed"}


def vacancy(status, **extra):
    return {"_id": "LK-3671-2026-000001", "region": "36.71", "status": status, "title": "Juru masak",
            "owner": EMPLOYER_ID, "openings": 2, "valid_through": NOW + timedelta(days=10),
            "employer_id": EMPLOYER_ID, "employer_name": "PT Rasa", "skills": ["masak"],
            "salary": {"min": 4_000_000, "max": 5_000_000, "currency": "IDR", "unit": "MONTH"},
            "education": "sma", "employment_type": ["FULL_TIME"], "kbji": None, **extra}


def _act(action, record, now=NOW):
    if action == "publish":
        return vacancies.publish(record, "dina", [], now)
    if action == "reject":
        return vacancies.reject(record, "gaji tidak jelas", now)
    return vacancies.close(record, "withdrawn", now)


@pytest.mark.parametrize("action, state", [(a, s) for a in VACANCY_TARGETS for s in VACANCY_STATES])
def test_each_vacancy_action_from_each_state_leads_where_the_spec_says_or_conflicts(action, state):
    before = vacancy(state)
    kept = copy.deepcopy(before)
    target = VACANCY_TARGETS[action].get(state)
    if target is None:
        with pytest.raises(Conflict) as refused:
            _act(action, before)
        assert refused.value.details["code"] == VACANCY_CODES[action]
    else:
        assert _act(action, before).record["status"] == target
    assert before == kept


@pytest.mark.parametrize("state, events", [("pending", []), ("published", ["vacancy_closed"])])
def test_closing_announces_only_what_was_public(state, events):
    assert [e["event_type"] for e in vacancies.close(vacancy(state), "withdrawn", NOW).events] == events


@pytest.mark.parametrize("status, accepted, closes", [
    ("published", 1, False), ("published", 2, True), ("published", 3, True), ("pending", 2, False)])
def test_a_vacancy_closes_as_filled_once_its_openings_are_taken(status, accepted, closes):
    decision = vacancies.close_if_filled(vacancy(status), accepted, NOW)
    assert (decision is not None and decision.record["close_reason"] == "filled") is closes


# Application moves: target -> {state it may move from}, and who moves it. An accepted
# application starts the placement and a rejected or withdrawn one is over: none moves on.
APPLICATION_STATES = ("submitted", "interview", "accepted", "rejected", "withdrawn")
MOVES = {
    "interview": ("employer", {"submitted"}),
    "accepted": ("employer", {"submitted", "interview"}),
    "rejected": ("employer", {"submitted", "interview"}),
    "withdrawn": ("seeker", {"submitted", "interview"}),
}


def application(status):
    return {"_id": "LK-3671-2026-000001.S0123456789abcde", "vacancy_id": "LK-3671-2026-000001",
            "seeker_id": SEEKER_ID, "region": "36.71", "owner": EMPLOYER_ID, "status": status,
            "history": [{"from": None, "to": "submitted", "by": "seeker", "note": "", "at": NOW}]}


@pytest.mark.parametrize("to, state", [(t, s) for t in MOVES for s in APPLICATION_STATES])
def test_each_move_from_each_state_by_its_party_goes_through_or_conflicts(to, state):
    party, sources = MOVES[to]
    before = application(state)
    kept = copy.deepcopy(before)
    if state in sources:
        moved, [event] = applications.move(before, to, party, NOW, "catatan")
        assert moved["status"] == to and moved["history"][-1] == {
            "from": state, "to": to, "by": party, "note": "catatan", "at": NOW}
        assert moved.get("placement_pending", False) is (to == "accepted")
        assert (event["payload"]["from"], event["payload"]["to"]) == (state, to)
    else:
        with pytest.raises(Conflict) as refused:
            applications.move(before, to, party, NOW)
        assert refused.value.details["code"] == "wrong_state"
    assert before == kept


@pytest.mark.parametrize("to", MOVES)
def test_the_other_party_may_not_make_a_move(to):
    party = {"employer": "seeker", "seeker": "employer"}[MOVES[to][0]]
    before = application("submitted")
    with pytest.raises(Forbidden) as refused:
        applications.move(before, to, party, NOW)
    assert refused.value.details["code"] == "not_your_move" and before == application("submitted")
