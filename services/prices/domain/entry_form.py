"""The officers' entry form: one market's commodities for a day, the entries checked
into rows, and the ones worth asking about again."""
from services.prices.domain.price_math import gap_percent, previous_point
from services.prices.domain.references import reference_for, reference_view
from services.prices.domain.sheets import Row, RowRejected, read_row
from services.servicekit.errors import ValidationFailed

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
