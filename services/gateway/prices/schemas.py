"""Harga's request schemas (the prices service's own commands and queries) and its
answers' shapes; web/schemas.py holds the shared ones."""
from services.gateway.web.schemas import ARRAY, INT, NUM, OBJECT, S, items_of, nullable, record
from services.prices import commands

# The commands' schemas are the domain's (one schema per command, checked again there).
DAY = commands.DAY
RECORD = commands.RECORD_PRICES
SHEET = commands.IMPORT_SHEET
FORMAT = commands.FORMAT
BOARD_QUERY = commands.BOARD_QUERY
HISTORY_QUERY = commands.HISTORY_QUERY
COMPARE_QUERY = commands.COMPARE_QUERY
IMPORT_QUERY = commands.IMPORT_QUERY
PRICE_ITEM = record({"commodity": S, "date": S, "price": NUM}, {"previous_price": nullable(NUM),
                                                                 "gap_percent": nullable(NUM)})
PRICE_CATALOGUE = record({"region": S, "commodities": ARRAY, "markets": ARRAY})
PRICE_BOARD = record({"region": S, "items": {"type": "array", "items": PRICE_ITEM}},
                     {"date": nullable(S), "market": nullable(S)})
PRICE_HISTORY = record({"region": S, "commodity": S, "scope": S, "points": ARRAY})
PRICE_COMPARE = record({"commodity": S, "items": {"type": "array", "items": record(
    {"region": S}, {"price": nullable(NUM)})}}, {"date": nullable(S)})
PRICE_ALERTS = items_of(OBJECT, region=S)
IMPORT_REPORT = record({"import_id": S, "region": S, "accepted": INT, "new": INT, "corrected": INT,
                        "unchanged": INT, "rejected": ARRAY})
PRICE_RECORD = record({"market": S, "commodity": S, "date": S, "price": NUM, "history": ARRAY})
# a region's markets (#28): the domain's commands, and a market as the API shows it
ADD_MARKET = commands.ADD_MARKET
RENAME_MARKET = commands.RENAME_MARKET
RETIRE_MARKET = commands.RETIRE_MARKET
MARKET = record({"code": S, "name": S, "type": S, "lat": NUM, "lon": NUM, "active": {"type": "boolean"}},
                {"retired": nullable(S)})
MARKETS = items_of(MARKET, region=S)
