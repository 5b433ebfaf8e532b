"""Officer accounts and signed-in HTTP clients for the console tests."""
import itertools
import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

from services.gateway.access.accounts import AccountRepository

PASSWORD = "kata-sandi-uji-123"
ROOT = Path(__file__).resolve().parents[2]
BROWSER_BUDGET = 240  # seconds for every flow and the accessibility pass, browser start included


def browser_report(module, url, data):
    """Run a flows module (tests/console/*_flows.py) in headless Chromium; its results by check."""
    from tests.pages.browser_flows import AXE, CHROMIUM
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (as root), or run: "
                    "sudo apt-get install -y chromium chromium-driver")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs it, or run: npm ci --prefix tests/a11y")
    done = subprocess.run([sys.executable, "-m", module, url, json.dumps(data)], cwd=ROOT,
                          capture_output=True, text=True, timeout=BROWSER_BUDGET)
    assert done.returncode == 0, done.stderr[-4000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{module} page sizes (bytes):", report["sizes"])
    return report["results"]
CLIENTS = itertools.count(10)


def sign_in_token(http, url):
    """The sign-in form's CSRF token (its cookie is now in `http`)."""
    page = http.get(f"{url}/petugas/masuk", timeout=10)
    assert page.status_code == 200, page.text[:500]
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def csrf_of(page_text):
    return re.search(r'name="csrf" value="([^"]+)"', page_text).group(1)


class Accounts:
    def __init__(self, platform):
        self.platform = platform
        self.repo = AccountRepository(platform.db("gateway"))

    def create(self, role, region="36.71", opd=None):
        username = f"{role.replace('_', '')}.{uuid.uuid4().hex[:8]}"
        self.repo.create(username, PASSWORD, role, region, opd)
        return username

    def session(self, role, region="36.71", opd=None):
        """A requests.Session signed in to the console as a new account; .username set."""
        username = self.create(role, region, opd)
        return self.signed_in(username), username

    def signed_in(self, username, password=PASSWORD):
        http = requests.Session()
        http.headers["X-Forwarded-For"] = f"203.0.113.{next(CLIENTS)}"
        token = sign_in_token(http, self.platform.url)
        response = http.post(f"{self.platform.url}/petugas/masuk", timeout=10, allow_redirects=False,
                             data={"username": username, "password": password, "csrf": token,
                                   "next": "/petugas/"})
        assert response.status_code == 303, response.text[:1000]
        return http


@pytest.fixture(scope="session")
def accounts(platform):
    return Accounts(platform)
