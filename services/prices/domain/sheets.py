"""Price sheets (CSV): each row's cells read (cells.py), bad rows rejected with their
reason and code, empty prices and repeated rows set aside."""
import csv
import io
from dataclasses import dataclass, field
from typing import Any

from services.prices.domain.catalogue_model import Catalogue, name_key
from services.prices.domain.cells import Row, RowRejected, read_place, read_price
from services.servicekit.errors import ValidationFailed

MAX_SHEET_ROWS = 50_000
# Header spellings of officers' sheets and of Panel Harga/PIHPS exports.
COLUMNS = {
    "date": ("date", "tanggal", "timestamp"),
    "market": ("market", "pasar"),
    "commodity": ("commodity", "komoditas", "komoditi"),
    "unit": ("unit", "satuan"),
    "price": ("price", "harga"),
}

@dataclass
class Sheet:
    """A sheet read: the rows to apply, and the lines rejected, without a price or repeated."""
    rows: list[Row] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)


def header_columns(header: list[str]) -> dict[str, int]:
    """Map our column names to their index in the sheet's header row."""
    found: dict[str, int] = {}
    for index, text in enumerate(header):
        key = name_key(text.replace("\ufeff", ""))
        for column, spellings in COLUMNS.items():
            if key in spellings and column not in found:
                found[column] = index
    missing = [c for c in ("date", "commodity", "price") if c not in found]
    if missing:
        raise ValidationFailed.field(
            "header", f"the first row must name the columns; missing {', '.join(missing)} "
                      f"(accepted: {'; '.join('/'.join(v) for v in COLUMNS.values())})",
            code="missing_columns", missing=missing)
    return found


def parse_sheet(text: str, region_code: str, catalogue: Catalogue, today: str,
                default_market: str | None = None) -> "Sheet":
    """Validate every row of a CSV sheet; reject or set aside the bad ones, keep the rest.

    Zero or empty prices are 'no data' (reported as missing); a row repeated
    with the same price is reported as a duplicate; the same market, commodity
    and date with another price is rejected, naming the line it conflicts with.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValidationFailed.field("body", "the CSV sheet is empty", code="empty_sheet")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ValidationFailed.field("header", f"is not CSV ({exc})", code="not_csv") from None
    reading = _Reading(header_columns(header), region_code, catalogue, today, default_market)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            reading.sheet.rejected.append({"line": reader.line_num, "field": "row", "code": "not_csv",
                                           "reason": str(exc)})
            continue
        if any(cell.strip() for cell in cells):
            reading.add(reader.line_num, cells)
    return reading.sheet


@dataclass
class _Reading:
    """One sheet being read: its columns, the verdicts on cells seen before, the rows kept."""
    columns: dict[str, int]
    region_code: str
    catalogue: Catalogue
    today: str
    default_market: str | None
    sheet: Sheet = field(default_factory=Sheet)
    seen: dict[tuple[str, str, str], Row] = field(default_factory=dict)
    checked: dict[Any, Any] = field(default_factory=dict)

    def add(self, line: int, cells: list[str]) -> None:
        sheet = self.sheet
        if len(sheet.rows) + len(sheet.rejected) + len(sheet.missing) >= MAX_SHEET_ROWS:
            raise ValidationFailed.field("body", f"more than {MAX_SHEET_ROWS} rows; split the sheet",
                                         code="too_many_rows", max=MAX_SHEET_ROWS)
        texts = tuple(cells[self.columns[c]] if c in self.columns and self.columns[c] < len(cells) else ""
                      for c in ("market", "commodity", "date", "unit", "price"))
        market_text = texts[0] if texts[0].strip() or not self.default_market else self.default_market
        try:
            market, commodity, day = read_place(market_text, texts[1], texts[2], texts[3], self.region_code,
                                                self.catalogue, self.today, self.checked)
            price = read_price(texts[4], commodity)
        except RowRejected as exc:
            sheet.rejected.append(exc.report(line))
            return
        if price is None:
            sheet.missing.append({"line": line, "market": market, "commodity": commodity.code, "date": day})
            return
        self._keep(Row(line, market, commodity.code, day, price))

    def _keep(self, row: Row) -> None:
        first = self.seen.get((row.market, row.commodity, row.date))
        if first is None:
            self.seen[(row.market, row.commodity, row.date)] = row
            self.sheet.rows.append(row)
        elif first.price == row.price:
            self.sheet.duplicates.append({"line": row.line, "duplicate_of": first.line})
        else:
            self.sheet.rejected.append(RowRejected("price", (
                f"line {first.line} gives {row.commodity} at {row.market} on {row.date} as Rp {first.price:,}"
                f", this line Rp {row.price:,}; keep one"), code="conflicting_price",
                conflicts_with=first.line, other_price=first.price, price=row.price).report(row.line))
