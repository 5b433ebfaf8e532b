"""A ticket moved on by an officer or its reporter, and its SLA clocks running out: each a
decision (the ticket as it now stands, with its history and clocks, and its events).

Codes of the refusals a schema cannot say: unknown_action (allowed=), unknown_opd
(allowed=), and DUPLICATE_GUARDS' (duplicate_of_itself, duplicate_unknown,
duplicate_other_region, duplicate_of_duplicate (original=)); wrong state and a late
reopen are Conflicts.
"""
from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Any

from services.aspirasi import sla
from services.aspirasi.commands import TRANSITION_COMMANDS
from services.aspirasi.domain.events import ticket_event
from services.aspirasi.domain.policy import NOTE_READERS, TRANSITIONS, authorize
from services.aspirasi.domain.text import plain_texts
from services.servicekit.caller import Caller
from services.servicekit.contracts.aspirasi import STATE_LABELS
from services.servicekit.decision import Decision
from services.servicekit.errors import Conflict, ValidationFailed, problem
from services.servicekit.regions import Region, get_region
from services.servicekit.validation import check_body

REOPEN_WINDOW = timedelta(days=14)
# the moment each action records on the ticket (the first response only once)
STAMPS = {"verify": "verified_at", "dispatch": "dispatched_at", "resolve": "resolved_at",
          "reopen": "reopened_at", "hand_back": "handed_back_at"}
# What the original of a duplicate must be, in the order they are checked: the first that
# fails names the field. (the ticket, the number given, the original found or None) -> refused?
DUPLICATE_GUARDS = (
    ("duplicate_of_itself", lambda t, n, o: n == t["_id"], "give the original ticket's number, not this one"),
    ("duplicate_unknown", lambda t, n, o: o is None, "no ticket has this number"),
    ("duplicate_other_region", lambda t, n, o: o["region"] != t["region"],
     "the original must be a ticket of the same region"),
    ("duplicate_of_duplicate", lambda t, n, o: o["status"] == "duplicate",
     "that ticket is itself a duplicate; give its original"),
)


def transition(ticket: Mapping[str, Any], action: str, caller: Caller, now: datetime, note: str | None = None,
               opds: Collection[str] = (), region: Region | None = None,
               original: Mapping[str, Any] | None = None, **params: Any) -> Decision:
    """`action` done by `caller`: the ticket moved on (state, history, clocks) and its
    status_changed event. `opds` are the region's known OPDs (a dispatch names one of them);
    `original` the ticket a duplicate's `duplicate_of` names, as stored (None: none has it)."""
    if action not in TRANSITIONS:
        raise ValidationFailed.field("action", f"{action!r} unknown; one of {', '.join(TRANSITIONS)}",
                                     code="unknown_action", allowed=list(TRANSITIONS))
    authorize(action, caller, ticket)
    command = _command(action, note, params)
    sources, target = TRANSITIONS[action]
    state = ticket["status"]
    if state not in sources:
        raise Conflict(
            f"cannot {action} a ticket that is {state} ({STATE_LABELS[state]}); allowed from "
            + ", ".join(sorted(sources)), {"field": "action", "status": state})
    changes = {"status": target, **_effects(ticket, action, command, now, opds, original)}
    region = region or get_region(ticket["region"])
    changes.update(sla.started(action, ticket, now, region.timezone, region.code))
    entry = {"from": state, "to": target, "action": action, "actor": caller.subject,
             "role": caller.role, "note": command.get("note", ""), "readers": NOTE_READERS[action], "at": now}
    record = {**ticket, **changes, "updated_at": now, "history": [*ticket["history"], entry]}
    # the event reaches the reporter (notifications): an internal note stays on the ticket
    event = ticket_event("aspirasi_status_changed", ticket, now, **{
        "from": state, "to": target, "action": action, "role": caller.role, "at": now.isoformat(),
        "on_time": not ticket.get("breaches"),
        "note": entry["note"] if entry["readers"] == "public" else ""})
    return Decision(record, [event])


def _command(action: str, note: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    """What the action takes (TRANSITION_COMMANDS), checked; other parameters are not its own."""
    schema = TRANSITION_COMMANDS[action]
    given = {"note": note, **params}
    command = {k: v.strip() if isinstance(v, str) else v
               for k, v in given.items() if k in schema["properties"] and v is not None}
    check_body(schema, command, plain_texts(command, ("note",)))
    return command


def _effects(ticket: Mapping[str, Any], action: str, command: Mapping[str, Any], now: datetime,
             opds: Collection[str], original: Mapping[str, Any] | None) -> dict[str, Any]:
    """What `action` records beyond the state: when, to which OPD, why."""
    changes: dict[str, Any] = {}
    if action in STAMPS:
        changes[STAMPS[action]] = now
    if action == "start" and "first_response_at" not in ticket:
        changes["first_response_at"] = now
    if action == "dispatch":
        changes["opd"] = _dispatch_opd(command.get("opd"), ticket["opd"], opds)
    if action == "hand_back":
        changes["opd_due_at"] = None  # the OPD's clock stops; a new dispatch starts it anew
    if action == "reject":
        changes["reject_reason"] = command["reason"]
    if action == "mark_duplicate":
        changes["duplicate_of"] = _original(ticket, command["duplicate_of"], original)
    if action == "reopen" and now - ticket["resolved_at"] > REOPEN_WINDOW:
        raise Conflict("a resolved ticket can be reopened within 14 days only", {"field": "action"})
    return changes


def _original(ticket: Mapping[str, Any], number: str, original: Mapping[str, Any] | None) -> str:
    """The number of a duplicate's original once DUPLICATE_GUARDS let it through."""
    if original is not None and original["_id"] != number:
        original = None  # a lookup of another number proves nothing of this one
    for code, refused, message in DUPLICATE_GUARDS:
        if refused(ticket, number, original):
            chained = code == "duplicate_of_duplicate" and original
            extra = {"original": original["duplicate_of"]} if chained and original else {}
            raise ValidationFailed.field("duplicate_of", message, code=code, number=number, **extra)
    return number


def _dispatch_opd(opd: str | None, current: str, opds: Collection[str]) -> str:
    if opd is None:
        return current
    if opd not in opds:
        raise ValidationFailed.of({"opd": problem("unknown_opd", "must be one of the region's OPDs: "
                                                  + ", ".join(sorted(opds)), allowed=sorted(opds))})
    return opd


def breached(ticket: Mapping[str, Any], now: datetime) -> Decision | None:
    """The ticket with its running clock recorded as breached once it ran out, and the
    breach's event; None while it runs (or was recorded already)."""
    clocks = sla.breaches(ticket, now)
    if not clocks:
        return None
    due = {stage.name: ticket[stage.due_field] for stage in sla.STAGES if stage.name in clocks}
    events = [ticket_event("aspirasi_sla_breached", ticket, now, clock=clock, due_at=due[clock].isoformat(),
                           status=ticket["status"]) for clock in clocks]
    return Decision({**ticket, "breaches": [*ticket.get("breaches", []), *clocks]}, events)
