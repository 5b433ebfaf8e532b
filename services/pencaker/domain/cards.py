"""The AK/1 card's life: its number, two years' validity, the six-monthly reports
that keep it active, and the status they give the seeker."""
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from services.servicekit.errors import Conflict

VALIDITY = relativedelta(years=2)
REPORT_EVERY = relativedelta(months=6)
# A seeker may report up to this long before the due date.
REPORT_WINDOW = timedelta(days=30)


def number(region_code, year, sequence):
    return f"AK1-{region_code.replace('.', '')}-{year}-{sequence:06d}"


def issue(card_number, now):
    """An AK/1 card: valid two years, reported on every six months."""
    return {"card_number": card_number, "issued_at": now, "valid_until": now + VALIDITY,
            "next_report_due": now + REPORT_EVERY, "reports": []}


def report_dates(issued_at):
    """Every date a report falls due within the card's validity (6, 12, 18 months)."""
    valid_until = issued_at + VALIDITY
    dates, k = [], 1
    while issued_at + REPORT_EVERY * k < valid_until:
        dates.append(issued_at + REPORT_EVERY * k)
        k += 1
    return dates


def seeker_status(seeker, now):
    """(status, reason): placed, expired (validity ended or a report missed) or active."""
    if seeker.get("status") == "placed":
        return "placed", "placed"
    if now >= seeker["valid_until"]:
        return "expired", "validity_ended"
    if seeker.get("next_report_due") and now > seeker["next_report_due"]:
        return "expired", "report_missed"
    return "active", None


def report_window_to_announce(seeker, now):
    """The due date whose report window has opened and was not announced yet, else None."""
    due = seeker.get("next_report_due")
    if seeker_status(seeker, now)[0] != "active" or not due or now < due - REPORT_WINDOW:
        return None
    return None if seeker.get("report_window_announced") == due.isoformat() else due


def record_report(seeker, now):
    """The six-monthly report: the changes to store."""
    status, reason = seeker_status(seeker, now)
    if status != "active":
        raise Conflict(f"card {seeker['card_number']} is {status} ({reason}); register again "
                       "at Disnaker", {"field": "status"})
    due = seeker["next_report_due"]
    if now < due - REPORT_WINDOW:
        raise Conflict(f"the next report is due {due.date().isoformat()}; report from "
                       f"{(due - REPORT_WINDOW).date().isoformat()}", {"field": "next_report_due"})
    return {"next_report_due": min(due + REPORT_EVERY, seeker["valid_until"]),
            "reports": seeker.get("reports", []) + [now]}
