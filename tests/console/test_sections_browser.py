"""Disnaker, prices and news in headless Chromium (tests/console/section_flows.py): a Disnaker
officer's verified vacancy shows on /r/36.71/loker, a clerk's prices on /r/36.71/harga, an
editor's article in the RSS feed; axe-core finds no WCAG A/AA violation on these sections'
pages, each under 100 KB, and no request leaves the gateway."""
import uuid

import pytest
import requests

from services.gateway.access.auth import issue_token
from tests.console.conftest import PASSWORD, browser_report
from tests.console.section_flows import FLOWS
from tests.console.test_disnaker import pending_vacancy
from tests.pencaker.test_api import seeker

CHECKS = [*FLOWS, "accessibility", "page_sizes", "no_external_requests"]
NIK = "3671014507010003"  # a woman born 5 July 2001, of Kota Tangerang


@pytest.fixture(scope="module")
def flows(platform, accounts):
    def token(role, region, subject):
        return {"Authorization": f"Bearer {issue_token(subject, role, region)}"}
    company, job = pending_vacancy(platform, token, f"Admin Gudang {uuid.uuid4().hex[:4]}")
    made = requests.post(f"{platform.url}/api/v1/regions/36.71/seekers", timeout=10,
                         json=seeker(nik=NIK, born="2001-07-05", sex="P"))
    assert made.status_code == 201, made.text
    data = {"disnaker": [accounts.create("disnaker_officer"), PASSWORD],
            "clerk": [accounts.create("region_admin"), PASSWORD],
            "editor": [accounts.create("editor"), PASSWORD],
            "vacancy": {"id": job["id"], "title": job["title"], "employer": company["_id"]}, "nik": NIK}
    return browser_report("tests.console.section_flows", platform.url, data)


@pytest.mark.parametrize("name", CHECKS)
def test_sections_in_a_browser(flows, name):
    assert flows[name] is None, flows[name]
