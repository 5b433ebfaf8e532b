"""The gateway's own authority table: accounts and the region registry.

The gateway owns these two (its accounts store, the partner broker); every
other decision belongs to a domain service's table. Checked by the kit's one
`authorize`, like every domain's.
"""
from services.servicekit import authority
from services.servicekit.authority import ANY, REGION, Target

# What a region admin may create in their own region; other roles only operators.
DELEGABLE = {"opd_officer", "disnaker_officer", "price_clerk", "editor", "citizen"}
AUTHORITY = {
    "create_account": {"region_admin": REGION, "platform_operator": ANY},
    "create_privileged_account": {"platform_operator": ANY},
    "manage_regions": {"platform_operator": ANY},
    "manage_subscriptions": {"region_admin": REGION, "platform_operator": ANY},
    "manage_dead_letters": {"platform_operator": ANY},
    # A region's profile (servicekit/region_profile.py): what the platform offers it and how it
    # is presented are the operator's; its own calendar, time zone and senders its admin's.
    "edit_region_offer": {"platform_operator": ANY},
    "edit_region_profile": {"region_admin": REGION, "platform_operator": ANY},
}


def authorize(action, caller, region=None):
    return authority.authorize(AUTHORITY, action, caller, Target(region))


def account_action(role):
    return "create_account" if role in DELEGABLE else "create_privileged_account"
