"""The MongoDB dependency: one client per container, a repository per worker."""
import os
import socket
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

from nameko.extensions import DependencyProvider
from pymongo import MongoClient
from pymongo.errors import DuplicateKeyError

from services.servicekit.migrations import Migration, migrate
from services.servicekit.outbox_fields import pending
from services.servicekit.release import RELEASE


def connect(uri: str, timeout_ms: int = 2000) -> MongoClient:
    # Short timeouts: a store outage must turn into a 503 within the gateway's
    # deadline, not a request hanging for pymongo's default 30 s.
    # tz_aware with tzinfo=timezone.utc: datetimes come back as the same aware UTC
    # type every writer makes (envelope.utcnow), never naive, so they compare.
    return MongoClient(uri, tz_aware=True, tzinfo=timezone.utc,
                       serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms,
                       socketTimeoutMS=timeout_ms * 5)


class Repository:
    """Base of every service's repository: owns nothing, borrows the db.

    `indexes` maps a collection to `[(keys, options), ...]`, ensured at start;
    `migrations` are applied at start once each, under a lock.
    """

    indexes: dict[str, list[tuple[Any, dict[str, Any]]]] = {}
    # Data migrations run at start, after the indexes (servicekit/migrations.py).
    migrations: tuple[Migration, ...] = ()

    def __init__(self, db: Any) -> None:
        self.db = db

    @classmethod
    def ensure_indexes(cls, db: Any) -> None:
        for collection, specs in cls.indexes.items():
            for keys, options in specs:
                db[collection].create_index(keys, **options)
        db.applied_events.create_index([("handler", 1)])

    def compare_and_set(self, collection: str, doc: dict[str, Any],
                        events: Iterable[dict[str, Any]] = ()) -> bool:
        """Replace `doc` if nobody changed it since it was read; queue `events`.

        `doc` is the whole document as read (with its `version`) plus the
        changes. Whole-document replacement is also the one update form the
        embedded store keeps datetimes intact with (`$set` of a datetime on
        an existing document stores a string there). Returns False on a
        lost race: the caller decides whether that is a Conflict.
        """
        coll = self.db[collection]
        queued = (coll.find_one({"_id": doc["_id"]}, {"outbox": 1}) or {}).get("outbox") or []
        body = {k: v for k, v in doc.items() if k not in ("_id", "outbox", "outbox_pending")}
        body.update(version=doc["version"] + 1, **pending(queued + list(events)))
        result = coll.replace_one({"_id": doc["_id"], "version": doc["version"]}, body)
        return result.matched_count == 1

    def apply_once(self, event: dict[str, Any], handler: str, apply: Callable[[], object]) -> bool:
        """Run `apply()` unless `handler` has already applied this event.

        The marker is written after the effect: a crash in between means a
        redelivery applies again, so effects are written as idempotent
        upserts keyed by what they describe, and the marker saves the work.
        """
        key = f"{handler}:{event['event_id']}"
        if self.db.applied_events.find_one({"_id": key}, {"_id": 1}):
            return False
        apply()
        try:
            self.db.applied_events.insert_one(
                {"_id": key, "handler": handler, "at": datetime.now(timezone.utc)})
        except DuplicateKeyError:
            return False
        return True


class MongoStore(DependencyProvider):
    def __init__(self, repository_cls: type[Repository]) -> None:
        self.repository_cls = repository_cls

    def setup(self) -> None:
        config = self.container.config
        # 1 s: a service must report a store outage well inside the gateway's
        # 2 s RPC deadline, so the citizen gets the store's 503, not a timeout.
        self.client = connect(config["MONGO_URI"], config.get("MONGO_TIMEOUT_MS", 1000))
        self.db = self.client[config.get("MONGO_DB", self.container.service_name)]

    def start(self) -> None:
        self.repository_cls.ensure_indexes(self.db)
        owner = f"{self.container.service_name}@{socket.gethostname()}:{os.getpid()}"
        migrate(self.db, self.repository_cls.migrations, owner, RELEASE)

    def stop(self) -> None:
        self.client.close()

    def get_dependency(self, worker_ctx: Any) -> Repository:
        return self.repository_cls(self.db)
