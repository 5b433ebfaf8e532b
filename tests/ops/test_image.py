"""The production image installs the runtime lock only, and the runtime lock is enough.

requirements.lock holds what the services need (the Dockerfile installs it
with --no-deps); requirements-dev.lock adds test and tool dependencies on top
(`-r requirements.lock`). Checked here without Docker: the lock is closed
under its packages' own requirements, and every service module imports with
nothing but the standard library and the runtime lock's distributions.
"""
import importlib.metadata as metadata
import subprocess
import sys
import textwrap

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.ops.manifests import ROOT

TEST_TOOLS = {"pytest", "pytest-timeout", "ruff", "playwright", "schemathesis", "hypothesis",
              "testcontainers", "kubernetes-validate", "yamllint", "promql-parser", "nx-27017", "extruct"}


def pins(path):
    lines = [line.strip() for line in (ROOT / path).read_text().splitlines()]
    return {canonicalize_name(line.split("==")[0]): line.split("==")[1]
            for line in lines if line and not line.startswith(("#", "-r"))}


def test_the_locks_split_runtime_from_dev():
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert "-r requirements.lock" in (ROOT / "requirements-dev.lock").read_text().splitlines()
    assert not TEST_TOOLS & set(runtime), "test tools in the runtime lock"
    assert TEST_TOOLS <= set(dev), "the dev lock lost a test tool"
    assert not set(runtime) & set(dev), "a package pinned twice"
    for name, version in {**runtime, **dev}.items():
        assert metadata.version(name) == version, f"{name}: the venv has {metadata.version(name)}"


def test_the_runtime_lock_is_closed_under_its_requirements():
    runtime = pins("requirements.lock")
    missing = []
    for name in runtime:
        for spec in metadata.requires(name) or []:
            requirement = Requirement(spec)
            if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
                continue
            if canonicalize_name(requirement.name) not in runtime:
                missing.append(f"{name} needs {requirement}")
    assert not missing, "\n".join(missing)


def test_the_dockerfile_installs_exactly_the_runtime_lock():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "COPY requirements.lock ./" in dockerfile and "requirements-dev.lock" not in dockerfile.split(
        "COPY requirements.lock")[1]
    assert "pip install --no-deps -r requirements.lock && pip check" in dockerfile
    assert "COPY services ./services" in dockerfile and "COPY tools" not in dockerfile


def test_every_service_module_imports_with_the_runtime_lock_alone():
    allowed = sorted({module for module, dists in metadata.packages_distributions().items()
                      if {canonicalize_name(d) for d in dists} & set(pins("requirements.lock"))})
    probe = textwrap.dedent(f"""
        import importlib, importlib.abc, importlib.machinery, pathlib, sys
        ALLOWED = set({allowed!r}) | {{"_distutils_hack"}}
        class Fence(importlib.abc.MetaPathFinder):
            # refuses an installed (site-packages) top-level module of a package not in the lock
            def find_spec(self, name, path=None, target=None):
                if "." in name or name in ALLOWED:
                    return None
                spec = importlib.machinery.PathFinder.find_spec(name, path)
                where = str(spec and (spec.origin or spec.submodule_search_locations))
                if "site-packages" in where:
                    raise ImportError(f"{{name}} is not in requirements.lock")
        sys.meta_path.insert(0, Fence())
        for path in sorted(pathlib.Path("services").rglob("*.py")):
            importlib.import_module(".".join(path.with_suffix("").parts).removesuffix(".__init__"))
        print("imported", len(list(pathlib.Path("services").rglob("*.py"))))
    """)
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("imported")
