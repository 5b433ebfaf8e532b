"""A sheet applied: the alerts its applied rows raise, and what the import decides once
its prices are written (the import's report and the events to announce with it).

Pure, like the rest of the domain: the service passes the moment (`now`), the stored
prices it loaded and what the store answered for each write."""
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.prices.domain import alerts, boards, price_math
from services.prices.domain.catalogue_model import Catalogue
from services.prices.domain.cells import Row
from services.prices.domain.price_records import price_id
from services.prices.domain.references import Reference
from services.prices.domain.sheets import Sheet
from services.servicekit.decision import Decision
from services.servicekit.envelope import new_event

Known = dict[tuple[str, str], dict[str, int]]  # (market, commodity) -> {date: price}


@dataclass(frozen=True)
class Applied:
    """What the store did with a sheet's rows: those written (or already so), how many
    were new, corrected and unchanged, how many alerts were newly raised and the alert
    events to announce (with those an earlier, interrupted run of the sheet raised)."""
    rows: list[Row]
    new: int
    corrected: int
    unchanged: int
    raised: int
    alert_events: list[dict[str, Any]]


def alert_reference(reference: Reference | None) -> dict[str, Any] | None:
    """The reference an alert was judged by, with the instrument that set it."""
    if reference is None:
        return None
    return {"kind": reference.kind, "price": reference.upper, "lower": reference.lower,
            "effective": reference.effective_from,
            "source": reference.source and {"number": reference.source.number, "type": reference.source.type,
                                            "title": reference.source.title}}


def alert_records(region_code: str, catalogue: Catalogue, rows: list[Row], known: Known, import_id: str,
                  now: datetime, threshold: float, oldest: str) -> list[dict[str, Any]]:
    """The alert documents (each with its event) of the rows dated `oldest` or later that
    break an alert rule; an alert's id is its price's, so it is raised once."""
    recent = [row for row in rows if row.date >= oldest]
    markets = catalogue.markets.get(region_code, {})
    docs = []
    broken = alerts.row_alerts(recent, known, catalogue, region_code, threshold)
    for row, rules, previous, reference in broken:
        commodity = catalogue.commodities[row.commodity]
        alert_id = price_id(region_code, row.market, row.commodity, row.date)
        payload = {
            "alert_id": alert_id, "commodity": row.commodity, "commodity_name": commodity.name,
            "unit": commodity.unit, "market": row.market, "market_name": markets[row.market].name,
            "date": row.date, "price": row.price, "rules": rules,
            "previous_price": previous, "gap_percent": price_math.gap_percent(row.price, previous),
            "reference": alert_reference(reference),
            "percent_above_reference": reference and price_math.gap_percent(row.price, reference.upper),
            "rise_threshold_percent": threshold,
        }
        docs.append({"_id": alert_id, "region": region_code, "import_id": import_id,
                     "raised_at": now, **{k: v for k, v in payload.items() if k != "alert_id"},
                     "event": new_event("price_alert_raised", "prices", region_code, payload, now)})
    return docs


def report_of(import_id: str, region_code: str, kind: str, sheet: Sheet, applied: Applied) -> dict[str, Any]:
    """The import report the officer reads (and a re-sent sheet is answered with)."""
    dates = sorted({r.date for r in sheet.rows})
    return {
        "import_id": import_id, "region": region_code, "kind": kind,
        "dates": {"from": dates[0], "to": dates[-1]} if dates else None,
        "accepted": len(applied.rows), "new": applied.new, "corrected": applied.corrected,
        "unchanged": applied.unchanged,
        "rejected": list(sheet.rejected), "missing": sheet.missing, "duplicates": sheet.duplicates,
        "alerts_raised": applied.raised,
    }


def announces(applied: Applied, first_run: bool) -> bool:
    """Whether the sheet is announced (`prices_recorded`): it changed a price or raised an
    alert, or it is the sheet's first run (or finishes an interrupted one)."""
    return bool(applied.new or applied.corrected or applied.raised or first_run)


def decide(import_id: str, region_code: str, kind: str, sheet: Sheet, applied: Applied,
           board: dict[str, Any] | None, now: datetime) -> Decision:
    """The import as applied (its report) and what to announce: `prices_recorded` with
    the regional board after the sheet (`board`, given when `announces`), then the
    alerts it raised."""
    report = report_of(import_id, region_code, kind, sheet, applied)
    events = list(applied.alert_events)
    if board is not None:
        events.insert(0, new_event("prices_recorded", "prices", region_code, {
            "sheet": import_id, "kind": kind,
            "markets": sorted({r.market for r in applied.rows}),
            "dates": report["dates"] or {"from": None, "to": None},
            "new": report["new"], "corrected": report["corrected"],
            "unchanged": report["unchanged"], "rejected": len(report["rejected"]),
            "missing": len(sheet.missing), "alerts_raised": report["alerts_raised"],
            "board": {"date": board["date"], "items": boards.compact(board["items"])},
        }, now))
    return Decision({"_id": import_id, "status": "applied", "report": report}, events)


def board_from_memory(known: Known, day: str, catalogue: Catalogue, region_code: str) -> dict[str, Any]:
    """The regional board of `day` from the prices a sheet loaded and wrote."""
    points = [{"commodity": c, "date": d, "price": p} for (_, c), series in known.items()
              for d, p in series.items()]
    return {"date": day, "items": boards.board_of(points, day, catalogue, region_code)}
