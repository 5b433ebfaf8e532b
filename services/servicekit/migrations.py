"""Data migrations: versioned, idempotent, forward-only changes to a service's stored documents.

A repository lists its migrations (`Repository.migrations`, ascending `number`); the
store runs the pending ones when the service starts (`MongoStore.start`), before any
entrypoint takes a message, so a release never reads a document older than it expects.

* Recorded in the service's own database: one document per applied migration in
  `migrations` (`_id` "m<number>", its name, the release that applied it, when).
* Under a lock: several replicas start at once. The lock is the document `_id: "lock"`
  (an insert of a unique `_id` is the one atomic step every MongoDB-protocol server,
  the embedded one included, keeps); a replica that finds it waits for it to go, and takes
  over a lock older than LOCK_STALE_S (its holder died mid-run).
* Idempotent: each migration must be safe to run twice (a replica may die after the
  change and before its record), and must leave documents the previous release can
  still read (add fields; never remove one N-1 reads), so a rollback keeps working.
* Forward-only: there is no "down". A database that records a migration this code does
  not know (a newer release ran here, then was rolled back) is left alone and logged.
"""
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Sequence

from pymongo.errors import DuplicateKeyError

from services.servicekit.errors import ConfigError

log = logging.getLogger(__name__)
LOCK_STALE_S = 300
WAIT_S = 60
COLLECTION = "migrations"


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    apply: Callable[[Any], None]


def checked(migrations: Sequence[Migration]) -> list[Migration]:
    numbers = [m.number for m in migrations]
    if numbers != sorted(set(numbers)) or any(n < 1 for n in numbers):
        raise ConfigError(f"migrations must be numbered 1, 2, ... ascending, once each: {numbers}")
    return list(migrations)


def applied(db: Any) -> set[int]:
    return {int(doc["_id"][1:]) for doc in db[COLLECTION].find({"_id": {"$regex": "^m[0-9]+$"}})}


def take_lock(db: Any, owner: str, wait_s: float = WAIT_S) -> None:
    deadline = time.monotonic() + wait_s
    while True:
        now = datetime.now(timezone.utc)
        try:
            db[COLLECTION].insert_one({"_id": "lock", "owner": owner, "at": now})
            return
        except DuplicateKeyError:
            held = db[COLLECTION].find_one({"_id": "lock"}) or {}
            at = held.get("at")
            if isinstance(at, datetime) and at.replace(tzinfo=at.tzinfo or timezone.utc) < \
                    now - timedelta(seconds=LOCK_STALE_S):
                log.warning("migrations: taking over a stale lock of %s", held.get("owner"))
                db[COLLECTION].delete_one({"_id": "lock", "owner": held.get("owner")})
                continue
        if time.monotonic() > deadline:
            raise ConfigError(f"migrations: the lock is held by {held.get('owner')} for over {wait_s}s")
        time.sleep(0.2)


def migrate(db: Any, migrations: Sequence[Migration], owner: str, release: str) -> list[int]:
    """Apply every migration not yet recorded in `db`, in order, under the lock; the numbers
    applied by this call."""
    wanted = checked(migrations)
    if not wanted:
        return []
    take_lock(db, owner)
    try:
        done, ran = applied(db), []
        unknown = sorted(done - {m.number for m in wanted})
        if unknown:
            log.warning("migrations: %s recorded here are of a newer release; left alone", unknown)
        for migration in wanted:
            if migration.number in done:
                continue
            log.info("migrations: applying %d (%s)", migration.number, migration.name)
            migration.apply(db)
            db[COLLECTION].insert_one({"_id": f"m{migration.number}", "name": migration.name,
                                       "release": release, "at": datetime.now(timezone.utc)})
            ran.append(migration.number)
        return ran
    finally:
        db[COLLECTION].delete_one({"_id": "lock", "owner": owner})
