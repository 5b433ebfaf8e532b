"""Prices' published vocabulary: the alert rule codes and their labels, and the live view's alert."""
from typing import Any

# Rule codes, with the words citizens and officers read.
RULE_LABELS = {
    "above_het": "di atas HET",
    "above_reference": "di atas acuan",
    "below_reference": "di bawah acuan",
    "daily_rise": "naik tajam",
}


def live_alert(payload: dict[str, Any]) -> dict[str, Any]:
    """An alert as the live view lists it, from its price_alert_raised payload (shape:
    `x-live-item` in price_alert_raised.json)."""
    return {k: payload[k] for k in ("commodity", "market", "date", "price", "rules")}
