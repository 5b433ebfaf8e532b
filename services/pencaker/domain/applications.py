"""Applications: who may apply, one application per seeker and vacancy, and the moves
the employer and the seeker may make, as decisions (the application to store and the
events to announce with it)."""
from datetime import datetime
from typing import Any, cast

from services.pencaker import commands
from services.pencaker.domain import cards, vacancies
from services.pencaker.domain.announcements import pencaker_event
from services.pencaker.domain.checks import checked, plain
from services.servicekit.decision import Decision
from services.servicekit.envelope import isoformat
from services.servicekit.errors import Conflict, Forbidden, ValidationFailed

# target -> (states it may start from, the party allowed to move it there)
MOVES = {
    "interview": ({"submitted"}, "employer"),
    "accepted": ({"submitted", "interview"}, "employer"),
    "rejected": ({"submitted", "interview"}, "employer"),
    "withdrawn": ({"submitted", "interview"}, "seeker"),
}
Record = dict[str, Any]


def check_can_apply(seeker: Record, vacancy: Record, shown_in_seeker_region: bool, now: datetime) -> None:
    status, reason = cards.seeker_status(seeker, now)
    if status != "active":
        raise Conflict(f"your AK/1 card is {status} ({reason}); you cannot apply",
                       {"field": "seeker_id", "code": "card_not_active", "status": status})
    if not vacancies.is_open(vacancy, now):
        raise Conflict(f"vacancy {vacancy['_id']} is closed to applications",
                       {"field": "vacancy_id", "code": "vacancy_not_open"})
    if not shown_in_seeker_region:
        raise Forbidden(f"vacancies of region {vacancy['region']} are not shared with "
                        f"region {seeker['region']}", {"field": "vacancy_id", "code": "vacancy_not_shared"})


def application_id(vacancy_id: str, seeker_id: str) -> str:
    """One application per seeker and vacancy: the id says so."""
    return f"{vacancy_id}.{seeker_id}"


def apply(seeker: Record, vacancy: Record, shown_in_seeker_region: bool, cover_letter: Any,
          now: datetime) -> Decision:
    """The seeker's application to the vacancy, and application_submitted."""
    letter = checked(commands.APPLY, {"cover_letter": cover_letter})["cover_letter"]
    check_can_apply(seeker, vacancy, shown_in_seeker_region, now)
    application = {"_id": application_id(vacancy["_id"], seeker["_id"]), "vacancy_id": vacancy["_id"],
                   "seeker_id": seeker["_id"], "seeker_region": seeker["region"],
                   "region": vacancy["region"], "owner": vacancy["owner"], "status": "submitted",
                   "cover_letter": letter, "submitted_at": now, "updated_at": now,
                   "history": [{"from": None, "to": "submitted", "by": "seeker", "note": "", "at": now}]}
    event = pencaker_event("application_submitted", vacancy["region"], now,
                           application_id=application["_id"], vacancy_id=vacancy["_id"],
                           seeker_id=seeker["_id"], seeker_region=seeker["region"],
                           submitted_at=isoformat(now))
    return Decision(application, [event])


def move(application: Record, to: str, party: str, now: datetime, note: str | None = None) -> Decision:
    """The application moved to `to` by `party` (with its history), and
    application_status_changed; an acceptance leaves the placement to do."""
    if to not in MOVES:
        raise ValidationFailed.field("status", f"{to!r} unknown; one of {', '.join(MOVES)}",
                                     code="not_allowed", allowed=list(MOVES))
    sources, allowed = MOVES[to]
    if party != allowed:
        raise Forbidden(f"only the {allowed} may move an application to {to}",
                        {"field": "status", "code": "not_your_move", "party": allowed})
    state = application["status"]
    if state not in sources:
        raise Conflict(f"application is {state}; it can move to {to} only from "
                       + " or ".join(sorted(sources)), {"field": "status", "status": state,
                                                         "code": "wrong_state"})
    entry = {"from": state, "to": to, "by": party, "note": plain(note) or "", "at": now}
    moved = {**application, "status": to, "updated_at": now, "history": application["history"] + [entry]}
    if to == "accepted":
        moved["placement_pending"] = True
    event = pencaker_event("application_status_changed", application["region"], now,
                           application_id=application["_id"], vacancy_id=application["vacancy_id"],
                           seeker_id=application["seeker_id"], **{"from": state, "to": to}, at=isoformat(now))
    return Decision(moved, [event])


def move_by_employer(application: Record, body: Any, now: datetime) -> Decision:
    """The employer's move (commands.MOVE_APPLICATION: interview, accepted, rejected)."""
    move_to = cast(commands.MoveApplication, checked(commands.MOVE_APPLICATION, body))
    return move(application, move_to["status"], "employer", now, move_to.get("note"))


def placed(application: Record) -> Decision:
    """Every step of the placement is done."""
    return Decision({**application, "placement_pending": False})


# Each history entry leaves key by key: a key added where entries are made stays inside
# until it is named here on purpose.
HISTORY_KEYS = ("from", "to", "by", "note", "at")


def view(application: Record) -> Record:
    return {k: application.get(k) for k in (
        "_id", "vacancy_id", "seeker_id", "region", "status", "cover_letter", "submitted_at",
        "updated_at")} | {"id": application["_id"], "history": [
            {k: entry.get(k) for k in HISTORY_KEYS} for entry in application.get("history") or []]}
