"""Who may record, import and read a region's prices, and the check."""
from typing import Any

from services.servicekit import authority
from services.servicekit.authority import ANY, REGION, Target

# Who may do what (action -> role -> scope; servicekit.authority): the region's
# admin records its prices; reading is public except a record's correction history.
# Market price clerks record their region's prices; the region admin may too.
OFFICERS = {"price_clerk": REGION, "region_admin": REGION, "platform_operator": ANY}
AUTHORITY = {"record_prices": OFFICERS, "import_prices": OFFICERS, "read_price_record": OFFICERS,
             # a region's markets: its admin and price clerks (the console's harga pages)
             "manage_markets": OFFICERS}


def authorize(action: str, caller: Any, region_code: str) -> Any:
    return authority.authorize(AUTHORITY, action, caller, Target(region_code))
