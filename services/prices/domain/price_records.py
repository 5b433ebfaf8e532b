"""Stored prices: one record per region, market, commodity and day; a sheet's rows
split into new, corrected and unchanged; a correction keeping what it replaced.

A record's `version` counts its writes (1 when recorded, one more per correction);
each `history` entry is the state a correction replaced, with the version it had,
so the history of a record at version n holds versions 1 .. n-1, in order."""
from datetime import datetime
from typing import Any, TypedDict

from services.prices.domain.cells import Row
from services.servicekit.envelope import as_utc


class PriceRecord(TypedDict, total=False):
    """One stored price (the `prices` collection): the figure, who recorded it when and
    from which sheet, what corrections replaced (`history`) and its write count."""
    _id: str
    region: str
    market: str
    commodity: str
    date: str
    price: int
    unit: str
    recorded_by: str
    recorded_at: datetime
    source: str
    history: list[dict[str, Any]]
    version: int


STATE = ("price", "recorded_by", "recorded_at", "source")


def price_id(region_code: str, market: str, commodity: str, day: str) -> str:
    """One document per region, market, commodity and day: re-imports overwrite, never add."""
    return f"{region_code}:{market}:{commodity}:{day}"


def plan(region_code: str, rows: list[Row], stored: dict[str, int]
         ) -> tuple[list[Row], list[Row], list[Row]]:
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


def new_record(region_code: str, row: Row, unit: str, actor: str, source: str, now: datetime) -> PriceRecord:
    """A price recorded for the first time: version 1, no history."""
    return {"_id": price_id(region_code, row.market, row.commodity, row.date), "region": region_code,
            "market": row.market, "commodity": row.commodity, "date": row.date, "price": row.price,
            "unit": unit, "recorded_by": actor, "recorded_at": now, "source": source, "history": [],
            "version": 1}


def correct(doc: PriceRecord, price: int, actor: str, source: str, now: datetime) -> PriceRecord | None:
    """The whole record that replaces `doc` when `price` corrects it, keeping what it
    was in `history`; None when it already holds `price` (nothing to record).

    `doc` must be the record as just read: the store writes the result only if the
    record is still at `doc`'s version.
    """
    if doc["price"] == price:
        return None
    version = doc.get("version", 1)
    replaced = {"version": version, **{k: doc.get(k) for k in STATE}}
    history = [_entry(h) for h in doc.get("history") or []] + [_entry(replaced)]
    return {**doc, "price": price, "recorded_by": actor, "recorded_at": now, "source": source,
            "history": history, "version": version + 1}


def refusal(rows: list[Row], recorded: int, shown: int = 10) -> str:
    """Why a sheet's `rows` were not written while `recorded` others were."""
    named = "; ".join(f"line {r.line}: {r.commodity} at {r.market} on {r.date}" for r in rows[:shown])
    more = f" and {len(rows) - shown} more" if len(rows) > shown else ""
    return (f"{len(rows)} price(s) not recorded ({named}{more}): other sheets were correcting the same "
            f"record at the same moment; {recorded} other price(s) of this sheet are recorded. "
            f"Send the sheet again to record the rest.")


def view(doc: PriceRecord) -> dict[str, Any]:
    """A record as officers read it: timestamps aware UTC, whatever an older write stored."""
    return {"market": doc["market"], "commodity": doc["commodity"], "date": doc["date"],
            "price": doc["price"], "unit": doc.get("unit"), "recorded_at": as_utc(doc.get("recorded_at")),
            "source": doc.get("source"), "history": [_entry(h) for h in doc.get("history") or []],
            "version": doc.get("version", 1)}


def _entry(entry):
    # Records corrected before whole-record writes may hold recorded_at as text.
    return {**entry, "recorded_at": as_utc(entry.get("recorded_at"))}
