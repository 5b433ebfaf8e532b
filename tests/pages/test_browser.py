"""Browser tests: the citizen flows in headless Chromium (flows in browser_flows.py)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pages.browser_flows import AXE, CHROMIUM, FLOWS

ROOT = Path(__file__).resolve().parents[2]
BUDGET = 180  # seconds for every flow together, browser start included


@pytest.fixture(scope="module")
def flows(platform, demo):
    """Run every flow once, in one browser, in a process free of eventlet's patches."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium and chromium-driver "
                    "(as root), or run: sudo apt-get install -y chromium chromium-driver")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs it, or run: npm ci --prefix tests/a11y")
    done = subprocess.run([sys.executable, "-m", "tests.pages.browser_flows", platform.url, json.dumps(demo)],
                          cwd=ROOT, capture_output=True, text=True, timeout=BUDGET)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", list(FLOWS))
def test_flow(flows, name):
    assert flows[name] is None, flows[name]
