"""LAKSA's pure domain: commands in, decisions out (servicekit.decision.Decision: the
ticket as it now stands and the events to announce with it). No nameko, no pymongo, no
clock reads: callers pass `now`.

policy       the state machine and its authority table, one `authorize`
submission   a report checked (commands.SUBMIT_REPORT + rules), the ticket it becomes
lifecycle    transitions and SLA breaches, as decisions
categories   a region's categories (with their SLA)
tracking     tracking secrets and idempotency keys
views        what anyone, officers, and the notifications service see
duplicates   likely duplicates nearby; statistics: the public figures
"""
from services.aspirasi.commands import MAX_DESCRIPTION, MAX_NOTE, MAX_PHOTOS, REJECT_REASONS
from services.aspirasi.domain.categories import (
    CATEGORY_CODE,
    CATEGORY_LIMITS,
    Category,
    category_from,
    sla_changes,
)
from services.aspirasi.domain.duplicates import (
    DUPLICATE_RADIUS_M,
    DUPLICATE_WINDOW,
    distance_m,
    likely_duplicates,
)
from services.aspirasi.domain.lifecycle import REOPEN_WINDOW, breached, transition
from services.aspirasi.domain.policy import (
    AUTHORITY,
    OPEN_STATES,
    STATE_LABELS,
    TRANSITIONS,
    allowed_actions,
    authorize,
)
from services.aspirasi.domain.records import Ticket
from services.aspirasi.domain.statistics import statistics
from services.aspirasi.domain.submission import submitted, validate_submission
from services.aspirasi.domain.tracking import (
    RETRY_WINDOW,
    SECRET_BYTES,
    key_hash,
    new_tracking_secret,
    proves_ownership,
    sealed_secret,
    ticket_number,
    tracking_hash,
    unsealed_secret,
)
from services.aspirasi.domain.views import (
    notification_contact,
    officer_ticket,
    officer_view,
    public_view,
    queue_item,
)

__all__ = [
    "AUTHORITY", "CATEGORY_CODE", "CATEGORY_LIMITS", "DUPLICATE_RADIUS_M", "DUPLICATE_WINDOW",
    "MAX_DESCRIPTION", "MAX_NOTE", "MAX_PHOTOS", "OPEN_STATES", "REJECT_REASONS", "REOPEN_WINDOW",
    "RETRY_WINDOW", "SECRET_BYTES", "STATE_LABELS", "TRANSITIONS", "Category", "Ticket",
    "allowed_actions", "authorize", "breached", "category_from", "sla_changes", "distance_m", "key_hash",
    "likely_duplicates", "new_tracking_secret", "notification_contact", "officer_ticket", "officer_view",
    "queue_item",
    "proves_ownership", "public_view", "sealed_secret", "statistics", "submitted", "ticket_number",
    "tracking_hash", "transition", "unsealed_secret", "validate_submission",
]
