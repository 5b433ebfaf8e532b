"""The fields that carry a document's pending events (see outbox.py)."""
import time


def pending(events):
    """The fields a writer adds to a document to queue `events` with it.

    `outbox_since` (epoch seconds; a number because the embedded store keeps
    `$set` datetimes as strings) lets the relay leave fresh events to the
    writer's own immediate flush instead of publishing them a second time.
    """
    return {"outbox": list(events), "outbox_pending": bool(events),
            "outbox_since": time.time() if events else None}
