"""Days as the prices service reads them: a region's today, and a day given over RPC."""
from datetime import datetime
from zoneinfo import ZoneInfo

from services.prices.domain import cells as sheets
from services.servicekit.errors import ValidationFailed
from services.servicekit.regions import Region


def today_in(region: Region) -> str:
    return datetime.now(ZoneInfo(region.timezone)).date().isoformat()


def parse_day(value: object, field: str) -> str | None:
    """A day given over RPC (YYYY-MM-DD or D-M-YYYY) as ISO text; None when not given."""
    if value is None:
        return None
    try:
        return sheets.parse_date(str(value))
    except sheets.RowRejected as exc:
        raise ValidationFailed.field(field, exc.reason, code=exc.code, **exc.params) from None
