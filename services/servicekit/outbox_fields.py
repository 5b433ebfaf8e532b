"""The fields that carry a document's pending events (see outbox.py)."""
import time
import uuid
from typing import Any, Iterable


def pending(events: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The fields a writer adds to a document to queue `events` with it.

    `outbox_token` changes with every write of the outbox, so the relay can
    clear what it published on the condition that nobody queued more since.
    `outbox_since` (epoch seconds; a number because the embedded store keeps
    `$set` datetimes as strings) lets the relay leave fresh events to the
    writer's own immediate flush instead of publishing them a second time.
    """
    return {"outbox": list(events), "outbox_pending": bool(events), "outbox_token": new_token(),
            "outbox_since": time.time() if events else None}


def new_token() -> str:
    return uuid.uuid4().hex
