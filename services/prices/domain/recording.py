"""The recording commands checked: an officer's form (record_prices, check_prices) and a
CSV import (import_csv) become a Sheet of rows with its idempotency id, or a refusal
naming every bad field (commands.py has their schemas)."""
import hashlib
import json
from typing import Any

from services.prices import commands
from services.prices.domain import entry_form, sheets
from services.prices.domain.catalogue_model import Catalogue, Market
from services.servicekit.errors import ValidationFailed
from services.servicekit.validation import check_body


def sheet_id(*parts: Any) -> str:
    """Same sheet, same id: sending it again finishes or repeats nothing."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"sheet-{digest[:24]}"


def market_of(catalogue: Catalogue, region_code: str, region_name: str, text: Any) -> Market:
    """The region's market named `text` (its code or name), or a refusal naming `market`."""
    found = catalogue.market(region_code, text) if isinstance(text, str) else None
    if found is None:
        raise ValidationFailed.field("market", f"{text!r} is not a market of {region_name}",
                                     code="unknown_market", market=str(text)[:60], region=region_code)
    return found


def form_sheet(entries: Any, market: str, day: str | None, region_code: str, catalogue: Catalogue,
               today: str) -> tuple[sheets.Sheet, str]:
    """An officer's form for one market and day as a sheet, and its id."""
    rows = entry_form.validate_entries(entries, market, day, region_code, catalogue, today)
    import_id = sheet_id("form", region_code, [(r.market, r.commodity, r.date, r.price) for r in rows])
    return sheets.Sheet(rows=rows), import_id


def csv_sheet(text: Any, default_market: str | None, region_code: str, region_name: str,
              catalogue: Catalogue, today: str) -> tuple[sheets.Sheet, str]:
    """A CSV sheet of many markets and days, read (bad rows set aside), and its id."""
    check_body(commands.IMPORT_CSV, {"market": default_market} if default_market else {})
    if default_market is not None:
        market_of(catalogue, region_code, region_name, default_market)
    sheet = sheets.parse_sheet(text, region_code, catalogue, today, default_market)
    return sheet, sheet_id("csv", region_code, default_market, text)
