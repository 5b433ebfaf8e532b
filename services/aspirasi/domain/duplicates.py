"""Likely duplicates: open reports of the same category close by, shown to officers."""
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from math import asin, cos, radians, sin, sqrt
from typing import Any

from services.aspirasi.domain.policy import OPEN_STATES

DUPLICATE_RADIUS_M = 50
DUPLICATE_WINDOW = timedelta(days=30)


def distance_m(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Great-circle distance in metres between two {lat, long} points."""
    lat1, lon1, lat2, lon2 = map(radians, (a["lat"], a["long"], b["lat"], b["long"]))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371000 * asin(sqrt(h))


def likely_duplicates(ticket: Mapping[str, Any], candidates: Iterable[Mapping[str, Any]],
                      now: datetime) -> list[dict[str, Any]]:
    """Open tickets of the same category within 50 m in the last 30 days."""
    if "lat" not in ticket["location"]:
        return []
    found = []
    for other in candidates:
        if other["_id"] == ticket["_id"] or other["category"] != ticket["category"]:
            continue
        if other["status"] not in OPEN_STATES or now - other["submitted_at"] > DUPLICATE_WINDOW:
            continue
        if "lat" not in other["location"]:
            continue
        metres = distance_m(ticket["location"], other["location"])
        if metres <= DUPLICATE_RADIUS_M:
            found.append({"number": other["_id"], "distance_m": round(metres, 1),
                          "status": other["status"]})
    return sorted(found, key=lambda d: d["distance_m"])
