"""Stored prices: one record per region, market, commodity and day; a sheet's rows
split into new, corrected and unchanged; a correction keeping what it replaced."""


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
