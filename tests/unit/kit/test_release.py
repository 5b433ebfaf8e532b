"""The release this tree is, said the same way everywhere it is said (pure)."""
import json
import re
import tomllib
from pathlib import Path

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from services.gateway.regions.api import RegionsApi
from services.gateway.service import GatewayService
from services.gateway.web.openapi import document
from services.servicekit import release
from services.servicekit.release import RELEASE, supported

ROOT = Path(__file__).resolve().parents[3]
# Written out: what 0.3.0 publishes (a new major or event type changes this on purpose).
MAJORS_0_3_0 = {
    "application_status_changed": 1, "application_submitted": 1, "article_published": 1,
    "article_retracted": 1, "article_updated": 1, "aspirasi_sla_breached": 1,
    "aspirasi_status_changed": 1, "aspirasi_submitted": 1, "match_found": 1,
    "price_alert_raised": 2, "prices_recorded": 2, "seeker_placed": 1, "seeker_registered": 1,
    "seeker_report_window_opened": 1, "vacancy_closed": 1, "vacancy_posted": 1,
}


def test_the_release_is_a_semantic_version_said_alike_by_package_image_and_api():
    assert re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", RELEASE)
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"] == RELEASE
    kustomization = (ROOT / "deploy/k8s/base/kustomization.yaml").read_text()
    assert re.search(rf"newTag: {re.escape(RELEASE)}\b", kustomization)
    assert document(GatewayService)["info"]["version"] == RELEASE


def test_the_version_route_names_the_release_every_contracts_major_and_the_api():
    answer = RegionsApi().version(Request(EnvironBuilder(path="/api/v1/version").get_environ()))
    assert answer.status_code == 200
    # release_announced is new since 0.3.0 (every service announces its release as it starts)
    majors = {**MAJORS_0_3_0, "release_announced": 1}
    assert json.loads(answer.get_data()) == {"release": RELEASE, "contracts": majors, "api": "v1"}


def test_the_supported_window_is_the_two_newest_releases(monkeypatch):
    monkeypatch.setattr(release, "recorded_releases", lambda: (("0.3.0", "a" * 40), ("0.2.0", "b" * 40)))
    monkeypatch.setattr(release, "RELEASE", "0.4.0")
    assert [supported(r) for r in ("0.4.0", "0.3.0", "0.2.0", "9.9", None)] == [True, True, False, False,
                                                                               False]


def test_every_recorded_release_names_a_commit_and_keeps_its_contracts():
    for name, commit in release.recorded_releases():
        assert re.fullmatch(r"[0-9a-f]{40}", commit)
        history = release.HISTORY_DIR / name
        assert (history / "envelope.json").is_file(), f"contracts of {name} missing in {history}"
