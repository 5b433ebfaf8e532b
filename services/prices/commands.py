"""What each prices command and query accepts, as JSON Schema: the one description the
gateway documents and checks requests by (OpenAPI) and the domain checks its input by
(servicekit.validation.check_body). Shape only: whether a market or commodity exists,
whether a price is plausible for its commodity, is the domain's (domain/sheets.py)."""
from typing import Any

from services.servicekit.schema_parts import obj, text

Schema = dict[str, Any]


DAY: Schema = {**text(10, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
               "x-code": "bad_date", "x-error": "must be a date written YYYY-MM-DD"}
# Whole rupiah per the commodity's unit; what is plausible per commodity is the catalogue's.
PRICE = {"type": "number", "minimum": 1, "maximum": 100_000_000}
MAX_ENTRIES = 200

# commands ---------------------------------------------------------------------
# record_prices / check_prices: one market's prices of one day (an officer's form);
# a price other than the stored one corrects it (compare-and-set on its version).
RECORD_PRICES = obj({"date": DAY, "prices": {
    "type": "array", "minItems": 1, "maxItems": MAX_ENTRIES, "items": obj(
        {"commodity": text(60, 1), "unit": text(20), "price": PRICE}, required=("commodity", "price"))}},
    required=("prices",))
CHECK_PRICES = RECORD_PRICES
# import_csv: a CSV sheet of many markets and days (the HTTP body; `market` its query).
IMPORT_SHEET = {"text/csv": {"type": "string", "format": "binary",
                             "description": "CSV UTF-8 with a header: date, market, commodity, price (unit)"},
                "multipart/form-data": {"type": "object", "required": ["sheet"], "properties": {
                    "sheet": {"type": "string", "format": "binary", "description": "the CSV file"}}}}
IMPORT_QUERY = {"market": text(60, description="the market of rows that name none")}
# What the domain checks of an import besides its sheet: the default market. The sheet's
# text is read row by row (domain/sheets.py): a bad cell rejects its row, not the sheet.
IMPORT_CSV = obj({"market": text(60)})

# queries ----------------------------------------------------------------------
FORMAT = {"format": {"type": "string", "enum": ["json", "csv"]}}
BOARD_QUERY = {"date": DAY, **FORMAT}
HISTORY_QUERY = {"commodity": text(60), "scope": {"type": "string", "enum": ["region", "market"]},
                 "market": text(60), "from": DAY, "to": DAY, **FORMAT}
COMPARE_QUERY = {"commodity": text(60), "date": DAY, "regions": text(300), **FORMAT}

# markets (#28: a region's markets are data, changed through these commands) ----------
MARKET_CODE = {**text(60, 2, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$"), "x-code": "bad_market_code",
               "x-error": "lowercase letters, digits and single hyphens, e.g. pasar-baru"}
MARKET_TYPES = ("traditional", "modern", "city_average")
LAT = {"type": "number", "minimum": -90, "maximum": 90}
LON = {"type": "number", "minimum": -180, "maximum": 180}
ADD_MARKET = obj({"code": MARKET_CODE, "name": text(120, 3),
                  "type": {"type": "string", "enum": list(MARKET_TYPES)}, "lat": LAT, "lon": LON},
                 required=("code", "name", "type", "lat", "lon"))
# rename_market: a new name, new coordinates (when it moved or was placed wrongly), or both;
# lat and lon come together (the domain says so by field).
RENAME_MARKET = obj({"name": text(120, 3), "lat": LAT, "lon": LON})
RETIRE_MARKET = obj({"reason": text(300)})
