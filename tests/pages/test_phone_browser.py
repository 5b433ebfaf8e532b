"""#31 on a phone: the flows of tests/pages/phone_flows.py, in a browser process of their own."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pages.phone_flows import CHROMIUM, FLOWS

ROOT = Path(__file__).resolve().parents[2]
BUDGET = 240  # seconds for every flow together, browser starts included


@pytest.fixture(scope="module")
def flows(platform):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: sudo apt-get install -y chromium")
    done = subprocess.run([sys.executable, "-m", "tests.pages.phone_flows", platform.url],
                          cwd=ROOT, capture_output=True, text=True, timeout=BUDGET)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", list(FLOWS))
def test_flow(flows, name):
    assert flows[name] is None, flows[name]
