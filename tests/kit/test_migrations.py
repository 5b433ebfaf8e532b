"""Data migrations on a real store: once each, recorded, under a lock, forward-only; and each
migration of a service turns a document of the release before into one this release reads."""
import hashlib
import threading

import pytest

from services.aspirasi.repository import TicketRepository
from services.servicekit import migrations
from services.servicekit.errors import ConfigError
from services.servicekit.migrations import Migration, migrate


def adds(field):
    def apply(db):
        db.docs.update_many({field: {"$exists": False}}, {"$set": {field: True}})
    return apply


def test_pending_migrations_run_once_in_order_and_are_recorded(mongo_db):
    mongo_db.docs.insert_one({"_id": "a"})
    steps = [Migration(1, "add x", adds("x")), Migration(2, "add y", adds("y"))]
    assert migrate(mongo_db, steps[:1], "test", "0.3.0") == [1]
    assert migrate(mongo_db, steps, "test", "0.4.0") == [2]
    assert migrate(mongo_db, steps, "test", "0.4.0") == []
    assert mongo_db.docs.find_one({"_id": "a"}) == {"_id": "a", "x": True, "y": True}
    records = {d["_id"]: (d["name"], d["release"]) for d in mongo_db.migrations.find()}
    assert records == {"m1": ("add x", "0.3.0"), "m2": ("add y", "0.4.0")}  # and no lock left


def test_a_newer_releases_record_is_left_alone(mongo_db):
    mongo_db.migrations.insert_one({"_id": "m7", "name": "of 0.5.0", "release": "0.5.0"})
    assert migrate(mongo_db, [Migration(1, "add x", adds("x"))], "test", "0.4.0") == [1]
    assert mongo_db.migrations.count_documents({"_id": "m7"}) == 1


@pytest.mark.parametrize("numbers", [[2, 1], [1, 1], [0]])
def test_migrations_must_be_numbered_ascending_once_each(mongo_db, numbers):
    with pytest.raises(ConfigError, match="ascending"):
        migrate(mongo_db, [Migration(n, "x", adds("x")) for n in numbers], "test", "0.3.0")
    assert mongo_db.migrations.count_documents({}) == 0


def test_a_second_replica_waits_for_the_lock_and_then_finds_nothing_to_do(mongo_db):
    calls, release = [], threading.Event()

    def slow(db):
        calls.append(1)
        release.wait(5)
    steps = [Migration(1, "slow", slow)]
    first = threading.Thread(target=migrate, args=(mongo_db, steps, "replica-1", "0.3.0"))
    first.start()
    while not calls:
        threading.Event().wait(0.02)
    second: list[list[int]] = []
    other = threading.Thread(target=lambda: second.append(migrate(mongo_db, steps, "replica-2", "0.3.0")))
    other.start()
    threading.Event().wait(0.5)
    assert not second  # still waiting on replica-1's lock
    release.set()
    first.join(5)
    other.join(5)
    assert second == [[]] and calls == [1]


def test_a_stale_lock_is_taken_over(mongo_db, monkeypatch):
    from datetime import datetime, timedelta, timezone
    mongo_db.migrations.insert_one({"_id": "lock", "owner": "dead-replica",
                                    "at": datetime.now(timezone.utc) - timedelta(hours=1)})
    assert migrate(mongo_db, [Migration(1, "add x", adds("x"))], "test", "0.3.0") == [1]
    monkeypatch.setattr(migrations, "WAIT_S", 0.3)
    mongo_db.migrations.insert_one({"_id": "lock", "owner": "live-replica",
                                    "at": datetime.now(timezone.utc)})
    with pytest.raises(ConfigError, match="held by live-replica"):
        migrations.take_lock(mongo_db, "test", wait_s=0.3)


def test_aspirasi_1_hashes_the_keys_of_claims_and_tickets_stored_before_0_3_0(mongo_db):
    key = "legacy-key-1"
    digest = hashlib.sha256(key.encode()).hexdigest()
    mongo_db.idempotency.insert_one({"_id": f"36.71:{key}", "number": "LAKSA-3671-2026-000001"})
    mongo_db.tickets.insert_one({"_id": "LAKSA-3671-2026-000001", "version": 1, "idempotency_key": key})
    assert migrate(mongo_db, TicketRepository.migrations, "test", "0.3.0") == [1]
    assert list(mongo_db.idempotency.find()) == [
        {"_id": f"36.71:{digest}", "number": "LAKSA-3671-2026-000001", "key_hashed": True}]
    assert mongo_db.tickets.find_one({"_id": "LAKSA-3671-2026-000001"}) == {
        "_id": "LAKSA-3671-2026-000001", "version": 2, "idempotency_hash": digest}
    TicketRepository.migrations[0].apply(mongo_db)  # idempotent: a second run changes nothing
    assert mongo_db.tickets.find_one({"_id": "LAKSA-3671-2026-000001"})["version"] == 2
