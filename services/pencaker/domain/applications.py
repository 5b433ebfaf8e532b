"""Applications: who may apply, one application per seeker and vacancy, and the moves
the employer and the seeker may make."""
from services.pencaker.domain import cards, vacancies
from services.servicekit.errors import Conflict, Forbidden, ValidationFailed
from services.servicekit.validation import reject_markup

# target -> (states it may start from, the party allowed to move it there)
MOVES = {
    "interview": ({"submitted"}, "employer"),
    "accepted": ({"submitted", "interview"}, "employer"),
    "rejected": ({"submitted", "interview"}, "employer"),
    "withdrawn": ({"submitted", "interview"}, "seeker"),
}


def check_can_apply(seeker, vacancy, shown_in_seeker_region, now):
    status, reason = cards.seeker_status(seeker, now)
    if status != "active":
        raise Conflict(f"your AK/1 card is {status} ({reason}); you cannot apply",
                       {"field": "seeker_id"})
    if not vacancies.is_open(vacancy, now):
        raise Conflict(f"vacancy {vacancy['_id']} is closed to applications", {"field": "vacancy_id"})
    if not shown_in_seeker_region:
        raise Forbidden(f"vacancies of region {vacancy['region']} are not shared with "
                        f"region {seeker['region']}", {"field": "vacancy_id"})


def application_id(vacancy_id, seeker_id):
    """One application per seeker and vacancy: the id says so."""
    return f"{vacancy_id}.{seeker_id}"


def move(application, to, party, now, note=None):
    """(changes, history entry) for moving an application to `to` by `party`."""
    if to not in MOVES:
        raise ValidationFailed.field("status", f"{to!r} unknown; one of {', '.join(MOVES)}")
    sources, allowed = MOVES[to]
    if party != allowed:
        raise Forbidden(f"only the {allowed} may move an application to {to}", {"field": "status"})
    state = application["status"]
    if state not in sources:
        raise Conflict(f"application is {state}; it can move to {to} only from "
                       + " or ".join(sorted(sources)), {"field": "status", "status": state})
    note = reject_markup({"note": note}, "note", required=False, max_length=1000) or ""
    entry = {"from": state, "to": to, "by": party, "note": note, "at": now}
    return {"status": to, "updated_at": now, "history": application["history"] + [entry]}, entry


def view(application):
    return {k: application.get(k) for k in (
        "_id", "vacancy_id", "seeker_id", "region", "status", "cover_letter", "submitted_at",
        "updated_at", "history")} | {"id": application["_id"]}
