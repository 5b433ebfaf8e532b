"""Who may record, import and read a region's prices, and the check."""
from services.servicekit import authority
from services.servicekit.authority import ANY, REGION, Target

# Who may do what (action -> role -> scope; servicekit.authority): the region's
# admin records its prices; reading is public except a record's correction history.
# Market price clerks record their region's prices; the region admin may too.
OFFICERS = {"price_clerk": REGION, "region_admin": REGION, "platform_operator": ANY}
AUTHORITY = {"record_prices": OFFICERS, "import_prices": OFFICERS, "read_price_record": OFFICERS}


def authorize(action, caller, region_code):
    return authority.authorize(AUTHORITY, action, caller, Target(region_code))
