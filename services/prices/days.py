"""Days as the prices service reads them: the project's working days, a region's
today, and a day given over RPC."""
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from holidays.constants import GOVERNMENT, PUBLIC

from services.prices.domain import sheets
from services.servicekit.errors import ValidationFailed


@lru_cache(maxsize=8)
def _days_off(year):
    # The project's working days (aspirasi/sla.py): public holidays and cuti bersama off.
    return holidays.Indonesia(years=year, categories=(PUBLIC, GOVERNMENT))


def is_working_day(day):
    return day.weekday() < 5 and day not in _days_off(day.year)


def today_in(region):
    return datetime.now(ZoneInfo(region.timezone)).date().isoformat()


def parse_day(value, field):
    if value is None:
        return None
    try:
        return sheets.parse_date(str(value))
    except sheets.RowRejected as exc:
        raise ValidationFailed.field(field, exc.reason) from None
