"""The alert rules load in Prometheus' own checker and behave as their unit tests say.

`promtool check rules` and `promtool test rules` (deploy/prometheus/alerts.test.yaml)
run for real; promtool is installed when missing and we are root (tools/ensure_promtool.py).
"""
import re
import subprocess

import pytest
import yaml

from tests.ops.manifests import DEPLOY, KUSTOMIZATIONS, find, render
from tools.ensure_promtool import ensure

RULES = DEPLOY / "prometheus" / "alerts.yaml"
UNIT_TESTS = DEPLOY / "prometheus" / "alerts.test.yaml"
# What issue 20 asks to be alerted on, each with a unit test.
REQUIRED = {"TLErrorBudgetFastBurn", "TLErrorBudgetSlowBurn", "TLPartnerLinkDown", "TLEdgeUplinkDown",
            "TLPartnerBacklogNearLimit", "TLUplinkBacklogNearLimit", "TLDeadLetters", "TLBrokerMemoryAlarm",
            "TLBrokerDiskAlarm", "TLStoreDown", "TLPricesStale", "TLServiceTargetsVanished",
            "TLNoGatewayTargets", "TLNoBrokerTargets"}


@pytest.fixture(scope="module")
def promtool():
    path, reason = ensure()
    if path is None:
        pytest.skip(reason)
    return path


def alerts():
    return [rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]
            if "alert" in rule]


def run(promtool, *args, cwd=None):
    return subprocess.run([promtool, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def test_rules_pass_promtool_check(promtool):
    done = run(promtool, "check", "rules", str(RULES))
    assert done.returncode == 0, done.stdout + done.stderr


def test_alert_unit_tests_pass(promtool):
    done = run(promtool, "test", "rules", UNIT_TESTS.name, cwd=UNIT_TESTS.parent)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_wrong_expectation_fails(promtool, tmp_path):
    """The unit tests can fail: the same series with the opposite expectation does."""
    suite = yaml.safe_load(UNIT_TESTS.read_text())
    case = next(t for t in suite["tests"] if t["name"].startswith("store down"))
    for check in case["alert_rule_test"]:
        check["exp_alerts"] = [] if check["exp_alerts"] else [{"exp_labels": {"severity": "critical"}}]
    (tmp_path / "alerts.yaml").write_text(RULES.read_text())
    (tmp_path / "wrong.yaml").write_text(yaml.safe_dump({**suite, "tests": [case]}))
    done = run(promtool, "test", "rules", "wrong.yaml", cwd=tmp_path)
    assert done.returncode != 0 and "TLStoreDown" in done.stdout + done.stderr


def test_every_alert_has_severity_summary_and_runbook():
    for rule in alerts():
        assert rule["labels"]["severity"] in ("critical", "warning", "info"), rule["alert"]
        assert rule["annotations"]["summary"] and len(rule["annotations"]["runbook"]) > 40, rule["alert"]


def test_every_required_alert_exists_and_is_unit_tested():
    names = {rule["alert"] for rule in alerts()}
    tested = {check["alertname"] for case in yaml.safe_load(UNIT_TESTS.read_text())["tests"]
              for check in case["alert_rule_test"] if check["exp_alerts"]}
    assert REQUIRED <= names, sorted(REQUIRED - names)
    assert REQUIRED <= tested, f"no firing unit test for {sorted(REQUIRED - tested)}"


def test_the_uplink_alert_fires_at_80_percent_of_the_edge_bound():
    (policy,) = find(render(KUSTOMIZATIONS["edge"]), "Policy")
    bound = policy["spec"]["definition"]["max-length"]
    rule = next(r for r in alerts() if r["alert"] == "TLUplinkBacklogNearLimit")
    threshold = int(re.search(r">\s*(\d+)\s*$", rule["expr"].strip()).group(1))
    assert threshold == 0.8 * bound
