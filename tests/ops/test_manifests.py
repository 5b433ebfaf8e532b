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

from services.platform import broker_permissions
from services.platform.runner import STOP_GRACE
from services.servicekit import caller_keys
from services.servicekit.health import HEALTH_TIMEOUT, LIVE_PATH, METRICS_PATH, READY_PATH
from tests.ops.manifests import (
    CONSUMERS,
    EDGE_SERVICES,
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
from tools import broker_users

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
    for kind, name, misspelt in (("ScaledObject", "aspirasi", "maxReplicas"), ("User", "tl-gateway", "tag"),
                                 ("Permission", "tl-gateway", "users")):
        if kind == "ScaledObject" and not [d for d in docs if d["kind"] == kind]:
            continue  # the edge profile runs no KEDA
        doc = one(docs, kind, name)
        broken = {**doc, "spec": {**doc["spec"], misspelt: 3}}
        assert list(Draft202012Validator(crd_schema(broken)).iter_errors(broken)), kind


def test_overlays_put_everything_in_their_region_namespace():
    for overlay, namespace in OVERLAY_NAMESPACES.items():
        docs = render(KUSTOMIZATIONS[overlay])
        misplaced = [f"{d['kind']}/{d['metadata']['name']}" for d in docs
                     if d["kind"] not in CLUSTER_SCOPED and d["metadata"].get("namespace") != namespace]
        assert not misplaced, f"{overlay}: not in {namespace}: {misplaced}"
        data = config_map(docs)
        assert data["RABBITMQ_MANAGEMENT_URL"] == f"http://tl-rabbitmq.{namespace}.svc:15672/"
        assert all(host.endswith(f".{namespace}.svc:27017") for host in data["MONGO_HOSTS"].split(","))
    hub = render(KUSTOMIZATIONS["hub"])
    assert one(hub, "RabbitmqCluster", "tl-rabbitmq")["spec"]["replicas"] == 3
    assert one(hub, "Ingress", "gateway")["spec"]["rules"][0]["host"] == "live.tangerangkota.go.id"
    partner = render(KUSTOMIZATIONS["partner"])
    assert one(partner, "Ingress", "gateway")["spec"]["rules"][0]["host"] == "live.lebakkab.go.id"
    assert all(d["metadata"]["labels"]["tangerang.live/region"] == "36.02"
               for d in partner if d["kind"] == "Deployment")
    for overlay in ("base", "hub", "partner"):
        deployments = {d["metadata"]["name"] for d in find(render(KUSTOMIZATIONS[overlay]), "Deployment")}
        assert deployments == set(SERVICES), overlay


def test_each_service_runs_the_runner_with_probes_and_a_fitting_grace(rendered):
    _, docs = rendered
    for deployment in find(docs, "Deployment"):
        service = deployment["metadata"]["name"]
        pod = deployment["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        assert container["command"] + container["args"] == [
            "python", "-m", "services.platform.runner", service]
        ops = config_map(docs)[f"{service.upper()}_OPS_HTTP"]
        assert ops.startswith("0.0.0.0:"), "must listen on the pod IP"
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert ports["ops"] == int(ops.rsplit(":", 1)[1])
        if service == "gateway":
            assert ports["http"] == int(config_map(docs)["GATEWAY_HTTP"].rsplit(":", 1)[1])
            assert ports["http"] != ports["ops"]
        else:
            assert set(ports) == {"ops"}, "a consumer serves nothing but the operator port"
        pre_stop = container.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", [])
        pause = int(pre_stop[-1]) if pre_stop else 0
        assert pod["terminationGracePeriodSeconds"] > STOP_GRACE + pause, \
            "the pod must outlive the preStop pause plus the runner's stop grace"
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        env = {e["name"]: e for e in container["env"]}
        assert env["AMQP_URI"]["value"].startswith("amqp://$(RABBITMQ_USER):$(RABBITMQ_PASSWORD)@")
        assert env["MONGO_URI"]["value"].startswith("mongodb://$(MONGO_USER):$(MONGO_PASSWORD)@$(MONGO_HOSTS)/")
        assert "replicaSet=rs0" in env["MONGO_URI"]["value"]
        assert container["envFrom"][0]["configMapRef"]["name"].startswith("tl-config")


def test_liveness_is_local_and_readiness_deep_on_the_operator_port(rendered):
    _, docs = rendered
    ingress_ports = {path["backend"]["service"]["port"]["name"]
                     for rule in one(docs, "Ingress", "gateway")["spec"]["rules"]
                     for path in rule["http"]["paths"]}
    assert ingress_ports == {"http"}
    assert [p["targetPort"] for p in one(docs, "Service", "gateway")["spec"]["ports"]] == ["http"]
    for deployment in find(docs, "Deployment"):
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        probes = {name: container[name]["httpGet"] for name in
                  ("startupProbe", "readinessProbe", "livenessProbe")}
        assert all(probe["port"] == "ops" for probe in probes.values()), probes
        assert probes["livenessProbe"]["path"] != probes["readinessProbe"]["path"]
        assert (probes["livenessProbe"]["path"], probes["readinessProbe"]["path"],
                probes["startupProbe"]["path"]) == (LIVE_PATH, READY_PATH, READY_PATH)
        # the deep check waits up to HEALTH_TIMEOUT for the RPC round trip
        for name in ("startupProbe", "readinessProbe"):
            assert container[name]["timeoutSeconds"] > HEALTH_TIMEOUT, name


def _workloads(docs):
    """(kind, name, pod labels, replicas, pod spec or None) of every long-running workload."""
    scaled = {d["spec"]["scaleTargetRef"]["name"]: d["spec"]["minReplicaCount"]
              for d in docs if d["kind"] == "ScaledObject"}
    scaled.update({d["spec"]["scaleTargetRef"]["name"]: d["spec"]["minReplicas"]
                   for d in docs if d["kind"] == "HorizontalPodAutoscaler"})
    for doc in docs:
        name = doc["metadata"]["name"]
        if doc["kind"] in ("Deployment", "StatefulSet"):
            replicas = max(doc["spec"].get("replicas", 1), scaled.get(name, 0))
            yield doc["kind"], name, doc["spec"]["template"]["metadata"]["labels"], replicas, \
                doc["spec"]["template"]["spec"]
        elif doc["kind"] == "RabbitmqCluster":
            pod = doc["spec"].get("override", {}).get("statefulSet", {}).get("spec", {}).get("template", {})
            yield doc["kind"], name, {"app.kubernetes.io/name": name}, doc["spec"].get("replicas", 1), \
                pod.get("spec", {})


def test_every_scaled_workload_has_a_disruption_budget_and_spreads(rendered):
    overlay, docs = rendered
    budgets = [d["spec"] for d in docs if d["kind"] == "PodDisruptionBudget"]
    multi = []
    for kind, name, labels, replicas, pod in _workloads(docs):
        covering = [b for b in budgets
                    if b["selector"]["matchLabels"].items() <= labels.items()]
        assert len(covering) == 1, f"{kind}/{name}: {len(covering)} PodDisruptionBudgets select its pods"
        assert covering[0].get("maxUnavailable") == 1, f"{kind}/{name}: take one pod at a time"
        if replicas > 1:
            multi.append(name)
            spread = pod.get("topologySpreadConstraints", [])
            keys = {c["topologyKey"] for c in spread
                    if c["labelSelector"]["matchLabels"].items() <= labels.items()}
            assert "kubernetes.io/hostname" in keys, f"{kind}/{name}: {replicas} replicas, no spread"
    if overlay == "hub":
        assert set(multi) == set(SERVICES) | {"tl-rabbitmq", "tl-mongodb"}


def test_every_container_has_requests_and_limits(rendered):
    _, docs = rendered
    missing = []
    for doc in docs:
        spec = doc.get("spec", {})
        pod = (spec.get("jobTemplate", {}).get("spec", spec).get("template", {}).get("spec")
               if doc["kind"] in ("Deployment", "StatefulSet", "Job", "CronJob") else None)
        if doc["kind"] == "RabbitmqCluster":
            pod = {"containers": [{"name": "rabbitmq", "resources": spec.get("resources", {})}]}
        for container in (pod or {}).get("initContainers", []) + (pod or {}).get("containers", []):
            resources = container.get("resources", {})
            for part in ("requests", "limits"):
                if not {"cpu", "memory"} <= set(resources.get(part, {})):
                    missing.append(f"{doc['kind']}/{doc['metadata']['name']} {container['name']}: {part}")
    assert not missing, "\n".join(missing)


def _env_secrets(container):
    return {e["name"]: e["valueFrom"]["secretKeyRef"]["name"] for e in container.get("env", [])
            if "secretKeyRef" in e.get("valueFrom", {})}


# The one Secret services share on purpose: public keys, which verify callers and sign nothing.
CALLER_PUBLIC_KEYS = "tl-caller-public-keys"


def test_only_a_signer_holds_a_private_caller_key_and_only_its_own(rendered):
    """A service gets the public keys of the signers that may call it (caller_keys.SIGNERS);
    the gateway and notifications, which sign callers, each their own private key alone."""
    _, docs = rendered
    for deployment in find(docs, "Deployment"):
        service = deployment["metadata"]["name"]
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container.get("env", [])
                if "secretKeyRef" in e.get("valueFrom", {})}
        private = {name: ref["name"] for name, ref in refs.items() if name.startswith("TL_CALLER_KEY_")}
        assert private == ({caller_keys.variable(service, True): f"tl-{service}-caller-key"}
                           if service in caller_keys.SIGNERS else {}), service
        callers = {s for s, allowed in caller_keys.SIGNERS.items() if s != service and service != "gateway"
                   and (allowed["audiences"] is caller_keys.ANY or service in allowed["audiences"])}
        public = {name: ref for name, ref in refs.items() if name.startswith("TL_CALLER_PUBLIC_KEY_")}
        expected = {caller_keys.variable(s, False): {"name": CALLER_PUBLIC_KEYS, "key": s.replace("_", "-")}
                    for s in callers}
        assert public == expected, service
        assert "TL_CALLER_SECRET" not in refs and "tl-caller-secret" not in {r["name"] for r in refs.values()}


def test_broker_users_have_the_permissions_broker_permissions_gives_them(rendered):
    """The Permissions are generated from services/platform/broker_permissions.py (one place)."""
    _, docs = rendered
    assert broker_users.TARGET.read_text() == broker_users.render(), "rerun `python -m tools.broker_users`"
    granted = {d["metadata"]["name"]: d["spec"]["permissions"] for d in docs if d["kind"] == "Permission"}
    for deployment in find(docs, "Deployment"):
        service = deployment["metadata"]["name"]
        assert granted[f"tl-{service}"] == broker_permissions.service_permissions(service), service
        assert ".*" not in granted[f"tl-{service}"].values(), service


def test_each_service_has_its_own_broker_and_store_user(rendered):
    _, docs = rendered
    users = {d["metadata"]["name"]: d["spec"] for d in docs if d["kind"] == "User"}
    permissions = {d["spec"]["userReference"]["name"]: d["spec"] for d in docs if d["kind"] == "Permission"}
    seen = {}
    for deployment in find(docs, "Deployment"):
        service = deployment["metadata"]["name"]
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        secrets = _env_secrets(container)
        broker, store = f"tl-{service}", f"tl-mongodb-{service}"
        assert secrets["RABBITMQ_USER"] == secrets["RABBITMQ_PASSWORD"] == f"{broker}-user-credentials"
        assert secrets["MONGO_USER"] == secrets["MONGO_PASSWORD"] == store
        assert "administrator" not in users[broker].get("tags", []), service
        assert permissions[broker]["vhost"] == "/"
        for secret in set(secrets.values()) - {CALLER_PUBLIC_KEYS}:
            assert seen.setdefault(secret, service) == service, f"{secret} shared by {service}"
        assert not {"tl-rabbitmq-default-user", "tl-mongodb-root"} & set(secrets.values()), service
    gateway = {e["name"]: e.get("value") for e in
               one(docs, "Deployment", "gateway")["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert gateway["RABBIT_API_URI"] == "http://$(RABBITMQ_USER):$(RABBITMQ_PASSWORD)@$(RABBITMQ_HOST):15672"
    assert users["tl-gateway"]["tags"] == ["policymaker"]  # sets the partner-backlog policy
    # KEDA reads queue depth as a monitoring user, not as the administrator
    for auth in (d for d in docs if d["kind"] == "TriggerAuthentication"):
        assert {r["name"] for r in auth["spec"]["secretTargetRef"]} == {"tl-keda-user-credentials"}
        assert users["tl-keda"]["tags"] == ["monitoring"]
    # the store's root user is used by the store itself and its init Job only
    for doc in docs:
        spec = doc.get("spec", {})
        pod = spec.get("jobTemplate", {}).get("spec", spec).get("template", {}).get("spec", {})
        for container in pod.get("containers", []):
            if "tl-mongodb-root" in _env_secrets(container).values():
                assert doc["metadata"]["name"] in ("tl-mongodb", "tl-mongodb-init"), doc["metadata"]["name"]


def test_the_store_is_a_replica_set_with_a_nightly_backup(rendered):
    overlay, docs = rendered
    store = one(docs, "StatefulSet", "tl-mongodb")["spec"]
    (mongod,) = store["template"]["spec"]["containers"]
    assert "--replSet rs0" in mongod["command"][-1] and "--keyFile" in mongod["command"][-1]
    members = config_map(docs)["MONGO_HOSTS"].split(",")
    assert len(members) == store["replicas"] == (3 if overlay == "hub" else 1)
    assert [m.split(".")[0] for m in members] == [f"tl-mongodb-{i}" for i in range(store["replicas"])]
    init = one(docs, "Job", "tl-mongodb-init")["spec"]["template"]["spec"]
    assert init["volumes"][0]["configMap"]["name"].startswith("tl-mongodb-init")
    backup = one(docs, "CronJob", "tl-mongodb-backup")["spec"]
    job = backup["jobTemplate"]["spec"]["template"]["spec"]
    (dump,) = job["containers"]
    assert "mongodump" in dump["command"][-1] and "--oplog" in dump["command"][-1]
    claim = next(v for v in job["volumes"] if "persistentVolumeClaim" in v)["persistentVolumeClaim"]
    assert one(docs, "PersistentVolumeClaim", claim["claimName"])
    assert backup["concurrencyPolicy"] == "Forbid"
    assert _env_secrets(dump) == {"BACKUP_USER": "tl-mongodb-backup", "BACKUP_PASSWORD": "tl-mongodb-backup"}


def test_no_secret_is_committed_and_every_referenced_secret_is_documented(rendered):
    _, docs = rendered
    assert not [d for d in docs if d["kind"] == "Secret"], "Secrets are created by operators, not committed"
    referenced = set(_secret_names(docs))
    readme = (ROOT / "README.md").read_text()
    # made by the Messaging Topology Operator for each User
    operator_made = {name for name in referenced if name.endswith("-user-credentials")}
    undocumented = {name for name in referenced - operator_made if name not in readme}
    assert referenced >= {"tl-mongodb-root", "tl-mongodb-keyfile", "tl-gateway-secrets", "tl-mongodb-backup"}
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
    overlay, docs = rendered
    service = one(docs, "Service", "gateway")
    assert service["spec"]["selector"] == {"app.kubernetes.io/name": "gateway"}
    backend = one(docs, "Ingress", "gateway")["spec"]["rules"][0]["http"]["paths"][0]["backend"]
    assert backend["service"] == {"name": "gateway", "port": {"name": "http"}}
    if overlay == "edge":  # one small node, one gateway
        assert not [d for d in docs if d["kind"] == "HorizontalPodAutoscaler"]
        return
    target = one(docs, "HorizontalPodAutoscaler", "gateway")["spec"]["scaleTargetRef"]
    assert target == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "gateway"}


@pytest.mark.parametrize("service", CONSUMERS)
def test_consumers_scale_on_their_own_queues(rendered, service):
    overlay, docs = rendered
    if overlay == "edge":  # one small node: no KEDA, one replica each
        assert not [d for d in docs if d["kind"] in ("ScaledObject", "HorizontalPodAutoscaler")]
        return
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
            elif "ipBlock" in peer:  # the hub's shovel link from partner brokers, AMQPS only
                assert (overlay, selected, ports) == ("hub", {"app.kubernetes.io/name": "tl-rabbitmq"},
                                                      ["5671"])
            elif namespace is not None:
                assert namespace in internal, f"{policy['metadata']['name']} admits {namespace}"
    def peers(store, port):
        return [(peer, ports) for p in policies
                if p["spec"]["podSelector"].get("matchLabels") == {"app.kubernetes.io/name": store}
                for peer, ports in _admitted(p) if port in ports]

    def pods(labels):
        return {"podSelector": {"matchLabels": labels}}
    services = pods({"tangerang.live/role": "service"})
    assert peers("tl-rabbitmq", "5672") == [(services, ["5672"])]
    assert pods({"app.kubernetes.io/name": "gateway"}) in [p for p, _ in peers("tl-rabbitmq", "15672")]
    assert peers("tl-mongodb", "27017") == [(services, ["27017"]),
                                            (pods({"tangerang.live/role": "store-admin"}), ["27017"]),
                                            (pods({"app.kubernetes.io/name": "tl-mongodb"}), ["27017"])]
    service_pods = [d["spec"]["template"]["metadata"]["labels"] for d in find(docs, "Deployment")]
    assert all(labels.get("tangerang.live/role") == "service" for labels in service_pods)


PRIVATE_V4 = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "127.0.0.0/8",
              "100.64.0.0/10"}
PRIVATE_V6 = {"::1/128", "fc00::/7", "fe80::/10", "64:ff9b::/96", "2002::/16"}
DNS, BROKER, STORE = {("dns", "53")}, {("tl-rabbitmq", "5672")}, {("tl-mongodb", "27017")}
# Where each pod may connect to, written out by hand (not read from the policies under test).
EGRESS = {
    "gateway": DNS | BROKER | STORE | {("tl-rabbitmq", "15672")},
    "aspirasi": DNS | BROKER | STORE,
    "pencaker": DNS | BROKER | STORE,
    "prices": DNS | BROKER | STORE,
    "news": DNS | BROKER | STORE | {(net, port) for net in ("public", "public6") for port in ("80", "443")},
    "notifications": DNS | BROKER | STORE | {("192.0.2.25/32", p) for p in ("25", "465", "587")}
    | {("192.0.2.53/32", "5432"), ("public", "443")},
    "tl-rabbitmq": DNS | {("tl-rabbitmq", "any")},
    "tl-mongodb": DNS | STORE,
    "tl-mongodb-init": DNS | STORE,
    "tl-mongodb-backup": DNS | STORE,
}


def _peer(peer):
    """A short name for an egress peer: dns, a pod's app name, public(6) or a CIDR."""
    if "ipBlock" in peer:
        block = peer["ipBlock"]
        if block["cidr"] in ("0.0.0.0/0", "::/0"):
            private = PRIVATE_V6 if ":" in block["cidr"] else PRIVATE_V4
            assert set(block.get("except", ())) >= private, block
            return "public" if block["cidr"] == "0.0.0.0/0" else "public6"
        return block["cidr"]
    labels = peer.get("podSelector", {}).get("matchLabels", {})
    if peer.get("namespaceSelector"):
        assert peer["namespaceSelector"] == {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}
        assert labels == {"k8s-app": "kube-dns"}, peer
        return "dns"
    return labels["app.kubernetes.io/name"]


def _egress(policies, labels):
    allowed = set()
    for policy in policies:
        selector = policy["spec"]["podSelector"].get("matchLabels", {})
        if "Egress" not in policy["spec"]["policyTypes"] or not selector.items() <= labels.items():
            continue
        for rule in policy["spec"].get("egress", []):
            assert rule.get("to"), f"{policy['metadata']['name']} lets a pod reach anywhere"
            ports = [str(p["port"]) for p in rule.get("ports", [])] or ["any"]
            allowed |= {(_peer(peer), port) for peer in rule["to"] for port in ports}
    return allowed


def test_egress_is_denied_but_for_what_each_pod_needs(rendered):
    overlay, docs = rendered
    policies = find(docs, "NetworkPolicy")
    assert one(docs, "NetworkPolicy", "default-deny-egress")["spec"] == {"podSelector": {},
                                                                         "policyTypes": ["Egress"]}
    pods = {d["metadata"]["name"]: d["spec"]["template"]["metadata"]["labels"]
            for d in docs if d["kind"] in ("Deployment", "StatefulSet", "Job")}
    pods.update({d["metadata"]["name"]: d["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
                 for d in docs if d["kind"] == "CronJob"})
    pods["tl-rabbitmq"] = {"app.kubernetes.io/name": "tl-rabbitmq"}  # the Cluster Operator's pods
    for name, labels in pods.items():
        expected = set(EGRESS[name])
        if name == "tl-rabbitmq" and overlay in ("partner", "edge"):  # shovels to the hub's AMQPS
            expected.add(("203.0.113.10/32", "5671"))
        assert _egress(policies, labels) == expected, name


def test_broker_has_the_linking_and_metrics_plugins(rendered):
    _, docs = rendered
    plugins = one(docs, "RabbitmqCluster", "tl-rabbitmq")["spec"]["rabbitmq"]["additionalPlugins"]
    assert {"rabbitmq_prometheus", "rabbitmq_shovel"} <= set(plugins)
    assert not [p for p in plugins if "federation" in p], "links are shovels; federation is unused"
    store = one(docs, "StatefulSet", "tl-mongodb")["spec"]
    headless = one(docs, "Service", store["serviceName"])["spec"]
    assert headless["clusterIP"] == "None"
    assert store["volumeClaimTemplates"][0]["metadata"]["name"] == "data"


def test_the_partner_door_admits_only_partner_addresses():
    docs = render(KUSTOMIZATIONS["hub"])
    door = one(docs, "Service", "tl-rabbitmq-partners")["spec"]
    policy = one(docs, "NetworkPolicy", "broker-from-partner-regions")["spec"]
    cidrs = [peer["ipBlock"]["cidr"] for rule in policy["ingress"] for peer in rule["from"]]
    assert door["type"] == "LoadBalancer" and door["loadBalancerSourceRanges"] == cidrs
    # Local keeps the client's address, so the ipBlock above can see it
    assert door["externalTrafficPolicy"] == "Local"


@pytest.mark.parametrize("overlay", ["partner", "edge"])
def test_partner_brokers_can_verify_the_hub(overlay):
    docs = render(KUSTOMIZATIONS[overlay])
    override = one(docs, "RabbitmqCluster", "tl-rabbitmq")["spec"]["override"]
    pod = override["statefulSet"]["spec"]["template"]["spec"]
    (mount,) = [m for c in pod["containers"] if c["name"] == "rabbitmq" for m in c["volumeMounts"]]
    volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
    assert volume["secret"]["secretName"] == "tl-hub-ca" and mount["mountPath"] == "/etc/tl-hub-ca"
    readme = (ROOT / "README.md").read_text()
    assert "cacertfile=/etc/tl-hub-ca/ca.crt" in readme and "verify=verify_peer" in readme


def test_the_edge_profile_is_light_and_bounds_its_uplink():
    docs = render(KUSTOMIZATIONS["edge"])
    assert {d["metadata"]["name"] for d in find(docs, "Deployment")} == set(EDGE_SERVICES)
    assert all(d["spec"]["replicas"] == 1 for d in find(docs, "Deployment"))
    assert one(docs, "RabbitmqCluster", "tl-rabbitmq")["spec"].get("replicas", 1) == 1
    assert {d["metadata"]["name"] for d in find(docs, "User")} == {f"tl-{s}" for s in EDGE_SERVICES}
    (policy,) = [d["spec"] for d in find(docs, "Policy")]
    assert re.match(policy["pattern"], "tangerang.uplink.36.01") and policy["applyTo"] == "queues"
    # refuse (publishers see a nack, the outbox keeps the event), never drop the oldest
    assert policy["definition"]["overflow"] == "reject-publish"
    assert policy["definition"]["max-length"] > 0
    volume = _bytes(one(docs, "RabbitmqCluster", "tl-rabbitmq")["spec"]["persistence"]["storage"])
    config = one(docs, "RabbitmqCluster", "tl-rabbitmq")["spec"]["rabbitmq"]["additionalConfig"]
    free_limit = _bytes(re.search(r"disk_free_limit.absolute = (\S+)", config).group(1))
    assert policy["definition"]["max-length-bytes"] < volume - free_limit, "refuse before the disk alarm"


def test_the_edge_profiles_limits_fit_in_2_gib_together():
    """Every container that runs at once (init containers run before, one at a time)."""
    docs = render(KUSTOMIZATIONS["edge"])
    pods = [d["spec"]["template"]["spec"] for d in find(docs, "Deployment") + find(docs, "StatefulSet")]
    total = sum(_bytes(c["resources"]["limits"]["memory"]) for pod in pods for c in pod["containers"])
    total += _bytes(one(docs, "RabbitmqCluster", "tl-rabbitmq")["spec"]["resources"]["limits"]["memory"])
    assert total <= 2 * 2**30, f"the edge's memory limits add up to {total / 2**20:.0f} MiB"


def _bytes(quantity):
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "KB": 10**3, "MB": 10**6, "GB": 10**9}
    number, unit = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", quantity).groups()
    return float(number) * units.get(unit, 1)


def test_prometheus_scrapes_every_service_and_the_broker(rendered):
    _, docs = rendered
    monitors = {d["metadata"]["name"]: d["spec"] for d in find(docs, "PodMonitor")}
    services = monitors["tl-services"]
    assert services["selector"]["matchLabels"] == {"tangerang.live/role": "service"}
    assert services["podMetricsEndpoints"] == [{"port": "ops", "path": METRICS_PATH, "interval": "30s"}]
    assert {e["path"] for e in monitors["tl-rabbitmq"]["podMetricsEndpoints"]} == {
        "/metrics", "/metrics/detailed"}
