"""Who may do what in Pencaker: the authority table (action -> role -> scope, checked
by servicekit.authority) and the record field naming each action's owner.

A seeker's token subject is their seeker id; an employer's owner is the subject
that registered it; Disnaker and the region admin act in their own region.
"""
from typing import Any

from services.servicekit import authority
from services.servicekit.authority import ACTING_FOR, ANY, OWN, REGION, Target
from services.servicekit.caller import Caller

SEEKER_SIDE = {"citizen": OWN, "disnaker_officer": REGION, "region_admin": REGION,
               "platform_operator": ANY}
EMPLOYER_SIDE = SEEKER_SIDE
DISNAKER = {"disnaker_officer": REGION, "region_admin": REGION, "platform_operator": ANY}
AUTHORITY = {
    "read_seeker": SEEKER_SIDE, "update_seeker": SEEKER_SIDE, "report_seeker": SEEKER_SIDE,
    "seeker_matches": SEEKER_SIDE, "seeker_applications": SEEKER_SIDE,
    "create_employer": {"citizen": ANY, "disnaker_officer": REGION, "region_admin": REGION,
                        "platform_operator": ANY},
    "post_vacancy": EMPLOYER_SIDE, "employer_vacancies": EMPLOYER_SIDE,
    "close_vacancy": EMPLOYER_SIDE, "vacancy_matches": EMPLOYER_SIDE,
    "vacancy_applications": EMPLOYER_SIDE, "read_unpublished_vacancy": EMPLOYER_SIDE,
    "verify_vacancy": DISNAKER, "reject_vacancy": DISNAKER, "pending_vacancies": DISNAKER,
    "list_employers": DISNAKER, "find_seeker": DISNAKER,
    "apply": {"citizen": OWN},
    "withdraw_application": {"citizen": OWN},
    "move_application": {"citizen": OWN},
    "set_subscriptions": {"region_admin": REGION, "platform_operator": ANY},
    # a platform service (notifications) only for the region whose event it handles
    "read_contact": {**SEEKER_SIDE, "service": ACTING_FOR},
}
# The record field naming its owner, where it is not "owner".
OWNER_FIELD = {"read_seeker": "_id", "read_contact": "_id", "update_seeker": "_id", "report_seeker": "_id",
               "seeker_matches": "_id", "seeker_applications": "_id", "apply": "_id",
               "withdraw_application": "seeker_id"}


def authorize(action: str, caller: Caller | None, record: dict[str, Any],
              acting_for: str | None = None) -> Caller:
    """The caller, if AUTHORITY lets it do `action` on `record` (or on a region: {"region": code});
    `acting_for`: the region a service's call is for (servicekit.authority.ACTING_FOR)."""
    owner = record.get(OWNER_FIELD.get(action, "owner"))
    return authority.authorize(AUTHORITY, action, caller,
                               Target(record["region"], owners=frozenset([owner] if owner else [])),
                               acting_for)
