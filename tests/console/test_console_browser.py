"""Officers' flows in headless Chromium (tests/console/browser_flows.py), axe-core on the
console pages, page sizes and external requests."""
import pytest

from tests.console.browser_flows import FLOWS
from tests.console.conftest import PASSWORD, browser_report

CHECKS = [*FLOWS, "accessibility", "page_sizes", "no_external_requests"]


@pytest.fixture(scope="module")
def flows(platform, accounts):
    data = {"admin": [accounts.create("region_admin"), PASSWORD],
            "dlh": [accounts.create("opd_officer", opd="Dinas Lingkungan Hidup"), PASSWORD],
            "operator": [accounts.create("platform_operator"), PASSWORD]}
    return browser_report("tests.console.browser_flows", platform.url, data)


@pytest.mark.parametrize("name", CHECKS)
def test_console_in_a_browser(flows, name):
    assert flows[name] is None, flows[name]
