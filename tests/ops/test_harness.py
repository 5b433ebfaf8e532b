"""The harness cleans up after itself even when a test run is killed."""
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from tools.stack import RabbitAdmin

ROOT = Path(__file__).resolve().parents[2]
STARTER = """
import subprocess, sys, time
from tools.backing import die_with_parent
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], preexec_fn=die_with_parent)
print(child.pid, flush=True)
time.sleep(60)
"""


def running(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has ended; only its exit status waits to be read


def test_a_started_daemon_ends_when_the_run_that_started_it_is_killed():
    starter = subprocess.Popen([sys.executable, "-c", STARTER], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    child = int(starter.stdout.readline())
    assert running(child)
    starter.kill()  # as a CI timeout or a killed pytest would: no cleanup code runs
    starter.wait()
    deadline = time.monotonic() + 5
    while running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(child)


def test_vhosts_of_killed_runs_are_deleted_and_live_ones_kept():
    admin = RabbitAdmin(os.environ["RABBIT_API_URI"])
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    abandoned, ours = f"e2e-{int(gone.stdout)}-0badc0de", f"e2e-{os.getpid()}-0badc0de"
    for name in (abandoned, ours):
        admin.create_vhost(name)
    try:
        admin.delete_abandoned_vhosts()
        names = {v["name"] for v in requests.get(f"{admin.api}/vhosts", timeout=10).json()}
        assert ours in names and abandoned not in names
    finally:
        for name in (abandoned, ours):
            admin.delete_vhost(name)


def test_the_unit_tests_run_with_an_unreachable_broker_and_store():
    """`make test-unit`'s URIs point nowhere: the run passes because nothing reaches for them
    (a backing check would fail on them at once, BackingError)."""
    env = {**os.environ, "AMQP_URI": "amqp://x:y@127.0.0.1:1/", "MONGO_URI": "mongodb://127.0.0.1:1/"}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", "tests/unit/kit/test_nik.py", "-q",
                           "-p", "no:warnings"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert time.monotonic() - started < 60
