"""JSON encoding shared by HTTP responses (datetimes as ISO-8601 UTC)."""
import json
from datetime import date, datetime
from typing import Any

from services.servicekit.envelope import isoformat


def _default(value: Any) -> str:
    if isinstance(value, datetime):
        return isoformat(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: Any) -> str:
    return json.dumps(value, default=_default, ensure_ascii=False, separators=(",", ":"))
