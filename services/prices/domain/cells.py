"""A sheet's cells read and checked one by one: a price in rupiah, a date, a unit, a market
and a commodity of the catalogue. A refused cell is a RowRejected naming its column,
with a stable code and its parameters (what the officer's page translates)."""
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from services.prices.domain.catalogue_model import Catalogue, Commodity
from services.prices.domain.price_math import to_rupiah
from services.servicekit.errors import problem

EARLIEST_DATE = "2000-01-01"
UNITS = {"kg": "kg", "kilogram": "kg", "kilo": "kg",
         "liter": "liter", "litre": "liter", "ltr": "liter", "lt": "liter", "l": "liter"}
THOUSANDS = re.compile(r"^\d{1,3}([.,])\d{3}(\1\d{3})*$")
DECIMAL = re.compile(r"^\d+([.,]\d{1,2})?$")
DATE_DMY = re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$")


class RowRejected(Exception):
    """A row's cell refused: the column, a stable code with its parameters and the English reason."""

    def __init__(self, field: str, reason: str, code: str = "invalid", **params: Any) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.code = code
        self.params = params

    @property
    def problem(self) -> dict[str, Any]:
        return problem(self.code, self.reason, **self.params)

    def report(self, line: int) -> dict[str, Any]:
        """The rejected row as an import report lists it."""
        return {"line": line, "field": self.field, "code": self.code, "reason": self.reason, **self.params}


@dataclass(frozen=True)
class Row:
    line: int
    market: str
    commodity: str
    date: str
    price: int


def parse_unit(text: str) -> str | None:
    """'Rp./Kg', 'Rp/kg', ' rp / liter ' -> 'kg' / 'liter'; None when not a unit."""
    key = "".join(text.lower().split()).replace(".", "")
    if key.startswith("rp/"):
        key = key[3:]
    elif key.startswith("rp"):
        key = key[2:]
    return UNITS.get(key)


def parse_price(text: str) -> int | None:
    """Whole rupiah from a sheet cell; None for 0 or empty (no data).

    Accepts thousands separators either way ('16.000', '16,000'), an 'Rp'
    prefix and up to 2 decimals ('16000.50'). Raises RowRejected otherwise.
    """
    raw = text.strip()
    value = raw.lower().removeprefix("rp").strip().lstrip(".").strip().replace(" ", "")
    if value in ("", "0", "-"):
        return None
    if value.startswith("-"):
        raise RowRejected("price", f"{raw!r} is negative", code="negative_price", text=raw)
    if THOUSANDS.match(value):
        number = Decimal(re.sub(r"[.,]", "", value))
    elif DECIMAL.match(value):
        number = Decimal(value.replace(",", "."))
    else:
        raise RowRejected("price", f"{raw!r} is not a price in rupiah", code="bad_price", text=raw)
    return None if number == 0 else to_rupiah(number)


def parse_date(text: str) -> str:
    raw = text.strip()
    try:
        found = DATE_DMY.match(raw)
        if found:
            day, month, year = map(int, found.groups())
            return date(year, month, day).isoformat()
        return date.fromisoformat(raw[:10]).isoformat()
    except ValueError:
        raise RowRejected("date", f"{raw!r} is not a date; write YYYY-MM-DD or D-M-YYYY", code="bad_date",
                          text=raw) from None


def check_price(price: int, commodity: Commodity) -> None:
    low, high = commodity.plausible
    if not low <= price <= high:
        raise RowRejected("price", f"Rp {price:,} per {commodity.unit} is not plausible for "
                                   f"{commodity.name} (expected Rp {low:,} to Rp {high:,})",
                          code="implausible_price", price=price, unit=commodity.unit,
                          commodity=commodity.name, min=low, max=high)


def check_date(day: str, today: str) -> None:
    if day > today:
        raise RowRejected("date", f"{day} is in the future (today is {today})", code="future_date",
                          date=day, today=today)
    if day < EARLIEST_DATE:
        raise RowRejected("date", f"{day} is before {EARLIEST_DATE}", code="date_too_early", date=day,
                          min=EARLIEST_DATE)


def _market(text, region_code, catalogue):
    if not text:
        raise RowRejected("market", "is empty; give a market column or a default market", code="no_market")
    market = catalogue.market(region_code, text)
    if market is None:
        raise RowRejected("market", f"{text!r} is not a market of region {region_code}",
                          code="unknown_market", market=text, region=region_code)
    return market.code


def _commodity(text, catalogue):
    commodity = catalogue.commodity(text) if text else None
    if commodity is None:
        if not text:
            raise RowRejected("commodity", "is empty", code="required")
        raise RowRejected("commodity", f"{text!r} is not in the catalogue", code="unknown_commodity",
                          commodity=text)
    return commodity


def _date(text, today):
    day = parse_date(text)
    check_date(day, today)
    return day


def _unit(text, commodity):
    unit = parse_unit(text)
    if unit is None:
        raise RowRejected("unit", f"{text!r} is not a unit; write Rp/kg or Rp/liter",
                          code="bad_unit", unit=text)
    if unit != commodity.unit:
        raise RowRejected("unit", f"{text!r} does not match {commodity.name}, priced per {commodity.unit}",
                          code="unit_mismatch", unit=text, commodity=commodity.name, expected=commodity.unit)
    return unit


def _once(cache, key, check):
    """`check()` once per distinct `key` of a sheet (few markets, dates, units
    repeat over thousands of rows), its verdict or its rejection remembered."""
    if key not in cache:
        try:
            cache[key] = check()
        except RowRejected as exc:
            cache[key] = exc
    found = cache[key]
    if isinstance(found, RowRejected):
        raise found
    return found


def read_place(market_text: str, commodity_text: str, date_text: str, unit_text: str, region_code: str,
               catalogue: Catalogue, today: str, cache: dict | None = None) -> tuple[str, Commodity, str]:
    """Market, commodity and date of a sheet row, checked -> (market code, Commodity, date)."""
    cache = {} if cache is None else cache
    market_text, commodity_text = market_text.strip(), commodity_text.strip()
    date_text, unit_text = date_text.strip(), unit_text.strip()
    market = _once(cache, ("market", market_text), lambda: _market(market_text, region_code, catalogue))
    commodity = _once(cache, ("commodity", commodity_text), lambda: _commodity(commodity_text, catalogue))
    day = _once(cache, ("date", date_text), lambda: _date(date_text, today))
    if unit_text:
        _once(cache, ("unit", unit_text, commodity.code), lambda: _unit(unit_text, commodity))
    return market, commodity, day


def read_price(text: str, commodity: Commodity) -> int | None:
    price = parse_price(text)
    if price is not None:
        check_price(price, commodity)
    return price


def read_row(values: dict[str, str], region_code: str, catalogue: Catalogue, today: str,
             default_market: str | None = None) -> tuple[str, str, str, int | None]:
    """One sheet row {column: text} -> (market, commodity, date, price|None)."""
    market, commodity, day = read_place(
        values.get("market") or default_market or "", values.get("commodity") or "",
        values.get("date") or "", values.get("unit") or "", region_code, catalogue, today)
    return market, commodity.code, day, read_price(values.get("price") or "", commodity)
