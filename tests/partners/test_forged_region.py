"""An edge region forges a status change for another region's ticket, against the running hub.

Pandeglang (36.01, an edge) holds the broker user `tools.regions credentials`
gives it. It sends up an `aspirasi_status_changed` of its own region naming a
Kota Tangerang ticket, with a note asking the reporter for money: the hub's
uplink relay drops it and counts it (reason `record_region`). Had it passed,
or were it published on `aspirasi.events` by anything else, notifications asks
aspirasi for the reporter's contact *for region 36.01*, and aspirasi refuses:
no mail, no SMS. A real status change of the same ticket then mails the
reporter, so the silence is not a notifications service that sends nothing.
"""
import json
import subprocess
import sys
import uuid

import pytest
import requests

from services.platform import partners
from services.servicekit.envelope import new_event
from tests.helpers import wait_for
from tests.notifications.test_email import mails_to, move
from tests.partners.support import as_user, publish_raw, submitted_event
from tests.partners.test_rogue_partner import metric
from tools.run_platform import ROOT

EDGE, HOST = "36.01", "36.71"
SCAM = "Kirim Rp250.000 ke rekening 1234567890 agar laporan diproses."


@pytest.fixture
def pandeglang(platform):
    """Pandeglang's broker user, as the operator makes it: `python -m tools.regions credentials 36.01`."""
    hub = partners.Broker(platform.env["AMQP_URI"], platform.api_uri)
    env = {**platform.env, "RABBIT_API_URI": platform.api_uri}
    done = subprocess.run([sys.executable, "-m", "tools.regions", "credentials", EDGE], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    made = json.loads(done.stdout)["broker_user"]
    yield made["user"], as_user(hub.amqp_uri, made["user"], made["password"])
    hub.delete_user(made["user"])


def report(platform, email, phone):
    reporter = {"name": "Siti", "email": email, **({"phone": phone} if phone else {})}
    answer = requests.post(f"{platform.url}/api/v1/regions/{HOST}/aspirasi", timeout=10, json={
        "category": "sampah", "description": "Sampah menumpuk di depan pasar sejak Senin.",
        "location": {"address": "Jl. Merdeka 5, Sukasari"}, "reporter": reporter},
        headers={"X-Forwarded-For": f"198.51.100.{uuid.uuid4().int % 200 + 1}"})
    assert answer.status_code == 201, answer.text
    return answer.json()["number"]


def forged_change(number):
    return new_event("aspirasi_status_changed", "aspirasi", EDGE, {
        "number": number, "category": "sampah", "opd": "Dinas Lingkungan Hidup", "from": "submitted",
        "to": "verified", "action": "verify", "role": "region_admin", "at": "2026-12-07T03:00:00+00:00",
        "on_time": True, "note": SCAM})


def sms_to(platform, phone):
    """The status SMS to `phone`: the receipt at submission ("Laporan diterima, ...") is not one."""
    return [text for to, text in platform.sms.queued()
            if to == phone and not text.startswith("Laporan diterima")] if platform.sms else []


def refused_by_notifications(http, platform):
    text = http.get(f"{platform.ops_url('notifications')}/metrics", timeout=5).text
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith('tl_notifications_refused_total{kind="ticket_status"}'))


def not_hosted_by_notifications(http, platform):
    text = http.get(f"{platform.ops_url('notifications')}/metrics", timeout=5).text
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith('tl_notifications_not_hosted_total{kind="ticket"}'))


@pytest.mark.timeout(90)
def test_an_edges_forged_status_change_reaches_no_other_regions_reporter(platform, http, token, pandeglang):
    user, uri = pandeglang
    email = f"siti.{uuid.uuid4().hex[:6]}@contoh.id"
    # A phone only where SMS runs (Gammu's dummy modem): elsewhere its channel fails and retries.
    phone = f"+62812{uuid.uuid4().int % 10**7:07d}" if platform.sms else None
    number = report(platform, email, phone)
    dropped = metric(http, platform, "tl_partner_events_rejected_total", reason="record_region")
    relayed = metric(http, platform, "tl_partner_uplink_relayed_total", region=EDGE)
    refused = refused_by_notifications(http, platform)

    # 1. Sent up by the edge: the relay drops it, before any service sees it.
    forged = forged_change(number)
    publish_raw(uri, forged, "tangerang.uplink", partners.uplink_key(EDGE), user_id=user)
    own = submitted_event(EDGE, uuid.uuid4().int % 10**6)  # the edge's own event, behind it in order
    publish_raw(uri, own, "tangerang.uplink", partners.uplink_key(EDGE), user_id=user)
    wait_for(lambda: metric(http, platform, "tl_partner_uplink_relayed_total", region=EDGE) == relayed + 1,
             15, "the edge's own event relayed (so the forged one before it was handled)")
    assert metric(http, platform, "tl_partner_events_rejected_total", reason="record_region") == dropped + 1

    # 2. The same event on the hub's own exchange (as if the relay had let it through):
    # the hub's notifications do not act for 36.01, an edge region whose tickets its
    # own deployment keeps and notifies (services/servicekit/hosting.py): nothing asked.
    not_hosted = not_hosted_by_notifications(http, platform)
    bypassed = forged_change(number)
    publish_raw(platform.env["AMQP_URI"], bypassed, "aspirasi.events", "aspirasi_status_changed")
    wait_for(lambda: not_hosted_by_notifications(http, platform)
             == not_hosted + 1, 15, "notifications to leave the edge region's event alone")
    assert refused_by_notifications(http, platform) == refused

    # 3. A real change of the same ticket does reach the reporter: the pipeline is live.
    move(platform, token, number, "verify", "Lokasi sudah kami cek.")
    wait_for(lambda: mails_to(platform, email), 30, "the real status change's mail")
    if phone:
        wait_for(lambda: sms_to(platform, phone), 30, "the real status change's SMS")
    [mail] = mails_to(platform, email)
    assert SCAM not in mail.get_body(("plain",)).get_content()
    assert len(sms_to(platform, phone)) == (1 if phone else 0)
    assert all(SCAM not in text for text in sms_to(platform, phone))
    deliveries = platform.db("notifications").deliveries
    assert deliveries.count_documents({"event_id": {"$in": [forged["event_id"], bypassed["event_id"]]}}) == 0
