"""Render the kustomize overlays and find what the ops tests check.

Rendering uses kustomize as built into kubectl (`kubectl kustomize`, v5.x),
which the project's machines carry; it needs no cluster and no network.
"""
import functools
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
SCHEMAS = K8S / "schemas"
KUSTOMIZATIONS = {"base": K8S / "base", "hub": K8S / "overlays" / "hub",
                  "partner": K8S / "overlays" / "partner", "edge": K8S / "overlays" / "edge"}
OVERLAY_NAMESPACES = {"hub": "tl-hub", "partner": "tl-36-02", "edge": "tl-36-01"}
CONSUMERS = ("aspirasi", "pencaker", "prices", "news", "notifications")
SERVICES = CONSUMERS + ("gateway",)
# The light edge profile runs only these (overlays/edge).
EDGE_SERVICES = ("aspirasi", "gateway", "notifications")


@functools.cache
def _build(path):
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.fail("kubectl (with built-in kustomize) is needed to build the overlays: "
                    "install the kubectl package")
    done = subprocess.run([kubectl, "kustomize", str(path)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, f"kustomize build {path} failed:\n{done.stderr}"
    return done.stdout


def render(path):
    """The overlay's documents (built once per test run; each call gets its own copy)."""
    return [doc for doc in yaml.safe_load_all(_build(path)) if doc]


def find(docs, kind, name=None):
    found = [d for d in docs if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)]
    assert found, f"no {kind} {name or ''} in the rendered manifests"
    return found


def one(docs, kind, name):
    return find(docs, kind, name)[0]


def crd_schema(doc):
    """The vendored schema for a custom resource, or None for a built-in kind."""
    group, _, version = doc["apiVersion"].rpartition("/")
    path = SCHEMAS / f"{doc['kind'].lower()}-{group}-{version}.json"
    return json.loads(path.read_text()) if group and path.is_file() else None


def config_map(docs, prefix="tl-config"):
    """The generated ConfigMap's data (kustomize suffixes its name with a hash)."""
    maps = [d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith(prefix)]
    assert len(maps) == 1, f"expected one {prefix} ConfigMap, found {len(maps)}"
    return maps[0]["data"]
