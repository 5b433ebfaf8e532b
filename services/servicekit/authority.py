"""Who may do what, checked in one place.

Each domain keeps its table beside its state machine: action -> {role: scope}.
A scope says which records the role may act on:

* ANY: every record (a platform operator; a service reading a contact);
* REGION: records of the caller's own region;
* OPD: records of the caller's own region and OPD;
* OWN: records the caller owns (their subject or a proven id among the record's owners).

A role missing from an action's row may not do it at all.
"""
from dataclasses import dataclass

from services.servicekit.errors import Forbidden, Unauthorized

ANY, REGION, OPD, OWN = "any", "region", "opd", "own"
OFFICERS = {"region_admin": REGION, "platform_operator": ANY}


@dataclass(frozen=True)
class Target:
    """What the scope of a rule is checked against."""
    region: str
    opd: str | None = None
    owners: frozenset = frozenset()


def authorize(table, action, caller, target):
    """Return `caller` if `table` lets it do `action` on `target`; else 401/403 saying why."""
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
    if scope == OPD and caller.opd != target.opd:
        raise Forbidden(f"this is handled by {target.opd}, not {caller.opd}", {"field": "opd"})
    if scope == OWN and not (target.owners & {caller.subject, *caller.owns}):
        raise Forbidden(f"only its owner may {action.replace('_', ' ')} this", {"field": "owner"})
    return caller
