"""Onboarding a region at run time, through the admin API and the CLI, with no restart.

The gateway and aspirasi run as processes (as `make run` starts them); the
region is added while they run, and must work in both at once: the registry,
its LAKSA catalogue, and its partner queue receiving its first shared event.
"""
import json
import os
import subprocess
import sys

import pytest
import requests

from services.platform import partners
from tests.helpers import wait_for
from tests.partners.support import peek, publish_shared, shared_event
from tools import backing
from tools.run_platform import ROOT, start_services, stop_all, wait_healthy

NEW = {"code": "36.05", "name": "Kabupaten Contoh", "province": "Banten", "domain": "contohkab.go.id",
       "categories": [{"code": "tambang-liar", "name": "Tambang liar", "opd": "Dinas Lingkungan Hidup"}]}
REPORT = {"category": "tambang-liar", "description": "Galian pasir tanpa izin di tepi sungai",
          "location": {"lat": -6.30, "long": 106.10}, "anonymous": True}


def submit(http, url):
    response = http.post(f"{url}/api/v1/regions/36.05/aspirasi", json=REPORT, timeout=10,
                         headers={"Idempotency-Key": "onboarding-first-ticket"})
    return None if response.status_code == 503 else response


@pytest.fixture
def running(rabbit_config, platform_db, db_name):
    env = {**os.environ, "AMQP_URI": rabbit_config["AMQP_URI"], "PYTHONUNBUFFERED": "1",
           "ASPIRASI_DB": f"{db_name}_aspirasi", "GATEWAY_DB": f"{db_name}_gateway",
           "ASPIRASI_OPS_HTTP": f"127.0.0.1:{backing.free_port()}",
           "GATEWAY_OPS_HTTP": f"127.0.0.1:{backing.free_port()}",
           "GATEWAY_HTTP": f"127.0.0.1:{backing.free_port()}"}
    procs = start_services(env, ("aspirasi", "gateway"))
    try:
        wait_healthy(procs, env, seconds=45)
        yield f"http://{env['GATEWAY_HTTP']}", env
    finally:
        stop_all(procs)


def test_onboarding_through_the_admin_api_takes_effect_at_once(running, broker, token, platform_db):
    url, env = running
    with requests.Session() as http:
        assert http.get(f"{url}/api/v1/regions/36.05", timeout=5).status_code == 404
        assert http.post(f"{url}/api/v1/admin/regions", json=NEW, timeout=5).status_code == 401
        assert http.post(f"{url}/api/v1/admin/regions", json=NEW, timeout=5,
                         headers=token("region_admin", "36.71")).status_code == 403
        operator = token("platform_operator", "36.71")
        bad = http.post(f"{url}/api/v1/admin/regions", json={**NEW, "code": "3605"}, headers=operator,
                        timeout=5)
        assert bad.status_code == 400 and bad.json()["error"]["details"]["field"] == "code"
        bad = http.post(f"{url}/api/v1/admin/regions", headers=operator, timeout=5,
                        json={**NEW, "subscriptions": [{"topic": "prices.*", "from": ["Banten"]}]})
        assert bad.json()["error"]["details"]["field"] == "subscriptions[0].from"
        assert http.get(f"{url}/api/v1/regions/36.05", timeout=5).status_code == 404  # nothing written

        created = http.post(f"{url}/api/v1/admin/regions", json=NEW, headers=operator, timeout=15)
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["queue"] == "tangerang.region.36.05"
        assert "prices.price_alert_raised.36.*" in body["bindings"]
        assert body["categories"] == 9  # the 8 of the template plus its own
        # its own broker user, password given once, fenced to its queue and its routing keys
        user = partners.partner_user("36.05", broker.vhost)
        assert body["broker_user"]["user"] == user and len(body["broker_user"]["password"]) == 48
        assert broker.request("GET", "permissions", broker.vhost, user) == {
            "user": user, "vhost": broker.vhost, "configure": "^$",
            "write": r"^(tangerang\.shared)$", "read": r"^tangerang\.region\.36\.05$"}
        topics = broker.request("GET", "topic-permissions", broker.vhost, user)
        assert {t["exchange"]: t["write"] for t in topics} == {
            "tangerang.shared": r"^[^.]+\.[^.]+\.36\.05$", "tangerang.uplink": "^$"}
        assert http.get(f"{url}/api/v1/regions/36.05", timeout=5).json()["name"] == "Kabupaten Contoh"
        # aspirasi, another process, knows the region and its own category already
        # (a 503 "retry" on a loaded machine is retried as clients do, with the same key)
        ticket = wait_for(lambda: submit(http, url), 20, "the first ticket of 36.05")
        assert ticket.status_code == 201, ticket.text
        assert ticket.json()["number"].startswith("LAKSA-3605-")

        # its first shared event arrives in its new queue
        alert = shared_event("price_alert_raised", "36.04")
        publish_shared(broker.amqp_uri, alert, shared_event("price_alert_raised", "32.73"))
        assert [e["event_id"] for e in peek(broker, "tangerang.region.36.05")] == [alert["event_id"]]

        def backlog_metric():
            text = http.get(f"http://{env['GATEWAY_OPS_HTTP']}/metrics", timeout=5).text
            return 'tl_partner_backlog_messages{region="36.05"} 1.0' in text
        wait_for(backlog_metric, 15, "the gateway's backlog gauge of 36.05")

        # the CLI changes its subscriptions in place
        cli = subprocess.run([sys.executable, "-m", "tools.regions", "subscribe", "36.05",
                              "news.article_published=host"], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=30)
        assert cli.returncode == 0, cli.stderr
        news = shared_event("article_published", "36.71")
        publish_shared(broker.amqp_uri, shared_event("price_alert_raised", "36.04"), news)
        assert [e["event_id"] for e in peek(broker, "tangerang.region.36.05")] == [
            alert["event_id"], news["event_id"]]

        removed = http.delete(f"{url}/api/v1/admin/regions/36.05", headers=operator, timeout=10)
        assert removed.status_code == 200, removed.text
        # the backlog is not thrown away by accident: unbound, kept until purged
        assert removed.json()["queue_deleted"] is False
        assert broker.bindings("tangerang.shared", "tangerang.region.36.05") == []
        assert broker.user(user) is None
        assert http.get(f"{url}/api/v1/regions/36.05", timeout=5).status_code == 404
        wait_for(lambda: http.post(f"{url}/api/v1/regions/36.05/aspirasi", json=REPORT,
                                   timeout=10).status_code == 404, 10, "aspirasi to forget 36.05")
        assert http.delete(f"{url}/api/v1/admin/regions/36.71", headers=operator,
                           timeout=10).json()["error"]["details"]["field"] == "code"
        # purge after a plain remove: what the region left (its queue, its catalogue) goes too
        purged = http.delete(f"{url}/api/v1/admin/regions/36.05", params={"purge": "true"},
                             headers=operator, timeout=15)
        assert purged.status_code == 200, purged.text
        assert purged.json()["removed"]["categories"] == 9 and purged.json()["kept"]["tickets"] == 1
        assert broker.queue("tangerang.region.36.05") is None
        assert platform_db.regions.find_one({"_id": "36.05"}) is None
        assert platform_db.subscriptions.find_one({"_id": "36.05"}) is None


def test_onboarding_with_the_cli(running, broker, tmp_path):
    url, env = running

    def regions(*args):
        return subprocess.run([sys.executable, "-m", "tools.regions", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=30)
    bad = regions("add", "--code", "36.06", "--name", "X", "--province", "Banten", "--domain", "not a host")
    assert bad.returncode == 2 and "domain" in bad.stderr
    categories = tmp_path / "categories.yaml"
    categories.write_text("- {code: abrasi, name: Abrasi pantai, opd: Dinas Lingkungan Hidup}\n")
    added = regions("add", "--code", "36.06", "--name", "Kota Contoh", "--province", "Banten",
                    "--domain", "contohkota.go.id", "--edge", "--categories", str(categories))
    assert added.returncode == 0, added.stderr
    assert '"categories": 9' in added.stdout
    user = partners.partner_user("36.06", broker.vhost)
    password = json.loads(added.stdout)["broker_user"]["password"]
    assert password and broker.user(user) is not None
    again = regions("add", "--code", "36.06", "--name", "Kota Contoh", "--province", "Banten",
                    "--domain", "contohkota.go.id", "--edge")
    assert json.loads(again.stdout)["broker_user"]["password"] is None  # shown once only
    renewed = regions("credentials", "36.06")
    assert renewed.returncode == 0, renewed.stderr
    assert json.loads(renewed.stdout)["broker_user"]["password"] not in (None, password)
    host = regions("credentials", "36.71")
    assert host.returncode == 2 and "host region" in host.stderr
    listed = regions("list")
    assert '"code": "36.06"' in listed.stdout and '"edge": true' in listed.stdout
    with requests.Session() as http:  # the running gateway and aspirasi know it, unrestarted
        assert http.get(f"{url}/api/v1/regions/36.06", timeout=5).json()["edge"] is True
        codes = [c["code"] for c in http.get(f"{url}/api/v1/regions/36.06/aspirasi/categories",
                                             timeout=5).json()["items"]]
        assert "abrasi" in codes and "banjir" in codes
    vacancy = shared_event("vacancy_posted", "19.03")
    publish_shared(broker.amqp_uri, vacancy)
    assert [e["event_id"] for e in peek(broker, partners.queue_name("36.06"))] == [vacancy["event_id"]]
    removed = regions("remove", "36.06", "--purge")
    assert removed.returncode == 0, removed.stderr
    assert broker.queue(partners.queue_name("36.06")) is None
    assert broker.user(user) is None


def test_the_cli_onboards_a_whole_profile_and_purges_it_through_the_running_services(
        running, broker, platform_db, tmp_path):
    url, env = running

    def regions(*args, **extra_env):
        return subprocess.run([sys.executable, "-m", "tools.regions", *args], cwd=ROOT,
                              env={**env, **extra_env}, capture_output=True, text=True, timeout=60)
    profile = tmp_path / "jayapura.yaml"
    profile.write_text(json.dumps({
        "code": "91.71", "name": "Kota Jayapura", "province": "Papua", "domain": "jayapurakota.go.id",
        "categories": [{"code": "abrasi", "name": "Abrasi pantai", "opd": "Dinas Lingkungan Hidup"}],
        "admin": {"username": "admin.9171"}}))
    user = partners.partner_user("91.71", broker.vhost)
    # the case: no signing key, so nothing is made (before: a broker user, no password)
    keyless = regions("add", "--profile", str(profile), TL_CALLER_KEY_GATEWAY="")
    assert keyless.returncode == 2 and "TL_CALLER_KEY_GATEWAY" in keyless.stderr
    assert broker.user(user) is None and platform_db.regions.find_one({"_id": "91.71"}) is None
    added = regions("add", "--profile", str(profile))
    assert added.returncode == 0, added.stderr
    body = json.loads(added.stdout)
    assert body["region"]["timezone"] == "Asia/Jayapura" and body["categories"] == 9
    with requests.Session() as http:
        signed_in = http.post(f"{url}/api/v1/auth/token", timeout=10, json={
            "username": "admin.9171", "password": body["admin"]["password"]})
        assert signed_in.status_code == 200, signed_in.text
        assert (signed_in.json()["role"], signed_in.json()["region"]) == ("region_admin", "91.71")
        purged = regions("remove", "91.71", "--purge")
        assert purged.returncode == 0, purged.stderr
        gone = json.loads(purged.stdout)
        assert gone["removed"]["accounts"] == ["admin.9171"] and gone["removed"]["categories"] == 9
        assert gone["kept"]["tickets"] == 0
        assert broker.user(user) is None and broker.queue(partners.queue_name("91.71")) is None
        assert platform_db.regions.find_one({"_id": "91.71"}) is None
        # The CLI removed it in the store: the gateway's registry copy follows within its refresh.
        wait_for(lambda: http.get(f"{url}/api/v1/regions/91.71", timeout=5).status_code == 404, 10,
                 "the gateway to forget 91.71")
