"""Price sheets (CSV): each cell read and checked, bad rows rejected with their reason,
empty prices and repeated rows set aside."""
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from services.prices.domain.catalogue_model import name_key
from services.prices.domain.price_math import to_rupiah
from services.servicekit.errors import ValidationFailed

MAX_SHEET_ROWS = 50_000
EARLIEST_DATE = "2000-01-01"
UNITS = {"kg": "kg", "kilogram": "kg", "kilo": "kg",
         "liter": "liter", "litre": "liter", "ltr": "liter", "lt": "liter", "l": "liter"}
# Header spellings of officers' sheets and of Panel Harga/PIHPS exports.
COLUMNS = {
    "date": ("date", "tanggal", "timestamp"),
    "market": ("market", "pasar"),
    "commodity": ("commodity", "komoditas", "komoditi"),
    "unit": ("unit", "satuan"),
    "price": ("price", "harga"),
}
THOUSANDS = re.compile(r"^\d{1,3}([.,])\d{3}(\1\d{3})*$")
DECIMAL = re.compile(r"^\d+([.,]\d{1,2})?$")
DATE_DMY = re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$")


class RowRejected(Exception):
    def __init__(self, field, reason):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Row:
    line: int
    market: str
    commodity: str
    date: str
    price: int


@dataclass
class Sheet:
    rows: list = field(default_factory=list)
    rejected: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)


def parse_unit(text):
    """'Rp./Kg', 'Rp/kg', ' rp / liter ' -> 'kg' / 'liter'; None when not a unit."""
    key = "".join(text.lower().split()).replace(".", "")
    if key.startswith("rp/"):
        key = key[3:]
    elif key.startswith("rp"):
        key = key[2:]
    return UNITS.get(key)


def parse_price(text):
    """Whole rupiah from a sheet cell; None for 0 or empty (no data).

    Accepts thousands separators either way ('16.000', '16,000'), an 'Rp'
    prefix and up to 2 decimals ('16000.50'). Raises RowRejected otherwise.
    """
    raw = text.strip()
    value = raw.lower().removeprefix("rp").strip().lstrip(".").strip().replace(" ", "")
    if value in ("", "0", "-"):
        return None
    if value.startswith("-"):
        raise RowRejected("price", f"{raw!r} is negative")
    if THOUSANDS.match(value):
        number = Decimal(re.sub(r"[.,]", "", value))
    elif DECIMAL.match(value):
        number = Decimal(value.replace(",", "."))
    else:
        raise RowRejected("price", f"{raw!r} is not a price in rupiah")
    return None if number == 0 else to_rupiah(number)


def parse_date(text):
    raw = text.strip()
    try:
        found = DATE_DMY.match(raw)
        if found:
            day, month, year = map(int, found.groups())
            return date(year, month, day).isoformat()
        return date.fromisoformat(raw[:10]).isoformat()
    except ValueError:
        raise RowRejected("date", f"{raw!r} is not a date; write YYYY-MM-DD or D-M-YYYY") from None


def check_price(price, commodity):
    low, high = commodity.plausible
    if not low <= price <= high:
        raise RowRejected("price", f"Rp {price:,} per {commodity.unit} is not plausible for "
                                   f"{commodity.name} (expected Rp {low:,} to Rp {high:,})")


def check_date(day, today):
    if day > today:
        raise RowRejected("date", f"{day} is in the future (today is {today})")
    if day < EARLIEST_DATE:
        raise RowRejected("date", f"{day} is before {EARLIEST_DATE}")


def _market(text, region_code, catalogue):
    if not text:
        raise RowRejected("market", "is empty; give a market column or a default market")
    market = catalogue.market(region_code, text)
    if market is None:
        raise RowRejected("market", f"{text!r} is not a market of region {region_code}")
    return market.code


def _commodity(text, catalogue):
    commodity = catalogue.commodity(text) if text else None
    if commodity is None:
        raise RowRejected("commodity", f"{text!r} is not in the catalogue" if text else "is empty")
    return commodity


def _date(text, today):
    day = parse_date(text)
    check_date(day, today)
    return day


def _unit(text, commodity):
    unit = parse_unit(text)
    if unit is None:
        raise RowRejected("unit", f"{text!r} is not a unit; write Rp/kg or Rp/liter")
    if unit != commodity.unit:
        raise RowRejected("unit", f"{text!r} does not match {commodity.name}, priced per {commodity.unit}")
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


def read_place(market_text, commodity_text, date_text, unit_text, region_code, catalogue, today,
               cache=None):
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


def read_price(text, commodity):
    price = parse_price(text)
    if price is not None:
        check_price(price, commodity)
    return price


def read_row(values, region_code, catalogue, today, default_market=None):
    """One sheet row {column: text} -> (market, commodity, date, price|None)."""
    market, commodity, day = read_place(
        values.get("market") or default_market or "", values.get("commodity") or "",
        values.get("date") or "", values.get("unit") or "", region_code, catalogue, today)
    return market, commodity.code, day, read_price(values.get("price") or "", commodity)


def header_columns(header):
    """Map our column names to their index in the sheet's header row."""
    found = {}
    for index, text in enumerate(header):
        key = name_key(text.replace("\ufeff", ""))
        for column, spellings in COLUMNS.items():
            if key in spellings and column not in found:
                found[column] = index
    missing = [c for c in ("date", "commodity", "price") if c not in found]
    if missing:
        raise ValidationFailed.field(
            "header", f"the first row must name the columns; missing {', '.join(missing)} "
                      f"(accepted: {'; '.join('/'.join(v) for v in COLUMNS.values())})")
    return found


def parse_sheet(text, region_code, catalogue, today, default_market=None):
    """Validate every row of a CSV sheet; reject or set aside the bad ones, keep the rest.

    Zero or empty prices are 'no data' (reported as missing); a row repeated
    with the same price is reported as a duplicate; the same market, commodity
    and date with another price is rejected, naming the line it conflicts with.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValidationFailed.field("body", "the CSV sheet is empty")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ValidationFailed.field("header", f"is not CSV ({exc})") from None
    columns = header_columns(header)
    sheet = Sheet()
    seen, checked = {}, {}
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            sheet.rejected.append({"line": reader.line_num, "field": "row", "reason": str(exc)})
            continue
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(sheet.rows) + len(sheet.rejected) + len(sheet.missing) >= MAX_SHEET_ROWS:
            raise ValidationFailed.field("body", f"more than {MAX_SHEET_ROWS} rows; split the sheet")
        texts = tuple(cells[columns[c]] if c in columns and columns[c] < len(cells) else ""
                      for c in ("market", "commodity", "date", "unit", "price"))
        place = texts[:4] if texts[0].strip() or not default_market else (default_market, *texts[1:4])
        try:
            market, commodity, day = read_place(*place, region_code, catalogue, today, checked)
            price = read_price(texts[4], commodity)
            commodity = commodity.code
        except RowRejected as exc:
            sheet.rejected.append({"line": line, "field": exc.field, "reason": exc.reason})
            continue
        if price is None:
            sheet.missing.append({"line": line, "market": market, "commodity": commodity,
                                  "date": day})
            continue
        key = (market, commodity, day)
        if key in seen:
            first = seen[key]
            if first.price == price:
                sheet.duplicates.append({"line": line, "duplicate_of": first.line})
            else:
                sheet.rejected.append({"line": line, "field": "price", "reason": (
                    f"line {first.line} gives {commodity} at {market} on {day} as Rp {first.price:,}"
                    f", this line Rp {price:,}; keep one")})
            continue
        seen[key] = Row(line, market, commodity, day, price)
        sheet.rows.append(seen[key])
    return sheet
