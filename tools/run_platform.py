"""`make run`: backing services, every service in its own process, demo data, the URL.

Ctrl-C (or SIGTERM) stops every process this started, then what `backing`
started. Ports: gateway 8000 (GATEWAY_HTTP); the operator ports (probes
/health/live and /health/ready, and /metrics) on 127.0.0.1: gateway 8100,
aspirasi 8101, pencaker 8102, prices 8103, news 8104 (<NAME>_OPS_HTTP).
"""
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from services.servicekit.config import load_config
from services.servicekit.service_index import SERVICES
from tools import backing

ROOT = Path(__file__).resolve().parent.parent
GATEWAY = os.environ.get("GATEWAY_URL", "http://127.0.0.1:8000")


def start_services(env):
    procs = {}
    for name in SERVICES:
        procs[name] = subprocess.Popen(
            [sys.executable, "-m", "services.servicekit.runner", name], cwd=ROOT, env=env)
    return procs


def ops_address(name, env):
    address = load_config(ROOT / "services" / name / "config.yaml", env=env)["OPS_HTTP"]
    return address.replace("0.0.0.0", "127.0.0.1")


def health_url(name, env):
    return f"http://{ops_address(name, env)}/health/ready"


def wait_healthy(procs, env, seconds=60):
    """Every service is ready: an RPC round trip into its consumer, and its store, answer."""
    waiting = {name: health_url(name, env) for name in procs}
    deadline = time.monotonic() + seconds
    while waiting and time.monotonic() < deadline:
        for name, url in list(waiting.items()):
            if procs[name].poll() is not None:
                raise SystemExit(f"{name} exited with code {procs[name].returncode}; see its log above")
            try:
                if requests.get(url, timeout=3).status_code == 200:
                    del waiting[name]
            except requests.RequestException:
                pass
        time.sleep(0.3)
    if waiting:
        raise SystemExit(f"not healthy within {seconds}s: {', '.join(waiting)}")


def stop_all(procs):
    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 12
    for proc in procs.values():
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()


def main():
    store_port = 27017 if not backing.port_open("127.0.0.1", 27017) else None
    stack = backing.ensure(store_port=store_port, store_dir=ROOT / ".data" / "mongo")
    env = {**os.environ, **stack.env(), "PYTHONUNBUFFERED": "1"}
    # A fresh signing secret per run unless the operator gives one.
    env.setdefault("TL_TOKEN_SECRET", secrets.token_urlsafe(48))
    procs = start_services(env)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # SIGTERM stops like Ctrl-C
    try:
        wait_healthy(procs, env)
        subprocess.run([sys.executable, "-m", "tools.demo_data", GATEWAY], cwd=ROOT, env=env, check=True)
        subprocess.run([sys.executable, "-m", "tools.demo_accounts"], cwd=ROOT, env=env, check=True)
        ops = ", ".join(f"{name} http://{ops_address(name, env)}" for name in procs)
        print(f"\nTangerang Live is up: {GATEWAY}/  (API: {GATEWAY}/api/v1/regions, "
              f"docs: {GATEWAY}/docs)\nOfficer console: {GATEWAY}/petugas/ (demo sign-ins in "
              f".data/demo-accounts.txt)\nOperator ports (/health/live, /health/ready, /metrics): {ops}"
              "\nCtrl-C stops everything.", flush=True)
        while all(p.poll() is None for p in procs.values()):
            time.sleep(0.5)
        print("a service exited; stopping the rest", file=sys.stderr)
    except KeyboardInterrupt:
        print("\nstopping ...", file=sys.stderr)
    finally:
        stop_all(procs)
        stack.close()


if __name__ == "__main__":
    main()
