"""The live view stays true under faults: a broker restart and a gateway restart while
reports stream in, events that never arrive (reconciliation finds and counts them), and
a domain service that stops and comes back.

One stack for the module (its own RabbitMQ node, every service as a process);
each test leaves it healthy again.
"""
import re
import signal
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pika
import pytest
import requests
from nameko.standalone.rpc import ClusterRpcProxy

from tests.faults.broker import RabbitNode
from tests.faults.conftest import wait_until
from tests.faults.test_platform_faults import Citizens, report_from
from tools.run_platform import start_service, wait_healthy
from tools.stack import Platform

pytestmark = [pytest.mark.faults, pytest.mark.timeout(600)]
REPORTS = 500
SETTLE = 10  # seconds after the stream within which every count must be right
LIVE_QUEUE = f"evt-live--gateway.{socket.gethostname()}"


class LiveStack:
    def __init__(self, base, mongo_uri):
        self.broker = RabbitNode(base / "rabbit")
        self.mongo_uri = mongo_uri

    def start(self):
        self.broker.start()
        self.platform = Platform(self.broker.uri, self.mongo_uri, f"lv{uuid.uuid4().hex[:6]}",
                                 SUBMIT_RATE_LIMIT="100000/minute")
        self.platform.start()
        self.regions = [r["code"] for r in requests.get(
            f"{self.platform.url}/api/v1/regions", timeout=10).json()["items"]]

    def restart(self, name):
        """SIGTERM one service and start it again, as a rolling deploy would."""
        proc = self.platform.procs[name]
        proc.send_signal(signal.SIGTERM)
        proc.wait(15)
        self.start_again(name)

    def start_again(self, name):
        self.platform.procs[name] = start_service(name, self.platform.env)
        wait_healthy({name: self.platform.procs[name]}, self.platform.env)

    def stop(self):
        try:
            self.platform.stop()
        finally:
            self.broker.remove()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, mongo_uri):
    running = LiveStack(tmp_path_factory.mktemp("livestack"), mongo_uri)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def live(stack, region):
    return requests.get(f"{stack.platform.url}/api/v1/regions/{region}/live", timeout=10).json()


def mismatches(stack):
    """Regions whose live counts differ from what the services answer themselves."""
    url, wrong = stack.platform.url, {}
    for region in stack.regions:
        sections = live(stack, region)["sections"]
        stats = requests.get(f"{url}/api/v1/regions/{region}/aspirasi/stats", timeout=10).json()
        open_vacancies = requests.get(f"{url}/api/v1/regions/{region}/vacancies", timeout=10).json()["total"]
        ours = (sections["aspirasi"].get("received"), sections["aspirasi"].get("resolved"),
                sections["vacancies"].get("open"))
        theirs = (stats["received"], stats["resolved"], open_vacancies)
        if ours != theirs:
            wrong[region] = {"live": ours, "services": theirs}
    return wrong


def settled(stack, started):
    """Wait (at most SETTLE s) until every region's live counts are the services'; seconds taken."""
    last = {}

    def agreed():
        last["wrong"] = mismatches(stack)
        return not last["wrong"]
    try:
        wait_until(agreed, SETTLE, "every region's live counts to equal the services' own figures",
                   interval=0.5)
    except AssertionError as exc:
        raise AssertionError(f"{exc}; still different: {last['wrong']}") from None
    return round(time.monotonic() - started, 1)


def drift(stack):
    """tl_live_drift_total by section, from the gateway's /metrics."""
    text = requests.get(f"{stack.platform.ops_url('gateway')}/metrics", timeout=10).text
    return {m[0]: float(m[1]) for m in re.findall(
        r'^tl_live_drift_total\{section="(\w+)"\} (\S+)$', text, re.M)}


def build_every_view(stack):
    for region in stack.regions:
        wait_until(lambda r=region: live(stack, r)["sections"]["aspirasi"]["status"] == "ok", 10,
                   f"the live view of {region} to be built")


def test_broker_restart_during_500_reports_loses_no_count(stack, report):
    build_every_view(stack)
    before = drift(stack)
    citizens, restart = Citizens(stack.platform), {}
    keys = [str(uuid.uuid4()) for _ in range(REPORTS)]

    def restart_broker_once_under_way():
        wait_until(lambda: len(citizens.answers) >= 100, 120, "100 reports before the restart")
        started = time.monotonic()
        stack.broker.restart()
        restart["seconds"] = round(time.monotonic() - started, 1)

    restarter = threading.Thread(target=restart_broker_once_under_way, daemon=True)
    restarter.start()
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda k: citizens.submit(k, citizens.region(k)), keys))
    restarter.join(120)
    citizens.retry_failed()
    wait_healthy(stack.platform.procs, stack.platform.env)
    seconds = settled(stack, time.monotonic())
    after = drift(stack)
    report(reports=REPORTS, broker_down_s=restart.get("seconds"), settled_within_s=seconds,
           drift_rebuilds={k: after.get(k, 0) - before.get(k, 0) for k in after})
    assert restart.get("seconds")
    assert all(p.poll() is None for p in stack.platform.procs.values())  # all reconnected by themselves


def test_gateway_restart_while_reports_stream_in(stack, report):
    build_every_view(stack)
    regions = ("36.71", "36.03", "36.74", "36.02")
    sent, stop = [], threading.Event()

    def stream():  # straight to the aspirasi service: the stream goes on while the gateway is away
        with ClusterRpcProxy({"AMQP_URI": stack.broker.uri}) as cluster:
            while not stop.is_set() and len(sent) < REPORTS:
                region = regions[len(sent) % len(regions)]
                cluster.aspirasi.submit(region, report_from(region), str(uuid.uuid4()))
                sent.append(region)

    streams = [threading.Thread(target=stream, daemon=True) for _ in range(4)]
    for thread in streams:
        thread.start()
    wait_until(lambda: len(sent) >= 100, 60, "100 reports before the gateway restart")
    stack.restart("gateway")
    build_every_view(stack)  # rebuilt while the stream goes on
    for thread in streams:
        thread.join(120)
    seconds = settled(stack, time.monotonic())
    report(reports=len(sent), settled_within_s=seconds, drift_rebuilds=drift(stack))
    assert len(sent) >= REPORTS


def test_events_that_never_arrive_are_found_rebuilt_and_counted(stack, report):
    """The gateway's queue loses its binding for a while (as if events were dropped):
    reconciliation sees the counts fall behind, rebuilds and counts the drift."""
    build_every_view(stack)
    before = drift(stack).get("aspirasi", 0)
    http = requests.Session()
    with pika.BlockingConnection(pika.URLParameters(stack.broker.uri)) as conn:
        channel = conn.channel()
        channel.queue_unbind(LIVE_QUEUE, "aspirasi.events", "aspirasi_submitted")
        try:
            for _ in range(20):
                assert http.post(f"{stack.platform.url}/api/v1/regions/36.74/aspirasi",
                                 json=report_from("36.74"), timeout=10).status_code == 201
        finally:
            channel.queue_bind(LIVE_QUEUE, "aspirasi.events", "aspirasi_submitted")
    seconds = settled(stack, time.monotonic())
    fixed = drift(stack).get("aspirasi", 0) - before
    report(lost_events=20, settled_within_s=seconds, drift_rebuilds_aspirasi=fixed)
    assert fixed >= 1


def test_a_stopped_service_shows_unavailable_within_its_limit_then_recovers(stack, report):
    build_every_view(stack)
    url, limit = stack.platform.url, 6 + 2 * 2  # stale_after plus two check intervals
    proc = stack.platform.procs["news"]
    proc.send_signal(signal.SIGTERM)
    proc.wait(15)
    stopped = time.monotonic()
    try:
        wait_until(lambda: live(stack, "36.71")["sections"]["news"]["status"] == "unavailable", limit,
                   "the news section to turn unavailable")
        down_after = round(time.monotonic() - stopped, 1)
        shown = live(stack, "36.71")["sections"]
        page = requests.get(f"{url}/r/36.71/", timeout=10).text
        news_card = page.split('id="bagian-news"', 1)[1].split("</section>", 1)[0]
        assert "Sedang tidak tersedia" in news_card
        assert shown["aspirasi"]["status"] == "ok" and shown["news"]["checked_at"]
    finally:
        stack.start_again("news")
    started = time.monotonic()
    wait_until(lambda: live(stack, "36.71")["sections"]["news"]["status"] == "ok", 10,
               "the news section to recover")
    page = requests.get(f"{url}/r/36.71/", timeout=10).text
    assert "Sedang tidak tersedia" not in page.split('id="bagian-news"', 1)[1].split("</section>", 1)[0]
    report(unavailable_after_s=down_after, limit_s=limit,
           ok_again_after_s=round(time.monotonic() - started, 1))
