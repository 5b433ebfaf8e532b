"""Fault-injection harness: processes that are always cleaned up, counts that are always shown.

Each test reports its counts with `report(...)`: printed at once (visible with
`-s`) and again in a "fault-injection counts" section at the end of the run
(visible without it).
"""
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
import yaml
from kombu import Connection

from services.aspirasi.repository import template_categories
from services.platform.service_index import SERVICES_DIR
from services.servicekit.envelope import new_event
from tests.faults.broker import RabbitNode
from tools.backing import die_with_parent
from tools.stack import Platform

ROOT = SERVICES_DIR.parent
COUNTS = []


def pytest_terminal_summary(terminalreporter):
    if COUNTS:
        terminalreporter.section("fault-injection counts")
        for line in COUNTS:
            terminalreporter.write_line(line)


@pytest.fixture
def report(request):
    def emit(**counts):
        line = f"{request.node.name}: " + ", ".join(f"{k}={v}" for k, v in counts.items())
        COUNTS.append(line)
        print(line, flush=True)
        return line
    return emit


def wait_until(predicate, seconds, what, interval=0.1):
    """Poll `predicate` until it returns something truthy; fail naming `what`."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds}s waiting for {what}")
        time.sleep(interval)


def queue_depth(amqp_uri, name):
    """Messages ready in queue `name`, or None when it does not exist (yet)."""
    try:
        with Connection(amqp_uri, connect_timeout=3) as conn:
            return conn.default_channel.queue_declare(name, passive=True).message_count
    except Exception:  # noqa: BLE001 - missing queue closes the channel
        return None


def submitted_event(opd="Dinas Lingkungan Hidup", region="36.71", seq=1):
    return new_event("aspirasi_submitted", "aspirasi", region, {
        "number": f"LAKSA-{region.replace('.', '')}-2026-{seq:06d}", "category": "sampah",
        "opd": opd, "submitted_at": "2026-11-27T03:00:00+00:00", "location": {}})


def seed_desks(db, opds=None):
    for opd in opds or {c["opd"] for c in template_categories()}:
        db.desks.update_one({"_id": opd}, {"$set": {"opd": opd}}, upsert=True)


class Processes:
    """Subprocesses a test starts; whatever still runs at teardown is stopped."""

    def __init__(self):
        self.procs = []

    def ledger(self, config_path):
        proc = subprocess.Popen([sys.executable, "-m", "tests.faults.run_ledger", "--config",
                                 str(config_path)], cwd=ROOT,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                                preexec_fn=die_with_parent)
        self.procs.append(proc)
        return proc

    def cleanup(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(12)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


@pytest.fixture
def processes():
    running = Processes()
    yield running
    running.cleanup()


def write_ledger_config(path, amqp_uri, mongo_uri, db_name, work_ms=0, delays=(0.5, 1, 2),
                        max_workers=10):
    path.write_text(yaml.safe_dump({
        "SERVICE_NAME": "ledger", "AMQP_URI": amqp_uri, "MONGO_URI": mongo_uri, "MONGO_DB": db_name,
        "LEDGER_WORK_MS": work_ms, "EVENT_RETRY_DELAYS": list(delays), "max_workers": max_workers}))
    return path


@pytest.fixture
def private_broker(tmp_path_factory):
    """A RabbitMQ node of this test's own, free to be stopped and started."""
    node = RabbitNode(tmp_path_factory.mktemp("rabbit"))
    try:
        node.start()
        yield node
    finally:
        node.remove()


@pytest.fixture
def make_platform():
    """Start the whole platform as processes; every one is stopped at teardown."""
    started = []

    def make(mongo_uri, amqp_uri=None, **env):
        """On `amqp_uri`, or else on a new vhost of the shared broker."""
        if amqp_uri is None:
            platform = Platform.in_new_vhost(os.environ["AMQP_URI"], os.environ["RABBIT_API_URI"],
                                             mongo_uri, "faults", **env)
        else:
            platform = Platform(amqp_uri, mongo_uri, f"flt{uuid.uuid4().hex[:6]}", **env)
        started.append(platform)
        platform.start()
        return platform
    yield make
    for platform in started:
        platform.stop()
