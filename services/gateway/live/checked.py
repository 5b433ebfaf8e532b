"""What every domain's live section shares: the timeouts of its RPCs and one check of
every region's marks by the section's service (`live_marks(regions)`).

Each section's `mark` is what its service's `live_marks` RPC answers for the
same data: small, and cheap for the service to compute (counts and ids).
"""
from services.gateway.live.section import Section
from services.servicekit.errors import NotFound
from services.servicekit.regions import get_region
from services.servicekit.rpc import call

LIVE_RPC_TIMEOUT = 0.5
CHECK_TIMEOUT = 2  # a timer's check of every region at once, not a citizen waiting


def region_name(code):
    try:
        return get_region(code).name
    except NotFound:
        return code


class CheckedSection(Section):
    """A section its service checks with one `live_marks(regions)` RPC."""

    def marks(self, rpc, region_codes):
        proxy = getattr(rpc, self.source)
        return call(proxy.live_marks, region_codes, timeout=CHECK_TIMEOUT)["regions"]
