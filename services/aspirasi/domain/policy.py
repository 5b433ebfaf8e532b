"""Who may do what to a ticket, and from which state: the state machine and its authority
table side by side, read by one `authorize`."""
from collections.abc import Mapping
from typing import Any

from services.servicekit import authority
from services.servicekit.authority import ACTING_FOR, ANY, OPD, OWN, REGION, Target
from services.servicekit.caller import Caller
from services.servicekit.contracts.aspirasi import STATE_LABELS
from services.servicekit.errors import Forbidden

OPEN_STATES = {"submitted", "verified", "dispatched", "in_progress"}

# action -> (states it may start from, state it leads to)
TRANSITIONS = {
    "verify": ({"submitted"}, "verified"),
    "dispatch": ({"verified"}, "dispatched"),
    "start": ({"dispatched"}, "in_progress"),
    "resolve": ({"in_progress"}, "resolved"),
    "reject": ({"submitted", "verified"}, "rejected"),
    "mark_duplicate": ({"submitted", "verified"}, "duplicate"),
    "reopen": ({"resolved"}, "in_progress"),
    # an OPD hands a misrouted ticket back to the region admin ("bukan kewenangan kami"),
    # who dispatches it again: back to verified, the verification clock anew (sla.py)
    "hand_back": ({"dispatched", "in_progress"}, "verified"),
}
# Who reads the note an action takes: "public" (the reporter and everyone: the lacak page,
# the JSON API, Open311, the notification to the reporter) or "internal" (the region's
# officers only: the admin's instruction to an OPD, an OPD's reason for handing back).
NOTE_READERS = {
    "submit": "public", "verify": "internal", "dispatch": "internal", "start": "public",
    "resolve": "public", "reject": "public", "mark_duplicate": "public", "reopen": "public",
    "hand_back": "internal",
}
# Who may do what to a ticket (action -> role -> scope; servicekit.authority).
# A citizen owns a ticket by its tracking secret; an OPD officer acts on, and
# reads the reporter's contact of, their own OPD's tickets only.
AUTHORITY = {
    "verify": {"region_admin": REGION},
    "dispatch": {"region_admin": REGION},
    "start": {"opd_officer": OPD},
    "resolve": {"opd_officer": OPD},
    "reject": {"region_admin": REGION},
    "mark_duplicate": {"region_admin": REGION},
    "reopen": {"citizen": OWN},
    "hand_back": {"opd_officer": OPD},
    # a platform service (notifications) only for the region whose event it handles
    "read_contact": {"region_admin": REGION, "opd_officer": OPD, "service": ACTING_FOR},
    "set_category": {"region_admin": REGION, "platform_operator": ANY},
    "retire_category": {"region_admin": REGION, "platform_operator": ANY},
    # removing a region for good (`remove --purge`) is the platform's alone
    "purge_region": {"platform_operator": ANY},
    "issue_api_key": {"region_admin": REGION, "platform_operator": ANY},
    "manage_api_keys": {"region_admin": REGION, "platform_operator": ANY},
    # the officer console: a region's queue (an OPD officer: their OPD's) and kinerja
    "read_queue": {"region_admin": REGION, "opd_officer": OPD, "platform_operator": ANY},
    "read_kinerja": {"region_admin": REGION, "platform_operator": ANY},
    "read_kinerja_regions": {"platform_operator": ANY},
}

__all__ = ["OPEN_STATES", "TRANSITIONS", "NOTE_READERS", "AUTHORITY", "STATE_LABELS", "authorize",
           "allowed_actions", "note_readers"]


def authorize(action: str, caller: Caller, ticket: Mapping[str, Any],
              acting_for: str | None = None) -> Caller:
    """The caller, if AUTHORITY lets it do `action` on `ticket` (or on a region: {"region": code});
    `acting_for`: the region a service's call is for (servicekit.authority.ACTING_FOR)."""
    return authority.authorize(AUTHORITY, action, caller, Target(
        ticket["region"], ticket.get("opd"), frozenset([ticket["_id"]] if "_id" in ticket else [])),
        acting_for)


def note_readers(entry: Mapping[str, Any]) -> str:
    """Who may read a history entry's note: as recorded, else its action's (entries written
    before notes had readers: a dispatch instruction stays internal)."""
    return entry.get("readers") or NOTE_READERS.get(entry.get("action") or "", "internal")


def allowed_actions(ticket: Mapping[str, Any], caller: Caller) -> list[str]:
    """The officer actions `caller` may take on the ticket now (state and AUTHORITY)."""
    allowed = []
    for action, (sources, _) in TRANSITIONS.items():
        if ticket["status"] not in sources or caller.role == "citizen":
            continue
        try:
            authorize(action, caller, ticket)
        except Forbidden:
            continue
        allowed.append(action)
    return allowed
