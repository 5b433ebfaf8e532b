"""A ticket's tracking secret (the citizen's proof of ownership) and the idempotency keys
of submissions: what is stored of each, and the secret kept sealed for a retry."""
import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

# A retry with the same idempotency key gets the tracking secret again this long after the
# first answer (a phone that lost it); later only the ticket number (the secret is shown once).
RETRY_WINDOW = timedelta(minutes=10)
SECRET_BYTES = 16


def new_tracking_secret() -> str:
    """A ticket's tracking secret: 128 random bits, never derived from anything."""
    return secrets.token_urlsafe(SECRET_BYTES)


def tracking_hash(secret: str) -> str:
    """What is stored of a tracking secret. A plain SHA-256: the secret is 128 random bits,
    so nobody can search its space however fast the hash, and a slow one (scrypt) would
    only cost ~100 ms of the event loop on every reopen."""
    return hashlib.sha256(secret.encode()).hexdigest()


def key_hash(idempotency_key: str) -> str:
    """What is stored of a client's idempotency key (never the key itself: within the
    retry window it opens the sealed secret). SHA-256, unpeppered: a key is looked up by
    its hash on every retry, and the key alone, after the window, yields only the ticket
    number, which is public anyway."""
    return hashlib.sha256(idempotency_key.encode()).hexdigest()


def _pad(idempotency_key: str, region_code: str) -> bytes:
    return hmac.new(idempotency_key.encode(), f"tl-tracking-seal|{region_code}".encode(),
                    hashlib.sha256).digest()[:SECRET_BYTES]


def sealed_secret(secret: str, idempotency_key: str, region_code: str, now: datetime) -> dict[str, Any]:
    """The secret kept for a retry within RETRY_WINDOW: XORed with a pad only the raw key
    yields (HMAC keyed by it). A pad is used once, as one claim binds one key in one region,
    and the store holds only the key's SHA-256, so what is stored opens nothing by itself.
    `sealed_until` is epoch seconds (the embedded store compares numbers, not datetimes)."""
    raw = base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))
    sealed = bytes(a ^ b for a, b in zip(raw, _pad(idempotency_key, region_code), strict=True))
    return {"sealed": sealed.hex(), "sealed_until": now.timestamp() + RETRY_WINDOW.total_seconds()}


def unsealed_secret(claim: Mapping[str, Any] | None, idempotency_key: str | None, region_code: str,
                    now: datetime) -> str | None:
    """The secret a claim keeps for its key, or None once the retry window is over."""
    if not claim or not idempotency_key or not claim.get("sealed") \
            or claim.get("sealed_until", 0) <= now.timestamp():
        return None
    pad = _pad(idempotency_key, region_code)
    raw = bytes(a ^ b for a, b in zip(bytes.fromhex(claim["sealed"]), pad, strict=True))
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def proves_ownership(ticket: Mapping[str, Any], secret: object) -> bool:
    """Whether `secret` is the ticket's tracking secret (compared in constant time)."""
    stored = ticket.get("tracking_hash")
    return bool(stored and isinstance(secret, str)
                and hmac.compare_digest(stored, tracking_hash(secret)))


def ticket_number(region_code: str, year: int, sequence: int) -> str:
    return f"LAKSA-{region_code.replace('.', '')}-{year}-{sequence:06d}"
