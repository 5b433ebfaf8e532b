"""`make bench`: our figures beside the ceiling of the same stack, measured in one run.

Prints, for each figure, ours, the ceiling and the ratio, and writes them to
bench/results/latest.json (and a dated copy) so runs can be compared.
Load comes from wrk (a real load generator on loopback), never a Python loop
timing itself; the event-to-live-view latency is the one figure measured by
polling, since it is a latency of the system, not of a request.
"""
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import pika
import requests

from services.servicekit import caller_keys
from services.servicekit.envelope import contract, new_event
from services.servicekit.outbox import SHARED_EXCHANGE_NAME, shared_routing_key
from tools import backing, demo_data
from tools.bench import photo_memory
from tools.stack import Platform

HERE = Path(__file__).resolve().parent
RESULTS = HERE.parent.parent / "bench" / "results"
CLIENTS = 32
DURATION = os.environ.get("BENCH_DURATION", "10s")
REGION_QUEUES = 18
FANOUT_EVENTS = 3000
FANOUT_CHUNK = 100
PUBLISHERS = 16


def wrk(url, connections=CLIENTS, threads=2, duration=DURATION, script=HERE / "report.lua", headers=()):
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: `sudo apt-get install wrk` (make bench does it as root)")
    extra = [arg for header in headers for arg in ("-H", header)]
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}", "-s", str(script),
                          *extra, url], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def figure(name, unit, ours, ceiling, better="higher"):
    ratio = ours / ceiling if ceiling else None
    return {"name": name, "unit": unit, "ours": round(ours, 3), "ceiling": round(ceiling, 3),
            "ratio": round(ratio, 3) if ratio is not None else None, "better": better}


def start_ceiling():
    port = backing.free_port()
    proc = subprocess.Popen([sys.executable, "-m", "tools.bench.ceiling_service", str(port)],
                            cwd=HERE.parent.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=backing.die_with_parent)
    backing.wait_port("127.0.0.1", port, 20, "the ceiling service")
    return proc, f"http://127.0.0.1:{port}/constant"


CITIZEN_PAGES = {"beranda": "/r/36.71/", "harga": "/r/36.71/harga", "loker": "/r/36.02/loker",
                 "berita": "/r/36.71/berita"}


def live_view_figures(platform):
    """The live view (plain and revalidated with If-None-Match) and every citizen page,
    each against the bare endpoint measured in the same run."""
    live = f"{platform.url}/api/v1/regions/36.71/live"
    first = requests.get(live, headers={"Accept-Encoding": "identity"}, timeout=5)  # built once
    first.raise_for_status()
    proc, ceiling_url = start_ceiling()
    try:
        wrk(ceiling_url, duration="2s")  # warm-up
        ceiling = wrk(ceiling_url)
        ours = wrk(live)
        revalidated = wrk(live, headers=[f"If-None-Match: {first.headers['ETag']}"])
        pages = {}
        for name, path in CITIZEN_PAGES.items():
            requests.get(platform.url + path, timeout=10).raise_for_status()
            pages[name] = wrk(platform.url + path)
    finally:
        proc.terminate()
        proc.wait(5)
    for result in (ours, revalidated, *pages.values()):
        assert result["non_2xx"] == 0 and result["errors"] == 0, result
    return [figure(f"live view req/s at {CLIENTS} clients", "req/s", ours["rps"], ceiling["rps"]),
            figure(f"live view p99 at {CLIENTS} clients", "ms", ours["p99_ms"], ceiling["p99_ms"],
                   better="lower"),
            figure(f"live view revalidated (304) req/s at {CLIENTS} clients", "req/s",
                   revalidated["rps"], ceiling["rps"]),
            *[figure(f"{name} page req/s at {CLIENTS} clients", "req/s", result["rps"], ceiling["rps"])
              for name, result in pages.items()]]


def beranda_bytes(platform):
    """Bytes on the wire per beranda view: gzip and brotli against uncompressed."""
    url, sizes = f"{platform.url}/r/36.71/", {}
    for encoding in ("identity", "gzip", "br"):
        response = requests.get(url, headers={"Accept-Encoding": encoding}, stream=True, timeout=10)
        sizes[encoding] = len(response.raw.read(decode_content=False))
    return [figure(f"beranda bytes per view, {encoding} (ceiling: uncompressed)", "bytes", sizes[encoding],
                   sizes["identity"], better="lower") for encoding in ("gzip", "br")]


def event_to_live_view(platform, samples=60):
    """Seconds from a submission's answer until the live view counts it."""
    session = requests.Session()
    live = f"{platform.url}/api/v1/regions/36.74/live"
    delays = []
    for i in range(samples):
        before = session.get(live, timeout=5).json()["sections"]["aspirasi"]["received"]
        session.post(f"{platform.url}/api/v1/regions/36.74/aspirasi", timeout=5, json={
            "category": "sampah", "description": f"latency probe {i}", "anonymous": True,
            "location": {"address": "Jl. Bench"}}).raise_for_status()
        answered = time.perf_counter()
        deadline = answered + 5
        while session.get(live, timeout=5).json()["sections"]["aspirasi"]["received"] == before:
            if time.perf_counter() > deadline:
                raise SystemExit("an event did not reach the live view within 5 s")
            time.sleep(0.002)
        delays.append(time.perf_counter() - answered)
    p99 = statistics.quantiles(delays, n=100)[98] * 1000
    return [{"name": "event to live view p99", "unit": "ms", "ours": round(p99, 1),
             "ceiling": 1000.0, "ratio": round(p99 / 1000.0, 3), "better": "lower",
             "note": "ceiling = the 1 s target"}]


def submission_latency(platform):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write((HERE / "submit.lua").read_text() + (HERE / "report.lua").read_text())
    try:
        result = wrk(f"{platform.url}/api/v1/regions/36.71/aspirasi", connections=1, threads=1,
                     script=script.name)
    finally:
        os.unlink(script.name)
    assert result["non_2xx"] == 0, result
    return [{"name": "aspirasi submission p50 (1 client)", "unit": "ms", "ours": result["p50_ms"],
             "ceiling": None, "ratio": None, "better": "lower"},
            {"name": "aspirasi submission p99 (1 client)", "unit": "ms", "ours": result["p99_ms"],
             "ceiling": None, "ratio": None, "better": "lower"}]


def fanout_figures(amqp_uri):
    """Shared events to 18 region queues: the kit's confirmed publisher vs bare pika.

    Both publish the same persistent events to the same quorum queues (declared
    as the kit declares partner queues). Ours: 16 concurrent callers handing
    over FANOUT_CHUNK events at a time (an outbox relay pass, a price import's
    alerts), each waiting until the broker confirmed every one. The ceiling:
    one pika channel, no confirms, timed until the queues hold every message
    (the same end as ours); how fast pika merely writes them to its socket is
    shown beside it, since the broker takes them in far slower than that.
    """
    from services.servicekit.confirmed_publisher import ConfirmedPublisher, Message
    from services.servicekit.queues import region_queue_arguments

    queues = [f"bench.region.{i}" for i in range(REGION_QUEUES)]
    params = pika.URLParameters(amqp_uri)
    with pika.BlockingConnection(params) as conn:
        channel = conn.channel()
        channel.exchange_declare(SHARED_EXCHANGE_NAME, "topic", durable=True)
        for name in queues:
            channel.queue_delete(name)  # left over from an interrupted run, maybe classic
            channel.queue_declare(name, durable=True, arguments=region_queue_arguments())
            channel.queue_bind(name, SHARED_EXCHANGE_NAME, "prices.price_alert_raised.#")
    payload = contract("price_alert_raised")["x-example"]["payload"]
    events = [new_event("price_alert_raised", "prices", "36.02", payload)
              for _ in range(FANOUT_EVENTS)]
    chunks = [[Message(SHARED_EXCHANGE_NAME, shared_routing_key(e), e, e["event_id"])
               for e in events[i:i + FANOUT_CHUNK]] for i in range(0, FANOUT_EVENTS, FANOUT_CHUNK)]

    def queued(channel):
        return min(channel.queue_declare(name, passive=True).method.message_count for name in queues)

    publisher = ConfirmedPublisher(amqp_uri)
    started = time.perf_counter()
    with ThreadPoolExecutor(PUBLISHERS) as pool:
        delivered = [ok for results in pool.map(publisher.publish, chunks) for ok in results]
    ours = FANOUT_EVENTS / (time.perf_counter() - started)
    publisher.close()
    bodies = [(shared_routing_key(e), json.dumps(e)) for e in events]
    with pika.BlockingConnection(params) as conn:
        channel = conn.channel()
        assert all(delivered) and queued(channel) == FANOUT_EVENTS, "confirmed fan-out lost events"
        for name in queues:
            channel.queue_purge(name)
        props = pika.BasicProperties(delivery_mode=2, content_type="application/json")
        started = time.perf_counter()
        for key, body in bodies:
            channel.basic_publish(SHARED_EXCHANGE_NAME, key, body, props)
        conn.process_data_events(0)
        sent = FANOUT_EVENTS / (time.perf_counter() - started)
        deadline = time.monotonic() + 120
        while queued(channel) < FANOUT_EVENTS and time.monotonic() < deadline:
            time.sleep(0.02)
        ceiling = FANOUT_EVENTS / (time.perf_counter() - started)
        for name in queues:
            channel.queue_delete(name)
    name = f"shared events to {REGION_QUEUES} region queues (confirmed, {PUBLISHERS} publishers)"
    return [figure(name, "events/s", ours, ceiling),
            {**figure(name + " vs pika send only", "events/s", ours, sent),
             "note": "ceiling = pika writing unconfirmed messages to its socket"}]


def memory_figures(platform):
    figures = []
    for name, proc in platform.procs.items():
        status = Path(f"/proc/{proc.pid}/status").read_text()
        rss_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")))
        figures.append({"name": f"{name} memory (RSS) after the run", "unit": "MiB",
                        "ours": round(rss_kb / 1024, 1), "ceiling": None, "ratio": None,
                        "better": "lower"})
    return figures


def price_import_figures(amqp_uri, mongo_uri):
    try:
        from tools import bench_prices
    except ImportError:
        return []
    return bench_prices.run(amqp_uri, mongo_uri)


def print_table(figures):
    print(f"\n{'figure':<60} {'ours':>19} {'ceiling':>10} {'ratio':>6}")
    for f in figures:
        ceiling = "" if f["ceiling"] is None else f"{f['ceiling']:.1f}"
        ratio = "" if f["ratio"] is None else f"{f['ratio']:.2f}"
        print(f"{f['name']:<60} {f['ours']:>9.1f} {f['unit']:<9}{ceiling:>10} {ratio:>6}")


def main():
    # The platform's token secret and caller keys, which this process signs with too.
    os.environ.setdefault("TL_TOKEN_SECRET", secrets.token_urlsafe(48))
    caller_keys.ensure(os.environ)
    stack = backing.ensure()
    figures = []
    try:
        platform = Platform.in_new_vhost(stack.amqp_uri, stack.api_uri, stack.mongo_uri, "bench",
                                         SUBMIT_RATE_LIMIT="1000000/minute")
        platform.start()
        try:
            demo_data.main(platform.url)  # pages with something on them
            figures += live_view_figures(platform)
            figures += beranda_bytes(platform)
            figures += event_to_live_view(platform)
            figures += submission_latency(platform)
            figures += memory_figures(platform)
        finally:
            platform.stop()
        figures += photo_memory.figures()
        figures += fanout_figures(stack.amqp_uri)
        figures += price_import_figures(stack.amqp_uri, stack.mongo_uri)
    finally:
        stack.close()
    print_table(figures)
    RESULTS.mkdir(parents=True, exist_ok=True)
    run = {"measured_at": datetime.now(timezone.utc).isoformat(), "machine": os.uname().nodename,
           "cpus": os.cpu_count(), "figures": figures}
    text = json.dumps(run, indent=2)
    (RESULTS / "latest.json").write_text(text + "\n")
    (RESULTS / f"{run['measured_at'][:19].replace(':', '')}.json").write_text(text + "\n")
    print(f"\nwritten to {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
