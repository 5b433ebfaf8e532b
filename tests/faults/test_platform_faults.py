"""The whole platform under faults: a broker restart, a store outage, SIGTERM under load.

One stack for the module (its own RabbitMQ node, its own store with a data
directory, every service as a process, plus the ledger consumer), because
starting it is most of the cost; each test leaves it healthy again and
checks that first.
"""
import hashlib
import signal
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.faults.broker import RabbitNode
from tests.faults.conftest import Processes, seed_desks, wait_until, write_ledger_config
from tools.backing import free_port, start_embedded_store
from tools.run_platform import health_url
from tools.stack import Platform

# A timeout ends pytest without teardown, orphaning the stack's processes: allow
# setup plus the 2,000 submissions on a slow machine.
pytestmark = [pytest.mark.faults, pytest.mark.timeout(600)]
REGIONS = ("36.71", "36.03", "36.74", "36.02")


def report_from(region):
    return {"category": "sampah", "description": "Sampah menumpuk di pinggir kali",
            "location": {"lat": -6.17, "long": 106.63},
            "reporter": {"name": "Rina", "nik": region.replace(".", "") + "014507950002",
                         "phone": "081298765432"}}
CLIENTS = 16
OUTAGE = 20  # seconds the store is down
LIMIT = 2.0  # seconds per answer while it is down


class Store:
    """The embedded store on a fixed port and data directory, to stop and start again."""

    def __init__(self, data_dir):
        self.port, self.data_dir = free_port(), data_dir
        self._stop = None

    def start(self):
        self.uri, self._stop, _ = start_embedded_store(self.port, self.data_dir)

    def stop(self):
        if self._stop:
            self._stop()
            self._stop = None


class Stack:
    def __init__(self, base):
        self.broker = RabbitNode(base / "rabbit")
        self.store = Store(base / "store")
        self.base = base
        self.ledger_procs = Processes()

    def start(self):
        self.broker.start()
        self.store.start()
        self.platform = Platform(self.broker.uri, self.store.uri, f"flt{uuid.uuid4().hex[:6]}",
                                 SUBMIT_RATE_LIMIT="100000/minute")
        self.ledger_db = self.platform.db("aspirasi").client[f"{self.platform.env['ASPIRASI_DB']}_ledger"]
        seed_desks(self.ledger_db)
        self.ledger_config = write_ledger_config(self.base / "ledger.yaml", self.broker.uri,
                                                 self.store.uri, self.ledger_db.name)
        self.start_services()

    def start_services(self):
        self.ledger = self.ledger_procs.ledger(self.ledger_config)
        self.platform.start()

    @property
    def procs(self):
        return {**self.platform.procs, "ledger": self.ledger}

    def healthy(self):
        for name in self.platform.procs:
            url = health_url(name, self.platform.env)
            wait_until(lambda u=url: _status(requests.get, u) == 200, 60, f"{name} /health 200")
        assert self.ledger.poll() is None, "the ledger consumer exited"

    def stop(self):
        try:
            self.platform.stop()
            self.ledger_procs.cleanup()
        finally:
            self.store.stop()
            self.broker.remove()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    running = Stack(tmp_path_factory.mktemp("faultstack"))
    try:
        running.start()
        yield running
    finally:
        running.stop()


def _status(method, url, **kwargs):
    try:
        return method(url, timeout=10, **kwargs).status_code
    except requests.RequestException:
        return None


def hashed(keys):
    """What tickets keep of their idempotency keys: the SHA-256 of each."""
    return [hashlib.sha256(k.encode()).hexdigest() for k in keys]


class Citizens:
    """Concurrent clients submitting aspirasi, each with its own Idempotency-Key."""

    def __init__(self, platform):
        self.url = platform.url
        self.local = threading.local()
        self.answers = {}  # key -> (status, ticket number or None)

    def submit(self, key, region):
        session = getattr(self.local, "session", None) or requests.Session()
        self.local.session = session
        try:
            response = session.post(f"{self.url}/api/v1/regions/{region}/aspirasi", json=report_from(region),
                                    headers={"Idempotency-Key": key}, timeout=10)
            answer = (response.status_code, response.json().get("number")
                      if response.status_code == 201 else response.json()["error"]["code"])
        except (requests.RequestException, ValueError) as exc:
            answer = (None, type(exc).__name__)
        self.answers[key] = answer
        return answer

    def region(self, key):
        return REGIONS[int(key[-2:], 16) % len(REGIONS)]

    def failed(self):
        """Keys whose last answer was a server-side error or no answer: retry those."""
        return [k for k, (status, _) in self.answers.items() if status is None or status >= 500]

    def rejected(self):
        return {k: a for k, a in self.answers.items() if a[0] is not None and 400 <= a[0] < 500}

    def retry_failed(self, seconds=60):
        """Retry every failed submission with its key until it succeeds."""
        deadline = time.monotonic() + seconds
        while self.failed() and time.monotonic() < deadline:
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda k: self.submit(k, self.region(k)), self.failed()))
        assert not self.failed(), f"{len(self.failed())} submissions still failing after {seconds}s"


def check_stored_once(stack, citizens, first_answers):
    """Every key is one ticket; every success answered then is that ticket; every event booked once."""
    db = stack.platform.db("aspirasi")
    # tickets keep only their key's hash
    by_hash = dict(zip(hashed(citizens.answers), citizens.answers, strict=True))
    found = list(db.tickets.find({"idempotency_hash": {"$in": list(by_hash)}}, {"idempotency_hash": 1}))
    tickets = {by_hash[t["idempotency_hash"]]: t["_id"] for t in found}
    per_key = Counter(by_hash[t["idempotency_hash"]] for t in found)
    duplicates = [k for k, n in per_key.items() if n > 1]
    missing = [k for k in citizens.answers if k not in tickets]
    changed = [k for k, (status, number) in first_answers.items()
               if status == 201 and tickets.get(k) != number]
    numbers = set(tickets.values())
    wait_until(lambda: numbers <= {d["number"] for d in stack.ledger_db.ledger.find(
        {"number": {"$in": list(numbers)}}, {"number": 1})}, 90, "the ledger to book every ticket")
    booked = Counter(d["number"] for d in stack.ledger_db.ledger.find(
        {"number": {"$in": list(numbers)}}, {"number": 1}))
    event_ids = [d["_id"] for d in stack.ledger_db.ledger.find(
        {"number": {"$in": list(numbers)}}, {"_id": 1})]
    deliveries = stack.ledger_db.deliveries.count_documents({"event_id": {"$in": event_ids}})
    return {"stored": len(tickets), "duplicates": len(duplicates), "missing": len(missing),
            "success_answers_not_matching": len(changed), "events_booked": len(booked),
            "events_booked_twice": sum(1 for n in booked.values() if n > 1),
            "event_redeliveries": deliveries - len(event_ids)}


def test_broker_restart_during_2000_submissions(stack, report):
    stack.healthy()
    citizens = Citizens(stack.platform)
    keys = [str(uuid.uuid4()) for _ in range(2000)]
    restart = {}

    def restart_broker_once_under_way():
        wait_until(lambda: len(citizens.answers) >= 400, 120, "400 submissions before the restart")
        started = time.monotonic()
        restart["answers_before"] = len(citizens.answers)
        stack.broker.restart()
        restart["seconds"] = round(time.monotonic() - started, 1)

    restarter = threading.Thread(target=restart_broker_once_under_way, daemon=True)
    restarter.start()
    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(lambda k: citizens.submit(k, citizens.region(k)), keys))
    restarter.join(120)
    elapsed = time.monotonic() - started
    first = dict(citizens.answers)
    errors = Counter(str(code) for status, code in first.values() if status != 201)
    assert not citizens.rejected(), list(citizens.rejected().values())[:3]
    citizens.retry_failed()
    stack.healthy()  # every service reconnected by itself: no process was restarted
    counts = check_stored_once(stack, citizens, first)
    tickets, stranded = stack.platform.db("aspirasi").tickets, {"idempotency_hash": {"$in": hashed(keys)},
                                                                 "outbox_pending": True}
    wait_until(lambda: not tickets.count_documents(stranded), 60, "every ticket's outbox cleared")
    counts["outbox_pending"] = tickets.count_documents(stranded)
    summary = report(submitted=len(keys), ok_first_try=sum(s == 201 for s, _ in first.values()),
                     errors_first_try=dict(errors), broker_down_s=restart.get("seconds"),
                     restart_after=restart.get("answers_before"), submit_s=round(elapsed, 1), **counts)
    assert restart.get("seconds"), summary
    assert counts["stored"] == len(keys) and counts["duplicates"] == counts["missing"] == 0, summary
    assert counts["success_answers_not_matching"] == 0, summary
    assert counts["events_booked_twice"] == 0, summary
    assert all(p.poll() is None for p in stack.procs.values()), summary


def test_store_outage_answers_503_quickly_and_heals_without_restart(stack, report):
    stack.healthy()
    platform, http = stack.platform, requests.Session()
    submit_url = f"{platform.url}/api/v1/regions/36.71/aspirasi"
    list_url = f"{platform.url}/api/v1/regions/36.71/aspirasi?limit=5"
    assert http.post(submit_url, json=report_from("36.71"), timeout=10).status_code == 201
    stack.store.stop()
    answers = []  # (what, status, seconds, body)
    deadline = time.monotonic() + OUTAGE
    try:
        while time.monotonic() < deadline:
            for method, url in (("POST", submit_url), ("GET", list_url)):
                started = time.monotonic()
                response = http.request(method, url, timeout=10,
                                        json=report_from("36.71") if method == "POST" else None)
                answers.append((method, response.status_code, time.monotonic() - started,
                                response.json()))
    finally:
        stack.store.start()  # same port, same data directory
    back = time.monotonic()
    wait_until(lambda: _status(http.post, submit_url, json=report_from("36.71")) == 201, 30,
               "a submission to succeed again")
    healed_after = time.monotonic() - back
    stack.healthy()
    seconds = sorted(s for _, _, s, _ in answers)
    summary = report(outage_s=OUTAGE, requests=len(answers),
                     statuses=sorted({status for _, status, _, _ in answers}),
                     median_s=round(seconds[len(seconds) // 2], 2), slowest_s=round(seconds[-1], 2),
                     over_2s=sum(s >= LIMIT for s in seconds), healed_after_s=round(healed_after, 2),
                     exited=[n for n, p in stack.procs.items() if p.poll() is not None])
    assert {status for _, status, _, _ in answers} == {503}, summary
    assert all(set(body["error"]) == {"code", "message", "details"}
               and body["error"]["code"] == "unavailable" for _, _, _, body in answers), summary
    assert all(p.poll() is None for p in stack.procs.values()), summary
    assert seconds[-1] < LIMIT, summary


def test_sigterm_under_load_stops_every_service_in_10s_and_loses_nothing(stack, report):
    stack.healthy()
    citizens, stop_load = Citizens(stack.platform), threading.Event()

    def citizen():
        while not stop_load.is_set():
            key = str(uuid.uuid4())
            if citizens.submit(key, citizens.region(key))[0] != 201:
                time.sleep(0.05)  # the gateway is going away: do not spin

    procs, stopped = stack.procs, {}
    with ThreadPoolExecutor(CLIENTS) as pool:
        for _ in range(CLIENTS):
            pool.submit(citizen)
        try:
            wait_until(lambda: sum(a[0] == 201 for a in list(citizens.answers.values())) >= 100, 120,
                       "100 submissions under load")
            signalled = time.monotonic()
            for proc in procs.values():
                proc.send_signal(signal.SIGTERM)

            def all_stopped():
                for name, proc in procs.items():
                    if name not in stopped and proc.poll() is not None:
                        stopped[name] = round(time.monotonic() - signalled, 1)
                return len(stopped) == len(procs)
            wait_until(all_stopped, 30, "every service to stop", interval=0.05)
        finally:
            stop_load.set()
    first = dict(citizens.answers)
    failed = citizens.failed()
    db = stack.platform.db("aspirasi")
    done_without_answer = db.tickets.count_documents({"idempotency_hash": {"$in": hashed(failed)}})
    stack.start_services()
    stack.healthy()
    assert not citizens.rejected(), list(citizens.rejected().values())[:3]
    citizens.retry_failed()
    counts = check_stored_once(stack, citizens, first)
    summary = report(submitted=len(first), ok_before_stop=sum(a[0] == 201 for a in first.values()),
                     failed_then_retried=len(failed), stored_without_answer=done_without_answer,
                     stop_seconds=stopped, exit_codes={n: p.returncode for n, p in procs.items()},
                     **counts)
    assert all(seconds <= 10 for seconds in stopped.values()), summary
    assert all(p.returncode == 0 for p in procs.values()), summary
    assert counts["stored"] == len(first) and counts["duplicates"] == counts["missing"] == 0, summary
    assert counts["success_answers_not_matching"] == 0 and counts["events_booked_twice"] == 0, summary
