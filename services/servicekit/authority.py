"""Who may do what, checked in one place.

Each domain keeps its table beside its state machine: action -> {role: scope}.
A scope says which records the role may act on:

* ANY: every record (a platform operator);
* REGION: records of the caller's own region;
* OPD: records of the caller's own region and OPD;
* OWN: records the caller owns (their subject or a proven id among the record's owners);
* ACTING_FOR: records of the region the call says it acts for (`acting_for`, an
  RPC argument: notifications passes the envelope region of the event it
  handles). A platform service belongs to no region; this keeps one region's
  event, forged or mistaken, from making it act on another region's record
  (a Pandeglang event naming a Kota Tangerang ticket reads no contact).

A role missing from an action's row may not do it at all.
"""
from dataclasses import dataclass
from typing import Mapping

from services.servicekit.caller import Caller
from services.servicekit.errors import Forbidden, Unauthorized

ANY, REGION, OPD, OWN, ACTING_FOR = "any", "region", "opd", "own", "acting_for"
OFFICERS = {"region_admin": REGION, "platform_operator": ANY}


@dataclass(frozen=True)
class Target:
    """What the scope of a rule is checked against."""
    region: str
    opd: str | None = None
    owners: frozenset[str] = frozenset()


# action -> {role: scope}
Table = Mapping[str, Mapping[str, str]]


def authorize(table: Table, action: str, caller: Caller | None, target: Target,
              acting_for: str | None = None) -> Caller:
    """Return `caller` if `table` lets it do `action` on `target`; else 401/403 saying why.

    `acting_for` is the region the call is made for (scope ACTING_FOR); None where
    the call names none, which that scope refuses."""
    if caller is None:
        raise Unauthorized(f"sign in to {action.replace('_', ' ')}", {"field": "caller"})
    rules = table[action]
    scope = rules.get(caller.role)
    if scope is None:
        raise Forbidden(f"role {caller.role} may not {action.replace('_', ' ')}; "
                        f"{' or '.join(sorted(rules))} may", {"field": "role"})
    if scope in (REGION, OPD) and caller.region != target.region:
        raise Forbidden(f"officers of {caller.region} cannot act in region {target.region}",
                        {"field": "region"})
    if scope == ACTING_FOR and acting_for != target.region:
        raise Forbidden(f"this call acts for region {acting_for or '(none named)'}; the record is "
                        f"of region {target.region}", {"field": "acting_for"})
    if scope == OPD and caller.opd != target.opd:
        raise Forbidden(f"this is handled by {target.opd}, not {caller.opd}", {"field": "opd"})
    if scope == OWN and not (target.owners & {caller.subject, *caller.owns}):
        raise Forbidden(f"only its owner may {action.replace('_', ' ')} this", {"field": "owner"})
    return caller
