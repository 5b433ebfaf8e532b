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

from services.platform.partners import Broker
from services.platform.service_index import SERVICES
from services.servicekit import caller_keys
from services.servicekit.config import load_config
from services.servicekit.errors import Unavailable
from tools import backing, quorum_migration
from tools.channels import MailSink, SmsGateway

ROOT = Path(__file__).resolve().parent.parent
GATEWAY = os.environ.get("GATEWAY_URL", "http://127.0.0.1:8000")


def start_service(name, env, log=None):
    """One service's runner process; it dies with this process. `log`: an open file for its
    output (stdout and stderr), else this process's."""
    return subprocess.Popen([sys.executable, "-m", "services.platform.runner", name], cwd=ROOT,
                            env=caller_keys.for_process(name, env),
                            preexec_fn=backing.die_with_parent, stdout=log,
                            stderr=subprocess.STDOUT if log else None)


def start_services(env, names=SERVICES):
    return {name: start_service(name, env) for name in names}


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


def make_way_for_quorum_queues(env):
    """A broker kept from an older version may hold classic queues the kit now declares as quorum."""
    try:
        quorum_migration.report(quorum_migration.migrate(
            Broker(env["AMQP_URI"], env.get("RABBIT_API_URI"))), out=sys.stderr)
    except Unavailable as exc:
        print(f"could not check for old classic queues: {exc}", file=sys.stderr)


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


def start_channels(env):
    """A local SMTP sink unless SMTP_URL is given; Gammu SMSD on its dummy driver when installed."""
    mail = sms = None
    if not env.get("SMTP_URL"):
        mail = MailSink(ROOT / ".data" / "mail").start()
        env["SMTP_URL"] = mail.url
    if not env.get("SMSD_CONFIG") and SmsGateway.available():
        sms = SmsGateway(ROOT / ".data" / "sms").prepare()
        env.update(SMSD_CONFIG=str(sms.config), TL_REGION=env.get("TL_REGION", "36.71"))
        sms.start(env)
    return mail, sms


def channels_note(mail, sms):
    lines = []
    if mail:
        lines.append(f"Notification e-mails (SMTP sink {mail.url}): one file each in {mail.maildir}/new/")
    if sms:
        lines.append(f"SMS on Gammu's dummy modem: python -m tools.channels receive-sms +6281234567890 "
                     f"'LAPOR SAMPAH Jl. Merdeka 5 sampah menumpuk'; replies land in {sms.dir}/sent/")
    else:
        lines.append("SMS is off: sudo apt-get install gammu-smsd, to try SMS reports.")
    return "\n".join(lines)


def main():
    store_port = 27017 if not backing.port_open("127.0.0.1", 27017) else None
    stack = backing.ensure(store_port=store_port, store_dir=ROOT / ".data" / "mongo")
    env = {**os.environ, **stack.env(), "PYTHONUNBUFFERED": "1"}
    # A fresh token secret and caller key pairs per run unless the operator gives them; each
    # service gets the public keys and only its own private key (start_service).
    env.setdefault("TL_TOKEN_SECRET", secrets.token_urlsafe(48))
    caller_keys.ensure(env)
    mail, sms = start_channels(env)
    make_way_for_quorum_queues(env)
    procs = start_services(env)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # SIGTERM stops like Ctrl-C
    try:
        wait_healthy(procs, env)
        subprocess.run([sys.executable, "-m", "tools.demo_data", GATEWAY], cwd=ROOT, env=env, check=True)
        subprocess.run([sys.executable, "-m", "tools.demo_accounts"], cwd=ROOT, env=env, check=True)
        ops = ", ".join(f"{name} http://{ops_address(name, env)}" for name in procs)
        print(f"\nTangerang Live is up: {GATEWAY}/  (API: {GATEWAY}/api/v1/regions, "
              f"docs: {GATEWAY}/docs)\nOfficer console: {GATEWAY}/petugas/ (demo sign-ins in "
              f".data/demo-accounts.txt)\nOperator ports (/health/live, /health/ready, /metrics): {ops}",
              flush=True)
        print(channels_note(mail, sms) + "\nCtrl-C stops everything.", flush=True)
        while all(p.poll() is None for p in procs.values()):
            time.sleep(0.5)
        print("a service exited; stopping the rest", file=sys.stderr)
    except KeyboardInterrupt:
        print("\nstopping ...", file=sys.stderr)
    finally:
        stop_all(procs)
        for channel in (mail, sms):
            if channel:
                channel.stop()
        stack.close()


if __name__ == "__main__":
    main()
