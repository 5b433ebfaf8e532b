"""Which regions' records this deployment keeps: the rule that keeps a service from being
asked for a record another region owns (an edge region keeps its own, the hub the rest)."""
from services.servicekit.errors import NotFound
from services.servicekit.regions import get_region, host_code


def hosted_here(code: str) -> bool:
    """Whether this deployment keeps region `code`'s records (a ticket number names its
    region: LAKSA-3601-... is 36.01's). An edge region's deployment keeps its own region's
    only; the hub every region but the edge regions, whose records live at their edge and
    reach the hub as uplinked events, never as records its services can be asked for."""
    own = host_code()
    if code == own:
        return True
    try:
        return not get_region(own).edge and not get_region(code).edge
    except NotFound:
        return False
