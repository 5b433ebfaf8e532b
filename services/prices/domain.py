"""Prices' pure domain: price math, reference prices, alert rules, sheet parsing.

No nameko, no pymongo, no clock reads: callers pass `today`. Dates are ISO
strings (YYYY-MM-DD) everywhere outside parsing: they sort as dates and store
as-is. Prices are whole rupiah per the commodity's unit.
"""
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from services.servicekit import authority
from services.servicekit.authority import ANY, REGION, Target
from services.servicekit.errors import ValidationFailed

# Who may do what (action -> role -> scope; servicekit.authority): the region's
# admin records its prices; reading is public except a record's correction history.
# Market price clerks record their region's prices; the region admin may too.
OFFICERS = {"price_clerk": REGION, "region_admin": REGION, "platform_operator": ANY}
AUTHORITY = {"record_prices": OFFICERS, "import_prices": OFFICERS, "read_price_record": OFFICERS}
# A change is measured against the previous report at most this many days old.
LOOKBACK_DAYS = 31
# A HAP published as one figure has no band of its own: it alerts only more
# than this far above it. A HAP range is its own band; an HET is a ceiling.
SINGLE_FIGURE_HAP_TOLERANCE_PERCENT = 10
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


@dataclass(frozen=True)
class Commodity:
    code: str
    name: str
    unit: str
    plausible: tuple
    aliases: tuple = ()


@dataclass(frozen=True)
class Market:
    code: str
    name: str
    type: str
    lat: float
    long: float


@dataclass(frozen=True)
class Source:
    """The instrument that set a reference price."""
    id: str
    type: str
    number: str
    title: str
    issued: str | None = None
    note: str | None = None

    @property
    def citation(self):
        return f"{self.type} Nomor {self.number} tentang {self.title}"


@dataclass(frozen=True)
class Reference:
    """One commodity's reference price under one instrument, where and when it applies.

    `upper` is the HET ceiling, the HAP range's upper bound, or a HAP's single
    figure; `lower` is a HAP range's lower bound. `provinces` (Kemendagri codes)
    and `regions` (regency codes) narrow where it applies; neither = nationwide.
    """
    commodity: str
    kind: str
    upper: int
    effective_from: str
    effective_to: str | None = None
    lower: int | None = None
    provinces: frozenset | None = None
    regions: frozenset | None = None
    zone: str | None = None
    source: Source | None = None

    def in_force(self, day):
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def specificity(self, region_code):
        """How closely this entry names the region: 2 by regency, 1 by province,
        0 nationwide; None when it does not apply there."""
        if self.regions is not None:
            return 2 if region_code in self.regions else None
        if self.provinces is not None:
            return 1 if province_of(region_code) in self.provinces else None
        return 0


def province_of(region_code):
    """'36.71' -> '36': a region's province by its Kemendagri code, never by name."""
    return str(region_code).split(".")[0]


def name_key(text):
    """How names are matched: case, repeated spaces and stray edges ignored."""
    return " ".join(text.lower().split())


@dataclass
class Catalogue:
    """Commodities, markets per region, reference prices and zones."""
    commodities: dict
    markets: dict  # region code -> {market code: Market}
    references: list
    zones: dict  # province code -> HET beras zone
    _names: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        for commodity in self.commodities.values():
            for spelling in (commodity.code, commodity.name, *commodity.aliases):
                self._names[name_key(spelling)] = commodity

    def commodity(self, text):
        return self._names.get(name_key(text))

    def market(self, region_code, text):
        markets = self.markets.get(region_code, {})
        key = name_key(text)
        return markets.get(key) or next((m for m in markets.values() if name_key(m.name) == key), None)

    def zone(self, region_code):
        """The HET beras zone of a region, from its province code."""
        return self.zones.get(province_of(region_code))


# --- price math -----------------------------------------------------------

def to_rupiah(value):
    """Whole rupiah, halves rounded up (as published figures are)."""
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def gap(price, previous):
    return None if previous is None else price - previous


def gap_percent(price, previous):
    """(price - previous) / previous * 100, to 2 decimals, halves away from zero."""
    if not previous:
        return None
    value = (Decimal(price) - Decimal(previous)) * 100 / Decimal(previous)
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def direction(price, previous):
    if previous is None:
        return None
    return "up" if price > previous else "down" if price < previous else "no_change"


def change(price, previous, previous_date=None):
    return {"previous_price": previous, "previous_date": previous_date,
            "gap": gap(price, previous), "gap_percent": gap_percent(price, previous),
            "direction": direction(price, previous)}


def working_days_without_data(latest, today, is_working_day):
    """Whole working days after `latest` (the last day with prices) and before
    `today` (today's prices may still be coming): how long a region is stale."""
    day, missing = date.fromisoformat(latest) + timedelta(days=1), 0
    end = date.fromisoformat(today)
    while day < end:
        missing += is_working_day(day)
        day += timedelta(days=1)
    return missing


def day_before(day, days=1):
    return (date.fromisoformat(day) - timedelta(days=days)).isoformat()


def previous_point(series, day):
    """The latest (date, price) of `series` {date: price} before `day`, within LOOKBACK_DAYS."""
    earliest = day_before(day, LOOKBACK_DAYS)
    candidates = [d for d in series if earliest <= d < day]
    if not candidates:
        return None, None
    found = max(candidates)
    return found, series[found]


def with_changes(series, start=None):
    """[{date, price, gap, ...}] for each date of `series` {date: price} from `start` on."""
    points = []
    previous_date = previous_price = None
    for day in sorted(series):
        price = series[day]
        prior = previous_date if previous_date and previous_date >= day_before(day, LOOKBACK_DAYS) else None
        if start is None or day >= start:
            points.append({"date": day, "price": price,
                           **change(price, previous_price if prior else None, prior)})
        previous_date, previous_price = day, price
    return points


def median_series(observations):
    """{key: {date: median price}} from (key, date, price) observations."""
    grouped = {}
    for key, day, price in observations:
        grouped.setdefault(key, {}).setdefault(day, []).append(price)
    return {key: {day: to_rupiah(median(prices)) for day, prices in days.items()}
            for key, days in grouped.items()}


def board(series_by_commodity, day, catalogue, region_code, counts=None, ranges=None):
    """The board of `day`: each commodity priced that day, with its change and reference."""
    items = []
    for code in sorted(series_by_commodity):
        series = series_by_commodity[code]
        if day not in series:
            continue
        price = series[day]
        previous_date, previous = previous_point(series, day)
        commodity = catalogue.commodities.get(code)
        reference = reference_for(catalogue.references, code, region_code, day)
        item = {"commodity": code, "name": commodity.name if commodity else code,
                "unit": commodity.unit if commodity else None, "date": day, "price": price,
                **change(price, previous, previous_date),
                "reference": reference_view(reference, price)}
        if counts is not None:
            item["markets"] = counts.get((code, day), 0)
        if ranges is not None and (code, day) in ranges:
            item["low"], item["high"] = ranges[(code, day)]
        items.append(item)
    return items


def board_of(points, day, catalogue, region_code):
    """The board of `day` from stored points: the median across markets per commodity."""
    points = list(points)
    series = median_series((p["commodity"], p["date"], p["price"]) for p in points)
    counts = Counter((p["commodity"], p["date"]) for p in points)
    ranges = {}
    for p in points:
        low, high = ranges.get((p["commodity"], p["date"]), (p["price"], p["price"]))
        ranges[(p["commodity"], p["date"])] = (min(low, p["price"]), max(high, p["price"]))
    return board(series, day, catalogue, region_code, counts, ranges)


def trends(points, start, end, catalogue, region_code):
    """Per commodity its regional median per day from `start` on, and the reference in
    force at `end`: what the harga page's charts draw."""
    series = median_series((p["commodity"], p["date"], p["price"]) for p in points)
    return {code: {"points": [[day, price] for day, price in sorted(days.items()) if day >= start],
                   "reference": reference_view(reference_for(catalogue.references, code, region_code, end))}
            for code, days in sorted(series.items())}


def compact(items):
    """The live view's board: just what a glance needs, with the commodity's name and unit."""
    return [{k: item[k] for k in ("commodity", "name", "unit", "price", "gap", "gap_percent", "direction")}
            for item in items]


# --- reference prices -------------------------------------------------------

def reference_for(references, commodity, region_code, day):
    """The reference in force for `commodity` in region `region_code` on `day`.

    Of the entries in force that day and applying there, the one that took
    effect last; on the same date the most specific (regency, then province,
    then nationwide) wins.
    """
    best = None
    for ref in references:
        if ref.commodity != commodity or not ref.in_force(day):
            continue
        specificity = ref.specificity(region_code)
        if specificity is None:
            continue
        rank = (ref.effective_from, specificity)
        if best is None or rank > best[0]:
            best = (rank, ref)
    return best[1] if best else None


def source_view(source):
    if source is None:
        return None
    return {"id": source.id, "type": source.type, "number": source.number, "title": source.title,
            "issued": source.issued, "note": source.note, "citation": source.citation}


def reference_view(reference, price=None):
    """A reference as the API shows it; `percent_above` compares `price` with its upper figure."""
    if reference is None:
        return None
    view = {"kind": reference.kind, "price": reference.upper, "lower": reference.lower,
            "effective": reference.effective_from, "effective_to": reference.effective_to,
            "zone": reference.zone, "source": source_view(reference.source)}
    if price is not None:
        view["percent_above"] = gap_percent(price, reference.upper)
        view["rule"] = reference_rule(price, reference)
    return view


# --- alerts --------------------------------------------------------------



def reference_rule(price, reference):
    """What `price` says about its reference: an HET breach at any amount; a HAP
    range above its upper or below its lower bound; a single-figure HAP more than
    SINGLE_FIGURE_HAP_TOLERANCE_PERCENT above it. None when it is within."""
    if reference is None:
        return None
    if reference.kind == "HET":
        return "above_het" if price > reference.upper else None
    if reference.lower is None:
        ceiling = reference.upper * (100 + SINGLE_FIGURE_HAP_TOLERANCE_PERCENT)
        return "above_reference" if price * 100 > ceiling else None
    if price > reference.upper:
        return "above_reference"
    if price < reference.lower:
        return "below_reference"
    return None


def alert_rules(price, previous, reference, rise_threshold):
    """Which alert rules `price` breaks: its reference's rule (see reference_rule),
    or a rise since the previous report of more than `rise_threshold` percent."""
    rules = []
    verdict = reference_rule(price, reference)
    if verdict:
        rules.append(verdict)
    rise = gap_percent(price, previous)
    if rise is not None and rise > rise_threshold:
        rules.append("daily_rise")
    return rules


# --- the officers' entry form ----------------------------------------------

# The entry form asks again before saving a price this far from the market's
# previous report or outside its reference band: a zero too many or too few is
# likelier than such a move in a day.
DOUBT_PERCENT = 30


def rupiah_text(amount):
    return "Rp " + f"{amount:,}".replace(",", ".")


def entry_sheet(series_by_commodity, day, catalogue, region_code):
    """One market's form for `day`: every commodity of the catalogue with the price
    stored for `day` (if any), the previous report and the reference in force."""
    items = []
    for commodity in catalogue.commodities.values():
        series = series_by_commodity.get(commodity.code, {})
        previous_date, previous = previous_point(series, day)
        reference = reference_for(catalogue.references, commodity.code, region_code, day)
        items.append({"commodity": commodity.code, "name": commodity.name, "unit": commodity.unit,
                      "price": series.get(day), "previous_date": previous_date,
                      "previous_price": previous, "reference": reference_view(reference)})
    return items


def doubts(price, previous, reference):
    """Why `price` may be mistyped, in the officer's words (empty when it looks right)."""
    reasons = []
    move = gap_percent(price, previous)
    if move is not None and abs(move) > DOUBT_PERCENT:
        reasons.append(f"{'naik' if move > 0 else 'turun'} {abs(move):.0f}% dari laporan sebelumnya "
                       f"({rupiah_text(previous)})")
    if reference is not None:
        lower = reference.lower or reference.upper
        if price * 100 > reference.upper * (100 + DOUBT_PERCENT):
            reasons.append(f"lebih dari {DOUBT_PERCENT}% di atas {reference.kind} "
                           f"({rupiah_text(reference.upper)})")
        elif price * 100 < lower * (100 - DOUBT_PERCENT):
            reasons.append(f"lebih dari {DOUBT_PERCENT}% di bawah {reference.kind} ({rupiah_text(lower)})")
    return reasons


def doubtful_rows(rows, series_by_commodity, catalogue, region_code):
    """[{commodity, name, price, reasons}] for the form's rows that deserve a second look."""
    found = []
    for row in rows:
        _, previous = previous_point(series_by_commodity.get(row.commodity, {}), row.date)
        reference = reference_for(catalogue.references, row.commodity, region_code, row.date)
        reasons = doubts(row.price, previous, reference)
        if reasons:
            found.append({"commodity": row.commodity, "name": catalogue.commodities[row.commodity].name,
                          "price": row.price, "reasons": reasons})
    return found


# --- sheets (CSV) -----------------------------------------------------------

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


# --- applying a sheet ----------------------------------------------------------

def price_id(region_code, market, commodity, day):
    """One document per region, market, commodity and day: re-imports overwrite, never add."""
    return f"{region_code}:{market}:{commodity}:{day}"


def plan(region_code, rows, stored):
    """Split rows into new prices, corrections and unchanged ones.

    `stored` maps price ids to their stored price.
    """
    new, corrections, unchanged = [], [], []
    for row in rows:
        current = stored.get(price_id(region_code, row.market, row.commodity, row.date))
        if current is None:
            new.append(row)
        elif current != row.price:
            corrections.append(row)
        else:
            unchanged.append(row)
    return new, corrections, unchanged


def correct(doc, price, actor, source, now):
    """The fields that replace a stored price, keeping what it was in `history`."""
    entry = {"price": doc["price"], "recorded_by": doc.get("recorded_by"),
             "recorded_at": doc.get("recorded_at"), "source": doc.get("source")}
    return {"price": price, "recorded_by": actor, "recorded_at": now, "source": source,
            "history": list(doc.get("history") or []) + [entry], "version": doc.get("version", 1) + 1}


def row_alerts(rows, known, catalogue, region_code, rise_threshold):
    """(row, rules, previous, reference) for each row that breaks an alert rule.

    `known` is {(market, commodity): {date: price}} with the sheet's rows
    merged over what is stored, so previous reports come from either.
    """
    alerts = []
    for row in rows:
        series = known.get((row.market, row.commodity), {})
        _, previous = previous_point(series, row.date)
        reference = reference_for(catalogue.references, row.commodity, region_code, row.date)
        rules = alert_rules(row.price, previous, reference, rise_threshold)
        if rules:
            alerts.append((row, rules, previous, reference))
    return alerts


def validate_entries(entries, market, day, region_code, catalogue, today):
    """An officer's form for one market and day -> Rows; the first bad entry is a 400."""
    if not isinstance(entries, list) or not entries:
        raise ValidationFailed.field("prices", "give a list of {commodity, price} entries")
    rows, seen = [], set()
    for index, entry in enumerate(entries):
        where = f"prices[{index}]"
        if not isinstance(entry, dict):
            raise ValidationFailed.field(where, "must be an object with commodity and price")
        price = entry.get("price")
        if isinstance(price, bool) or not isinstance(price, (int, float)) or price <= 0:
            raise ValidationFailed.field(f"{where}.price", "must be a positive number of rupiah; "
                                                          "leave out commodities without data")
        values = {"market": market, "date": day, "commodity": str(entry.get("commodity") or ""),
                  "unit": str(entry.get("unit") or ""), "price": str(price)}
        try:
            market_code, commodity, iso_day, amount = read_row(values, region_code, catalogue, today)
        except RowRejected as exc:
            name = exc.field if exc.field in ("market", "date") else f"{where}.{exc.field}"
            raise ValidationFailed.field(name, exc.reason) from None
        if commodity in seen:
            raise ValidationFailed.field(f"{where}.commodity", f"{commodity} is given twice")
        seen.add(commodity)
        rows.append(Row(index + 1, market_code, commodity, iso_day, amount))
    return rows


def authorize(action, caller, region_code):
    return authority.authorize(AUTHORITY, action, caller, Target(region_code))
