"""Days as the prices service reads them: a region's today, and a day given over RPC."""
from datetime import datetime
from zoneinfo import ZoneInfo

from services.prices.domain import sheets
from services.servicekit.errors import ValidationFailed


def today_in(region):
    return datetime.now(ZoneInfo(region.timezone)).date().isoformat()


def parse_day(value, field):
    if value is None:
        return None
    try:
        return sheets.parse_date(str(value))
    except sheets.RowRejected as exc:
        raise ValidationFailed.field(field, exc.reason) from None
