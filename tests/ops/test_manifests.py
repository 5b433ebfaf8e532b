"""Every manifest and overlay renders and is valid Kubernetes, offline.

Built-in kinds are checked with kubernetes-validate's bundled schemas in
strict mode (unknown fields fail) for the oldest and the newest Kubernetes we
target, so an API version that was removed fails too. Custom resources
(RabbitmqCluster, ScaledObject, TriggerAuthentication, PodMonitor) have no
schema there: they are checked against the minimal schemas vendored in
deploy/k8s/schemas/. A kind with neither schema fails; nothing is skipped.
"""
import re

import kubernetes_validate
import pytest
from jsonschema import Draft202012Validator

from services.servicekit.runner import STOP_GRACE
from tests.ops.manifests import (
    CONSUMERS,
    KUSTOMIZATIONS,
    OVERLAY_NAMESPACES,
    ROOT,
    SERVICES,
    config_map,
    crd_schema,
    find,
    one,
    render,
)

KUBERNETES_VERSIONS = ("1.30.0", "1.37.0")
CLUSTER_SCOPED = {"Namespace"}


@pytest.fixture(scope="module", params=sorted(KUSTOMIZATIONS))
def rendered(request):
    return request.param, render(KUSTOMIZATIONS[request.param])


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_resource_matches_its_schema(rendered, version):
    _, docs = rendered
    errors = []
    for doc in docs:
        where = f"{doc['kind']}/{doc['metadata']['name']}"
        schema = crd_schema(doc)
        if schema is not None:
            errors += [f"{where}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
                       for e in Draft202012Validator(schema).iter_errors(doc)]
            continue
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            errors.append(f"{where}: {doc['apiVersion']} is not served by Kubernetes {version} "
                          "and no schema is vendored in deploy/k8s/schemas")
        except kubernetes_validate.ValidationError as exc:
            errors.append(f"{where}: {'/'.join(map(str, exc.path))}: {exc.message}")
    assert not errors, "\n".join(errors)


def test_a_vendored_schema_rejects_what_the_operator_would(rendered):
    """The CRD schemas are not a rubber stamp: a misspelt field fails."""
    _, docs = rendered
    scaled = one(docs, "ScaledObject", "aspirasi")
    broken = {**scaled, "spec": {**scaled["spec"], "maxReplicas": 3}}
    assert list(Draft202012Validator(crd_schema(broken)).iter_errors(broken))


def test_overlays_put_everything_in_their_region_namespace():
    for overlay, namespace in OVERLAY_NAMESPACES.items():
        docs = render(KUSTOMIZATIONS[overlay])
        misplaced = [f"{d['kind']}/{d['metadata']['name']}" for d in docs
                     if d["kind"] not in CLUSTER_SCOPED and d["metadata"].get("namespace") != namespace]
        assert not misplaced, f"{overlay}: not in {namespace}: {misplaced}"
        data = config_map(docs)
        assert data["RABBITMQ_MANAGEMENT_URL"] == f"http://tl-rabbitmq.{namespace}.svc:15672/"
        assert data["MONGO_HOST"].endswith(f".{namespace}.svc")
    hub = render(KUSTOMIZATIONS["hub"])
    assert one(hub, "RabbitmqCluster", "tl-rabbitmq")["spec"]["replicas"] == 3
    assert one(hub, "Ingress", "gateway")["spec"]["rules"][0]["host"] == "live.tangerangkota.go.id"
    partner = render(KUSTOMIZATIONS["partner"])
    assert one(partner, "Ingress", "gateway")["spec"]["rules"][0]["host"] == "live.lebakkab.go.id"
    assert all(d["metadata"]["labels"]["tangerang.live/region"] == "36.02"
               for d in partner if d["kind"] == "Deployment")


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_runs_the_runner_with_probes_and_a_fitting_grace(rendered, service):
    _, docs = rendered
    deployment = one(docs, "Deployment", service)
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["command"] + container["args"] == [
        "python", "-m", "services.servicekit.runner", service]
    port = int(config_map(docs)[f"{service.upper()}_HTTP"].rsplit(":", 1)[1])
    assert config_map(docs)[f"{service.upper()}_HTTP"].startswith("0.0.0.0:"), "must listen on the pod IP"
    assert container["ports"] == [{"name": "http", "containerPort": port}]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/health", "port": "http"}, probe
        # /health waits up to 2 s for the RPC round trip (servicekit/health.py)
        assert container[probe]["timeoutSeconds"] > 2, probe
    pre_stop = container.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", [])
    pause = int(pre_stop[-1]) if pre_stop else 0
    assert pod["terminationGracePeriodSeconds"] > STOP_GRACE + pause, \
        "the pod must outlive the preStop pause plus the runner's stop grace"
    resources = container["resources"]
    assert set(resources["requests"]) == set(resources["limits"]) == {"cpu", "memory"}
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    env = {e["name"]: e for e in container["env"]}
    assert env["AMQP_URI"]["value"].startswith("amqp://$(RABBITMQ_USER):$(RABBITMQ_PASSWORD)@")
    assert env["MONGO_URI"]["value"].startswith("mongodb://$(MONGO_USER):$(MONGO_PASSWORD)@")
    assert container["envFrom"][0]["configMapRef"]["name"].startswith("tl-config")


def test_no_secret_is_committed_and_every_referenced_secret_is_documented(rendered):
    _, docs = rendered
    assert not [d for d in docs if d["kind"] == "Secret"], "Secrets are created by operators, not committed"
    referenced = set(_secret_names(docs))
    readme = (ROOT / "README.md").read_text()
    operator_made = {"tl-rabbitmq-default-user"}  # made by the RabbitMQ Cluster Operator
    undocumented = {name for name in referenced - operator_made if name not in readme}
    assert referenced >= {"tl-mongodb-credentials", "tl-gateway-secrets"}
    assert not undocumented, f"tell operators in README how to create: {sorted(undocumented)}"


def _secret_names(node):
    """Every Secret a manifest refers to: env refs, KEDA auth refs, TLS secrets."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("secretKeyRef", "secretRef") and isinstance(value, dict):
                yield value["name"]
            elif key == "secretTargetRef":
                yield from (ref["name"] for ref in value)
            elif key == "secretName":
                yield value
            else:
                yield from _secret_names(value)
    elif isinstance(node, list):
        for item in node:
            yield from _secret_names(item)


def test_gateway_has_service_ingress_and_hpa(rendered):
    _, docs = rendered
    service = one(docs, "Service", "gateway")
    assert service["spec"]["selector"] == {"app.kubernetes.io/name": "gateway"}
    backend = one(docs, "Ingress", "gateway")["spec"]["rules"][0]["http"]["paths"][0]["backend"]
    assert backend["service"] == {"name": "gateway", "port": {"name": "http"}}
    target = one(docs, "HorizontalPodAutoscaler", "gateway")["spec"]["scaleTargetRef"]
    assert target == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "gateway"}


@pytest.mark.parametrize("service", CONSUMERS)
def test_consumers_scale_on_their_own_queues(rendered, service):
    _, docs = rendered
    scaled = one(docs, "ScaledObject", service)["spec"]
    assert scaled["scaleTargetRef"]["name"] == service and scaled["minReplicaCount"] >= 1
    (trigger,) = scaled["triggers"]
    assert trigger["type"] == "rabbitmq"
    pattern = re.compile(trigger["metadata"]["queueName"])
    assert pattern.match(f"rpc-{service}")
    assert pattern.match(f"evt-aspirasi-aspirasi_submitted--{service}.on_submitted")
    others = [s for s in SERVICES if s != service]
    assert not any(pattern.match(f"rpc-{o}") or pattern.match(f"evt-x-y--{o}.h") for o in others)
    # the kit's retry and dead-letter queues hold waiting or failed messages, not work
    queue = f"evt-news-article_published--{service}.on_article"
    assert pattern.match(queue)
    assert not pattern.match(f"{queue}.retry.1000ms") and not pattern.match(f"{queue}.dead")
    assert one(docs, "TriggerAuthentication", trigger["authenticationRef"]["name"])
    env_names = set(config_map(docs))
    assert trigger["metadata"]["hostFromEnv"] in env_names


def _admitted(policy):
    """(peer description, ports) for each ingress rule of a NetworkPolicy."""
    for rule in policy["spec"].get("ingress", []):
        ports = sorted(str(p["port"]) for p in rule.get("ports", [])) or ["any"]
        for peer in rule.get("from", []) or [{"anyone": True}]:
            yield peer, ports


def test_network_policies_open_only_the_gateway_to_outside(rendered):
    overlay, docs = rendered
    policies = find(docs, "NetworkPolicy")
    deny = one(docs, "NetworkPolicy", "default-deny-ingress")["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress"]}
    internal = {"monitoring", "keda", "rabbitmq-system"}
    for policy in policies:
        selected = policy["spec"]["podSelector"].get("matchLabels", {})
        for peer, ports in _admitted(policy):
            assert "anyone" not in peer, f"{policy['metadata']['name']} admits anyone"
            namespace = peer.get("namespaceSelector", {}).get("matchLabels", {}).get(
                "kubernetes.io/metadata.name")
            if namespace == "ingress-nginx":
                assert selected == {"app.kubernetes.io/name": "gateway"}, policy["metadata"]["name"]
            elif "ipBlock" in peer:  # the hub's federation link from partner brokers, AMQPS only
                assert (overlay, selected, ports) == ("hub", {"app.kubernetes.io/name": "tl-rabbitmq"},
                                                      ["5671"])
            elif namespace is not None:
                assert namespace in internal, f"{policy['metadata']['name']} admits {namespace}"
    for store, port in (("tl-rabbitmq", "5672"), ("tl-mongodb", "27017")):
        rules = [(peer, ports) for p in policies
                 if p["spec"]["podSelector"].get("matchLabels") == {"app.kubernetes.io/name": store}
                 for peer, ports in _admitted(p) if port in ports]
        services_only = {"podSelector": {"matchLabels": {"tangerang.live/role": "service"}}}
        assert rules == [(services_only, [port])], store
    service_pods = [d["spec"]["template"]["metadata"]["labels"] for d in find(docs, "Deployment")]
    assert all(labels.get("tangerang.live/role") == "service" for labels in service_pods)


def test_broker_has_the_linking_and_metrics_plugins(rendered):
    _, docs = rendered
    plugins = one(docs, "RabbitmqCluster", "tl-rabbitmq")["spec"]["rabbitmq"]["additionalPlugins"]
    assert {"rabbitmq_prometheus", "rabbitmq_shovel", "rabbitmq_federation"} <= set(plugins)
    store = one(docs, "StatefulSet", "tl-mongodb")["spec"]
    headless = one(docs, "Service", store["serviceName"])["spec"]
    assert headless["clusterIP"] == "None"
    assert store["volumeClaimTemplates"][0]["metadata"]["name"] == "data"


def test_prometheus_scrapes_every_service_and_the_broker(rendered):
    _, docs = rendered
    monitors = {d["metadata"]["name"]: d["spec"] for d in find(docs, "PodMonitor")}
    services = monitors["tl-services"]
    assert services["selector"]["matchLabels"] == {"tangerang.live/role": "service"}
    assert services["podMetricsEndpoints"] == [{"port": "http", "path": "/metrics", "interval": "30s"}]
    assert {e["path"] for e in monitors["tl-rabbitmq"]["podMetricsEndpoints"]} == {
        "/metrics", "/metrics/detailed"}
