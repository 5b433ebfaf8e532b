"""The two fields that carry a document's pending events (see outbox.py)."""


def pending(events):
    """The fields a writer adds to a document to queue `events` with it."""
    return {"outbox": list(events), "outbox_pending": bool(events)}
