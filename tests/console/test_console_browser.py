"""Officers' flows in headless Chromium (tests/console/browser_flows.py), axe-core on the
console pages, page sizes and external requests."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.console.browser_flows import AXE, FLOWS
from tests.console.conftest import PASSWORD
from tests.pages.browser_flows import CHROMIUM

ROOT = Path(__file__).resolve().parents[2]
BUDGET = 240  # seconds for every flow and the accessibility pass, browser start included
CHECKS = [*FLOWS, "accessibility", "page_sizes", "no_external_requests"]


@pytest.fixture(scope="module")
def flows(platform, accounts):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (as root), or run: "
                    "sudo apt-get install -y chromium chromium-driver")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs it, or run: npm ci --prefix tests/a11y")
    data = {"admin": [accounts.create("region_admin"), PASSWORD],
            "dlh": [accounts.create("opd_officer", opd="Dinas Lingkungan Hidup"), PASSWORD],
            "operator": [accounts.create("platform_operator"), PASSWORD]}
    command = [sys.executable, "-m", "tests.console.browser_flows", platform.url, json.dumps(data)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=BUDGET)
    assert done.returncode == 0, done.stderr[-4000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    print("console page sizes (bytes):", report["sizes"])
    return report["results"]


@pytest.mark.parametrize("name", CHECKS)
def test_console_in_a_browser(flows, name):
    assert flows[name] is None, flows[name]
