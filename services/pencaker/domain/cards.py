"""The AK/1 card's life: its number, two years' validity, the six-monthly reports
that keep it active, and the status they give the seeker."""
from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from services.servicekit.errors import Conflict

VALIDITY = relativedelta(years=2)
REPORT_EVERY = relativedelta(months=6)
# A seeker may report up to this long before the due date.
REPORT_WINDOW = timedelta(days=30)


def number(region_code: str, year: int, sequence: int) -> str:
    return f"AK1-{region_code.replace('.', '')}-{year}-{sequence:06d}"


def issue(card_number: str, now: datetime) -> dict[str, Any]:
    """An AK/1 card: valid two years, reported on every six months."""
    return {"card_number": card_number, "issued_at": now, "valid_until": now + VALIDITY,
            "next_report_due": now + REPORT_EVERY, "reports": []}


def report_dates(issued_at: datetime) -> list[datetime]:
    """Every date a report falls due within the card's validity (6, 12, 18 months)."""
    valid_until = issued_at + VALIDITY
    dates, k = [], 1
    while issued_at + REPORT_EVERY * k < valid_until:
        dates.append(issued_at + REPORT_EVERY * k)
        k += 1
    return dates


def seeker_status(seeker: dict[str, Any], now: datetime) -> tuple[str, str | None]:
    """(status, reason): placed, expired (validity ended or a report missed) or active."""
    if seeker.get("status") == "placed":
        return "placed", "placed"
    if now >= seeker["valid_until"]:
        return "expired", "validity_ended"
    if seeker.get("next_report_due") and now > seeker["next_report_due"]:
        return "expired", "report_missed"
    return "active", None


def report_window_to_announce(seeker: dict[str, Any], now: datetime) -> datetime | None:
    """The due date whose report window has opened and was not announced yet, else None."""
    due = seeker.get("next_report_due")
    if seeker_status(seeker, now)[0] != "active" or not due or now < due - REPORT_WINDOW:
        return None
    return None if seeker.get("report_window_announced") == due.isoformat() else due


def record_report(seeker: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The six-monthly report: the changes to store."""
    status, reason = seeker_status(seeker, now)
    if status != "active":
        raise Conflict(f"card {seeker['card_number']} is {status} ({reason}); register again "
                       "at Disnaker", {"field": "status", "code": "card_not_active", "status": status})
    due = seeker["next_report_due"]
    if now < due - REPORT_WINDOW:
        raise Conflict(f"the next report is due {due.date().isoformat()}; report from "
                       f"{(due - REPORT_WINDOW).date().isoformat()}",
                       {"field": "next_report_due", "code": "report_too_early",
                        "from": (due - REPORT_WINDOW).date().isoformat()})
    return {"next_report_due": next_report_due(seeker, due), "reports": seeker.get("reports", []) + [now]}


def next_report_due(seeker: dict[str, Any], due: datetime) -> datetime:
    """The report due after `due`: the next of the card's own dates (6, 12, 18 months from its
    issue, as `report_dates` lists them), else the card's end. Counted from the issue, not by
    adding six months to the last due date: from a card issued on 31 August, February's
    report (the 28th) plus six months would drift to 28 August, off the card's schedule."""
    issued_at = seeker.get("issued_at")
    later = [d for d in report_dates(issued_at) if d > due] if issued_at else [due + REPORT_EVERY]
    return min([*later[:1], seeker["valid_until"]])
