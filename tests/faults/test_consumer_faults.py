"""A consumer killed mid-batch, and a poison message: nothing lost, nothing applied twice,
nothing retried forever."""
import signal
import subprocess
import sys

import pytest
from nameko.amqp.publish import Publisher
from nameko.standalone.events import event_dispatcher, get_event_exchange

from services.servicekit.arrival import REJECTED
from services.servicekit.errors import ConfigError
from services.servicekit.events import ATTEMPTS_HEADER, checked_delays, dead_queue_name
from tests.faults.conftest import (
    ROOT,
    queue_depth,
    seed_desks,
    submitted_event,
    wait_until,
    write_ledger_config,
)
from tests.faults.ledger import HANDLER, QUEUE, LedgerService

pytestmark = pytest.mark.faults
BATCH = 300


def test_consumer_killed_mid_batch_applies_every_event_once(
        rabbit_config, mongo_uri, mongo_db, db_name, tmp_path, processes, report):
    amqp_uri = rabbit_config["AMQP_URI"]
    config = write_ledger_config(tmp_path / "ledger.yaml", amqp_uri, mongo_uri, db_name, work_ms=20)
    seed_desks(mongo_db)
    ledger = processes.ledger(config)
    wait_until(lambda: queue_depth(amqp_uri, QUEUE) is not None, 30, "the ledger's queue")
    events = [submitted_event(seq=i) for i in range(BATCH)]
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    for event in events:
        dispatch("aspirasi", "aspirasi_submitted", event)

    applied_at_kill = wait_until(lambda: mongo_db.ledger.count_documents({}) >= BATCH // 3 and
                                 mongo_db.ledger.count_documents({}), 60, "a third of the batch")
    ledger.send_signal(signal.SIGKILL)
    ledger.wait(5)
    processes.ledger(config)
    wait_until(lambda: mongo_db.ledger.count_documents({}) >= BATCH, 60, "the whole batch")
    wait_until(lambda: queue_depth(amqp_uri, QUEUE) == 0, 30, "an empty queue")

    ids = {e["event_id"] for e in events}
    booked = [d["_id"] for d in mongo_db.ledger.find({}, {"_id": 1})]
    markers = mongo_db.applied_events.count_documents({"handler": HANDLER})
    deliveries = {}
    for d in mongo_db.deliveries.find({}, {"event_id": 1}):
        deliveries[d["event_id"]] = deliveries.get(d["event_id"], 0) + 1
    redelivered = sum(1 for n in deliveries.values() if n > 1)
    summary = report(published=BATCH, applied_before_kill=applied_at_kill, booked=len(booked),
                     distinct_booked=len(set(booked)), apply_markers=markers,
                     deliveries=sum(deliveries.values()), redelivered_events=redelivered)
    assert len(booked) == len(set(booked)) == BATCH and set(booked) == ids, summary
    assert markers == BATCH, summary
    # the kill hit handlers in flight: their events came back and were not applied twice
    assert redelivered >= 1, summary


def deadletters(amqp_uri, *args):
    return subprocess.run([sys.executable, "-m", "tools.deadletters", "--amqp-uri", amqp_uri, *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=30)


def test_poison_event_backs_off_then_is_dead_lettered_and_replayed_after_a_fix(
        container_factory, service_config, mongo_db, report):
    delays = [0.3, 0.6, 1.2]
    config = {**service_config("aspirasi"), "SERVICE_NAME": "ledger", "EVENT_RETRY_DELAYS": delays}
    amqp_uri = config["AMQP_URI"]
    container = container_factory(LedgerService, config)
    container.start()
    seed_desks(mongo_db, ["Dinas Lingkungan Hidup"])
    good = submitted_event(seq=1)
    poison = submitted_event(opd="Dinas Baru", seq=2)  # no desk yet: fails every time
    dispatch = event_dispatcher(config)
    dispatch("aspirasi", "aspirasi_submitted", poison)
    dispatch("aspirasi", "aspirasi_submitted", good)

    wait_until(lambda: queue_depth(amqp_uri, dead_queue_name(QUEUE)) == 1, 20, "the dead letter")
    times = [d["at"] for d in mongo_db.deliveries.find({"event_id": poison["event_id"]}).sort("at", 1)]
    gaps = [round((b - a).total_seconds(), 2) for a, b in zip(times, times[1:], strict=False)]
    listed = deadletters(amqp_uri, "list", QUEUE)
    summary = report(attempts=len(times), gaps_s=gaps, configured_delays_s=delays,
                     dead_letters=queue_depth(amqp_uri, dead_queue_name(QUEUE)),
                     good_booked=mongo_db.ledger.count_documents({"_id": good["event_id"]}))
    assert len(times) == len(delays) + 1, summary
    assert all(gap >= delay * 0.9 for gap, delay in zip(gaps, delays, strict=True)), summary
    assert mongo_db.ledger.count_documents({"_id": good["event_id"]}) == 1, summary
    assert listed.returncode == 0, listed.stderr
    assert "1 dead letter" in listed.stdout and poison["event_id"] in listed.stdout
    assert "attempts=4" in listed.stdout and "no desk for OPD 'Dinas Baru'" in listed.stdout
    assert queue_depth(amqp_uri, dead_queue_name(QUEUE)) == 1  # listing keeps it

    missing = deadletters(amqp_uri, "replay", QUEUE, "no-such-event")
    assert missing.returncode == 1 and "no dead letter with event_id no-such-event" in missing.stderr
    seed_desks(mongo_db, ["Dinas Baru"])  # the fix
    replayed = deadletters(amqp_uri, "replay", QUEUE, poison["event_id"])
    assert replayed.returncode == 0 and f"replayed {poison['event_id']}" in replayed.stdout
    wait_until(lambda: mongo_db.ledger.count_documents({"_id": poison["event_id"]}) == 1, 10,
               "the replayed event to be booked")
    assert queue_depth(amqp_uri, dead_queue_name(QUEUE)) == 0
    assert "0 dead letter" in deadletters(amqp_uri, "list", QUEUE).stdout
    assert mongo_db.deliveries.count_documents({"event_id": poison["event_id"]}) == len(delays) + 2


@pytest.mark.parametrize("delays", [[0], [-1, 2], "5", [True], None])
def test_bad_retry_delays_are_one_line_naming_the_key(delays):
    with pytest.raises(ConfigError, match="EVENT_RETRY_DELAYS is invalid"):
        checked_delays(delays)


def test_a_malformed_event_or_bad_attempts_header_is_dead_lettered_once_never_handled(
        container_factory, service_config, mongo_db, report):
    config = {**service_config("aspirasi"), "SERVICE_NAME": "ledger", "EVENT_RETRY_DELAYS": [0.2]}
    amqp_uri = config["AMQP_URI"]
    container_factory(LedgerService, config).start()
    seed_desks(mongo_db)
    refused = REJECTED.labels("ledger", "on_submitted", "malformed")._value.get()
    broken = {**submitted_event(seq=1), "payload": {"number": "LAKSA-3671-2026-000001"}}
    bad_header, good = submitted_event(seq=2), submitted_event(seq=3)
    exchange = get_event_exchange("aspirasi", config)
    publisher = Publisher(amqp_uri, use_confirms=True, serializer="json", declare=[exchange])
    publisher.publish(broken, exchange=exchange, routing_key="aspirasi_submitted")
    publisher.publish(bad_header, exchange=exchange, routing_key="aspirasi_submitted",
                      headers={ATTEMPTS_HEADER: "many"})
    publisher.publish(good, exchange=exchange, routing_key="aspirasi_submitted")

    wait_until(lambda: mongo_db.ledger.count_documents({"_id": good["event_id"]}) == 1, 10, "the good event")
    wait_until(lambda: queue_depth(amqp_uri, dead_queue_name(QUEUE)) == 2, 10, "two dead letters")
    listed = deadletters(amqp_uri, "list", QUEUE)
    handled = mongo_db.deliveries.count_documents({"event_id": {"$in": [broken["event_id"],
                                                                         bad_header["event_id"]]}})
    summary = report(dead_letters=queue_depth(amqp_uri, dead_queue_name(QUEUE)), handler_runs=handled,
                     counted=REJECTED.labels("ledger", "on_submitted", "malformed")._value.get() - refused)
    assert handled == 0, summary  # refused before any worker ran
    assert "2 dead letter" in listed.stdout and listed.stdout.count("refused on arrival") == 2
    assert "payload: 'category' is a required property" in listed.stdout
    assert "x-tl-attempts is 'many'" in listed.stdout
    assert queue_depth(amqp_uri, QUEUE) == 0 and queue_depth(amqp_uri, dead_queue_name(QUEUE)) == 2
    assert REJECTED.labels("ledger", "on_submitted", "malformed")._value.get() == refused + 1
