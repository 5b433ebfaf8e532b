"""The officers' entry form: one market's commodities for a day, the entries checked
into rows, and the ones worth asking about again."""
from typing import Any

from services.prices import commands
from services.prices.domain.catalogue_model import Catalogue
from services.prices.domain.cells import Row, RowRejected, read_row
from services.prices.domain.price_math import gap_percent, previous_point
from services.prices.domain.references import Reference, reference_for, reference_view
from services.servicekit.errors import ValidationFailed, problem
from services.servicekit.validation import check_body

# The entry form asks again before saving a price this far from the market's
# previous report or outside its reference band: a zero too many or too few is
# likelier than such a move in a day.
DOUBT_PERCENT = 30
Series = dict[str, dict[str, int]]  # commodity -> {date: price}


def rupiah_text(amount: int) -> str:
    return "Rp " + f"{amount:,}".replace(",", ".")


def entry_sheet(series_by_commodity: Series, day: str, catalogue: Catalogue,
                region_code: str) -> list[dict[str, Any]]:
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


def doubts(price: int, previous: int | None, reference: Reference | None) -> list[str]:
    """Why `price` may be mistyped, in the officer's words (empty when it looks right)."""
    reasons = []
    move = gap_percent(price, previous)
    if move is not None and previous is not None and abs(move) > DOUBT_PERCENT:
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


def doubtful_rows(rows: list[Row], series_by_commodity: Series, catalogue: Catalogue,
                  region_code: str) -> list[dict[str, Any]]:
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


def validate_entries(entries: Any, market: str, day: str | None, region_code: str, catalogue: Catalogue,
                     today: str) -> list[Row]:
    """An officer's form for one market and day -> Rows, checked against RECORD_PRICES and
    the catalogue; every bad entry is named at once (one ValidationFailed, a 400): the
    schema's problems and, for the entries of the right shape, the catalogue's."""
    problems = _schema_problems({"prices": entries, **({"date": day} if day is not None else {})})
    if "prices" in problems:
        raise ValidationFailed.of(problems)
    rows: list[Row] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"prices[{index}]"
        if any(name.startswith(where) for name in problems):
            continue
        values = {"market": market, "date": day or "", "commodity": entry["commodity"],
                  "unit": entry.get("unit") or "", "price": str(entry["price"])}
        try:
            market_code, commodity, iso_day, amount = read_row(values, region_code, catalogue, today)
        except RowRejected as exc:
            name = exc.field if exc.field in ("market", "date") else f"{where}.{exc.field}"
            problems.setdefault(name, exc.problem)
            continue
        if amount is None:  # the schema's minimum is 1 rupiah: never "no data" here
            problems[f"{where}.price"] = problem("too_small", "must be at least 1", min=1)
            continue
        if commodity in seen:
            problems[f"{where}.commodity"] = problem("duplicate_commodity", f"{commodity} is given twice",
                                                     commodity=commodity)
        seen.add(commodity)
        rows.append(Row(index + 1, market_code, commodity, iso_day, amount))
    if problems:
        raise ValidationFailed.of(problems)
    return rows


def _schema_problems(body: dict[str, Any]) -> dict[str, Any]:
    try:
        check_body(commands.RECORD_PRICES, body)
    except ValidationFailed as exc:
        return dict(exc.details["fields"])
    return {}
