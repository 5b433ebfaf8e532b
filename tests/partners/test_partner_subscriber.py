"""The pika subscriber partners run: backlog while down, ack after hand-over, resume, dedupe,
and events checked on arrival. It connects as the region's own broker user."""
import json
import os
import signal
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from services.platform import partners
from tests.helpers import wait_for
from tests.partners.support import peek, publish_raw, publish_shared, shared_event
from tools.backing import die_with_parent
from tools.run_platform import ROOT

QUEUE = partners.queue_name("36.03")


@pytest.fixture
def region_queue(broker, platform_db, partner_user):
    broker.ensure_policy()
    partners.apply_region(broker, "36.03")
    broker.partner_uri = partner_user(broker, "36.03")[1]
    return broker


def start(broker, tmp_path, *sink):
    return subprocess.Popen(
        [sys.executable, "-m", "tools.partner_subscriber", "--amqp", broker.partner_uri, "--region", "36.03",
         "--state", str(tmp_path / "state"), "--rejected", str(tmp_path / "rejected"), *sink],
        cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"}, stderr=subprocess.PIPE, text=True,
        preexec_fn=die_with_parent)


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    return err


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def alerts(n):
    return [shared_event("price_alert_raised", "36.04") for _ in range(n)]


def test_backlog_survives_the_subscriber_being_down_and_it_resumes(region_queue, tmp_path):
    out = tmp_path / "events.jsonl"
    first, second = alerts(5), alerts(7)
    publish_shared(region_queue.amqp_uri, *first)
    proc = start(region_queue, tmp_path, "--out", str(out))
    wait_for(lambda: len(lines(out)) == 5, 20, "the first five events")
    assert "5 handed over" in stop(proc)

    publish_shared(region_queue.amqp_uri, *second)  # while nobody listens
    assert [e["event_id"] for e in peek(region_queue, QUEUE)] == [e["event_id"] for e in second]

    proc = start(region_queue, tmp_path, "--out", str(out))
    wait_for(lambda: len(lines(out)) == 12, 20, "the backlog after the restart")
    stop(proc)
    assert [e["event_id"] for e in lines(out)] == [e["event_id"] for e in first + second]
    assert peek(region_queue, QUEUE) == []


def test_a_redelivery_already_handed_over_is_not_handed_over_again(region_queue, tmp_path):
    out = tmp_path / "events.jsonl"
    handed, fresh = alerts(1)[0], alerts(1)[0]
    # As after a crash between hand-over (recorded) and the acknowledgement.
    (tmp_path / "state").write_text(handed["event_id"] + "\n")
    publish_shared(region_queue.amqp_uri, handed, fresh)
    proc = start(region_queue, tmp_path, "--out", str(out))
    wait_for(lambda: len(lines(out)) == 1, 20, "the fresh event")
    wait_for(lambda: peek(region_queue, QUEUE) == [], 10, "both to be acknowledged")
    assert "1 handed over, 1 duplicates skipped" in stop(proc)
    assert [e["event_id"] for e in lines(out)] == [fresh["event_id"]]


class Receiver(BaseHTTPRequestHandler):
    """A partner's endpoint that refuses while `accepting` is off."""
    accepting = False
    received = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if not Receiver.accepting:
            self.send_response(503)
        else:
            Receiver.received.append(body["event_id"])
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_acknowledged_only_after_the_url_took_it(region_queue, tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Receiver.accepting, Receiver.received = False, []
    url = f"http://127.0.0.1:{server.server_port}/hook"
    events = alerts(3)
    publish_shared(region_queue.amqp_uri, *events)
    try:
        proc = start(region_queue, tmp_path, "--post", url)
        wait_for(lambda: region_queue.queue(QUEUE).get("messages_unacknowledged", 0) > 0, 15,
                 "the subscriber to hold a message")
        proc.kill()  # a crash while the partner's endpoint refuses
        proc.wait(10)
        assert [e["event_id"] for e in peek(region_queue, QUEUE)] == [e["event_id"] for e in events]
        Receiver.accepting = True
        proc = start(region_queue, tmp_path, "--post", url)
        wait_for(lambda: len(Receiver.received) == 3, 20, "the endpoint to take all three")
        wait_for(lambda: peek(region_queue, QUEUE) == [], 10, "the queue to empty")
        stop(proc)
        assert Receiver.received == [e["event_id"] for e in events]
    finally:
        server.shutdown()


def test_events_that_break_their_contract_or_name_another_region_are_set_aside(
        region_queue, partner_user, tmp_path):
    out, rejected = tmp_path / "events.jsonl", tmp_path / "rejected"
    first, last = alerts(2)
    malformed = {**alerts(1)[0], "payload": {"commodity": "beras"}}
    # Kab. Lebak's user may publish only keys ending in its code; the envelope claims Kota Tangerang.
    lebak_user, lebak = partner_user(region_queue, "36.02")
    claims_host = {**shared_event("vacancy_posted", "36.02"), "region": "36.71"}
    # ... or keeps its own region on the envelope but names a Kota Tangerang vacancy
    own = shared_event("vacancy_posted", "36.02")
    names_host = {**own, "payload": {**own["payload"], "vacancy_id": "LK-3671-2026-000042"}}
    publish_shared(region_queue.amqp_uri, first, malformed)
    publish_raw(lebak, claims_host, "tangerang.shared", "pencaker.vacancy_posted.36.02", user_id=lebak_user)
    publish_raw(lebak, names_host, "tangerang.shared", "pencaker.vacancy_posted.36.02", user_id=lebak_user)
    publish_shared(region_queue.amqp_uri, last)

    proc = start(region_queue, tmp_path, "--out", str(out))
    wait_for(lambda: len(lines(out)) == 2 and len(lines(rejected)) == 3, 20, "all five messages")
    assert "2 handed over, 0 duplicates skipped, 3 rejected" in stop(proc)
    assert [e["event_id"] for e in lines(out)] == [first["event_id"], last["event_id"]]
    assert [(r["reason"], r["routing_key"], r["user_id"]) for r in lines(rejected)] == [
        ("malformed", "prices.price_alert_raised.36.04", None),
        ("region", "pencaker.vacancy_posted.36.02", lebak_user),
        ("record_region", "pencaker.vacancy_posted.36.02", lebak_user)]
    assert "payload" in lines(rejected)[0]["detail"]
    assert peek(region_queue, QUEUE) == []  # each set aside once, not requeued
