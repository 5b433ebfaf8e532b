"""Alert rules and dashboards name only metrics that the running platform exports.

The whole platform runs (the `platform` fixture); every registered service's
/metrics and RabbitMQ's rabbitmq_prometheus endpoints (the paths the
PodMonitor scrapes) are read, and each metric selector in every PromQL
expression (parsed with promql-parser, not by regex) must name an exported
series, with label matchers on labels that series really has.
"""
import json
import os
import re
import shutil
import subprocess
import time
import uuid
from urllib.parse import quote, urlparse

import promql_parser
import pytest
import requests
import yaml
from prometheus_client.parser import text_string_to_metric_families

from services.platform.service_index import SERVICES
from tests.ops.manifests import DEPLOY, KUSTOMIZATIONS, find, render
from tests.ops.manifests import SERVICES as DEPLOYED
from tools.backing import port_open, wait_port

# Business metrics a dashboard shows whose domain service (its owner defines
# them) does not export them yet. An entry excuses only a metric that is not
# exported; once it is, the stale entry fails test_the_allowlist_has_no_stale_entries.
NOT_YET_EXPORTED = {}
# Made by Prometheus itself for every target, never scraped.
SYNTHETIC = {"up"}
# Labels Prometheus (PodMonitor) adds to every scraped series.
TARGET_LABELS = {"job", "instance", "namespace", "pod", "container", "endpoint"}
SUFFIXES = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"],
            "summary": ["", "_sum", "_count"], "gauge": [""], "unknown": [""], "info": ["_info"]}


def rules():
    return [rule for group in yaml.safe_load((DEPLOY / "prometheus" / "alerts.yaml").read_text())["groups"]
            for rule in group["rules"]]


def recorded():
    """Series made by the recording rules themselves."""
    return {rule["record"] for rule in rules() if "record" in rule}


def expressions():
    """(where, PromQL) for every alert and recording rule and dashboard query."""
    for rule in rules():
        yield f"rule {rule.get('alert') or rule['record']}", rule["expr"]
    for path in sorted((DEPLOY / "grafana").glob("*.json")):
        dashboard = json.loads(path.read_text())
        for panel in dashboard["panels"]:
            for target in panel["targets"]:
                yield f"{path.name} panel {panel['title']!r}", target["expr"]
        for variable in dashboard["templating"]["list"]:
            if variable["type"] == "query":  # label_values(<selector>, <label>)
                inner = variable["definition"].removeprefix("label_values(").rsplit(",", 1)[0]
                yield f"{path.name} variable {variable['name']}", inner


def selectors(expr):
    """(metric name, {label names matched}) for each vector selector in `expr`."""
    found = []

    def visit(node):
        if isinstance(node, promql_parser.VectorSelector):
            found.append((node.name, {m.name for m in node.matchers.matchers}))
    promql_parser.walk(promql_parser.parse(expr), visit)
    return found


def exported(text):
    """{series name: label names} from a Prometheus text exposition."""
    series = {}
    for family in text_string_to_metric_families(text):
        for suffix in SUFFIXES.get(family.type, [""]):
            series.setdefault(family.name + suffix, None)  # declared, maybe without samples yet
        for sample in family.samples:
            labels = series.get(sample.name) or set()
            series[sample.name] = labels | set(sample.labels)
    return series


@pytest.fixture(scope="module")
def rabbitmq_metrics_base():
    # tools/backing.py says where the broker serves its metrics (15692 on the machine's).
    base = os.environ.get("RABBIT_METRICS_URI", "http://127.0.0.1:15692")
    host, port = urlparse(base).hostname, urlparse(base).port or 15692
    if not port_open(host, port) and host in ("127.0.0.1", "localhost") and shutil.which("rabbitmq-plugins"):
        # As tools/backing.py does when it enables the management plugin.
        subprocess.run(["rabbitmq-plugins", "enable", "rabbitmq_prometheus"], check=False,
                       capture_output=True, timeout=60)
        wait_port(host, port, 30, "rabbitmq_prometheus")
    assert port_open(host, port), (
        f"RabbitMQ at {host} serves no metrics on {port}: `rabbitmq-plugins enable rabbitmq_prometheus`")
    return base.rstrip("/")


@pytest.fixture(scope="module")
def scraped(platform, rabbitmq_metrics_base):
    series = {}
    for name in SERVICES:
        response = requests.get(f"{platform.ops_url(name)}/metrics", timeout=5)
        response.raise_for_status()
        _merge(series, exported(response.text))
    # The same endpoints the broker's PodMonitor scrapes.
    monitor = next(d for d in find(render(KUSTOMIZATIONS["base"]), "PodMonitor")
                   if d["metadata"]["name"] == "tl-rabbitmq")
    for endpoint in monitor["spec"]["podMetricsEndpoints"]:
        response = requests.get(rabbitmq_metrics_base + endpoint["path"],
                                params=endpoint.get("params", {}), timeout=10)
        response.raise_for_status()
        _merge(series, exported(response.text))
    return series


def _merge(series, more):
    for name, labels in more.items():
        known = series.get(name)
        series[name] = labels if known is None else known | (labels or set())


def test_every_queried_metric_is_exported(scraped):
    missing, bad_labels = [], []
    queries = list(expressions())
    assert len(queries) > 15, "no queries found in deploy/"
    for where, expr in queries:
        for name, labels in selectors(expr):
            if name in SYNTHETIC or name in recorded():
                continue
            if name not in scraped:
                if name not in NOT_YET_EXPORTED:
                    missing.append(f"{where}: {name}")
                continue
            known = scraped[name]
            if known is not None and labels - known - TARGET_LABELS:
                bad_labels.append(f"{where}: {name} has no label {sorted(labels - known - TARGET_LABELS)}")
    assert not missing, "not exported by any service or by RabbitMQ:\n" + "\n".join(missing)
    assert not bad_labels, "\n".join(bad_labels)


def test_the_allowlist_has_no_stale_entries(scraped):
    for metric, service in NOT_YET_EXPORTED.items():
        assert service in DEPLOYED, f"{metric}: {service} is not a deployed service"
        assert metric not in scraped, f"{service} exports {metric} now: remove it from NOT_YET_EXPORTED"


def test_the_checker_sees_a_wrong_name(scraped):
    (name, labels), = selectors('rate(tl_entrypoint_calls{outcome="success"}[5m])')
    assert name not in scraped, "the counter is only exported with its _total suffix"
    assert scraped["tl_entrypoint_calls_total"] >= {"service", "kind", "entrypoint", "outcome"}


def test_open_aspirasi_gauge_counts_the_store(platform, http):
    """The business gauge is recounted from the store by aspirasi's timer."""
    report = {"category": "sampah", "description": "Sampah menumpuk di pasar, dilaporkan untuk metrik",
              "location": {"lat": -6.1781, "long": 106.6319}, "anonymous": True}
    # A cold service may miss the gateway's 2 s RPC deadline (503); the
    # idempotency key makes the retry safe.
    key = {"Idempotency-Key": f"ops-metrics-{uuid.uuid4().hex}"}
    deadline = time.monotonic() + 20
    while True:
        created = http.post(f"{platform.url}/api/v1/regions/36.73/aspirasi", json=report, headers=key,
                            timeout=10)
        if created.status_code != 503 or time.monotonic() > deadline:
            break
    assert created.status_code == 201, created.text
    opd = platform.db("aspirasi").tickets.find_one({"_id": created.json()["number"]})["opd"]
    labels = {"region": "36.73", "opd": opd, "status": "submitted"}
    expected = platform.db("aspirasi").tickets.count_documents(labels)
    deadline = time.monotonic() + 25  # the recount timer runs every 10 s
    while True:
        text = http.get(f"{platform.ops_url('aspirasi')}/metrics", timeout=5).text
        values = [s.value for f in text_string_to_metric_families(text) for s in f.samples
                  if s.name == "tl_aspirasi_open" and s.labels == labels]
        if values == [expected]:
            break
        assert time.monotonic() < deadline, f"tl_aspirasi_open{labels} is {values}, store has {expected}"
        time.sleep(0.5)
    pending = [s for f in text_string_to_metric_families(text) for s in f.samples
               if s.name == "tl_outbox_pending_documents"]
    assert [s.labels for s in pending] == [{"service": "aspirasi", "collection": "tickets"}]


def test_scaled_object_patterns_cover_the_real_queues(platform):
    """KEDA's queue regexes match the queues nameko really declares, each by one service."""
    api = os.environ["RABBIT_API_URI"].rstrip("/")
    vhost = urlparse(platform.env["AMQP_URI"]).path.lstrip("/")
    queues = [q["name"] for q in requests.get(f"{api}/api/queues/{quote(vhost, safe='')}",
                                              timeout=10).json()]
    scaled = {d["metadata"]["name"]: d["spec"]["triggers"][0]["metadata"]["queueName"]
              for d in find(render(KUSTOMIZATIONS["base"]), "ScaledObject")}
    consumer_queues = [q for q in queues if q.startswith(("rpc-", "evt-"))]
    assert "rpc-aspirasi" in consumer_queues and any(q.startswith("evt-") for q in consumer_queues)
    for queue in consumer_queues:
        owner = queue.removeprefix("rpc-") if queue.startswith("rpc-") else queue.split("--")[1].split(".")[0]
        matching = {name for name, pattern in scaled.items() if re.match(pattern, queue)}
        holding = queue.endswith(".dead") or ".retry." in queue  # the kit's waiting rooms, not work
        assert matching == ({owner} if owner in scaled and not holding else set()), queue
