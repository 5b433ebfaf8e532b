"""E-mail through a real SMTP server (aiosmtpd): once per event and reporter, even when the
event comes again; an SMTP outage delays the mail but neither loses nor doubles it."""
import time
import uuid
from email import message_from_bytes, policy

import requests
from nameko.standalone.events import event_dispatcher

from services.servicekit.envelope import new_event

REGION = "36.71"
WAIT = 30  # seconds: the first retry comes after 1 s, the second after 5 s more


def until(what, check, seconds=WAIT):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds}s waiting for {what}")


def report_with_email(platform, email):
    response = requests.post(f"{platform.url}/api/v1/regions/{REGION}/aspirasi", timeout=10, json={
        "category": "sampah", "description": "Sampah menumpuk di depan pasar sejak Senin.",
        "location": {"address": "Jl. Merdeka 5, Sukasari"},
        "reporter": {"name": "Siti", "email": email}},
        headers={"X-Forwarded-For": f"198.51.100.{uuid.uuid4().int % 200 + 1}"})
    assert response.status_code == 201, response.text
    return response.json()["number"]


def move(platform, token, number, action, note=""):
    response = requests.post(f"{platform.url}/api/v1/aspirasi/{number}/transitions", timeout=10,
                             headers=token("region_admin", REGION), json={"action": action, "note": note})
    assert response.status_code == 200, response.text


RECEIPT = "sudah kami terima"  # the receipt's subject ends so (test_receipt.py)


def mails_to(platform, address, receipts=False):
    """The mails to `address`: its status news, or (receipts=True) its receipts at submission."""
    mails = [message_from_bytes(bytes(m), policy=policy.default) for m in platform.mail.messages()]
    return [m for m in mails if m["To"] == address and m["Subject"].endswith(RECEIPT) == receipts]


def metric(platform, outcome):
    text = requests.get(f"{platform.ops_url('notifications')}/metrics", timeout=5).text
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("tl_notifications_total{") and 'channel="email"' in line
               and f'outcome="{outcome}"' in line)


def test_a_status_change_reaches_the_reporter_once_even_when_redelivered(platform, token):
    email = f"siti.{uuid.uuid4().hex[:6]}@contoh.id"
    number = report_with_email(platform, email)
    move(platform, token, number, "verify", "Lokasi sudah kami cek.")
    [mail] = until("the mail", lambda: mails_to(platform, email))
    assert mail["Subject"] == (f"Laporan {number}: sudah diverifikasi dan akan diteruskan ke OPD "
                               "yang berwenang")
    plain = mail.get_body(("plain",)).get_content()
    assert "Lokasi sudah kami cek." not in plain  # a verify note is internal (#32.4)
    assert f"{platform.url}/lacak/{number}" in plain and f"{platform.url}/berhenti/" in plain
    assert mail.get_body(("html",)) is not None

    # The broker delivers the same event again after the mail went out but before the
    # handler recorded it (its marker lost, as in a crash): the ledger still says sent.
    db = platform.db("notifications")
    sent = db.deliveries.find_one({"kind": "ticket_status", "event_id": {"$exists": True},
                                   "_id": {"$regex": "email"}, "sent_at": {"$exists": True}},
                                  sort=[("sent_at", -1)])
    event_id = sent["event_id"]
    db.applied_events.delete_one({"_id": f"ticket_changed:{event_id}"})
    again = new_event("aspirasi_status_changed", "aspirasi", REGION, {
        "number": number, "category": "sampah", "opd": "Dinas Lingkungan Hidup", "from": "submitted",
        "to": "verified", "action": "verify", "role": "region_admin", "at": "2026-12-01T00:00:00+00:00",
        "on_time": True, "note": "Lokasi sudah kami cek."})
    again["event_id"] = event_id
    duplicates = metric(platform, "duplicate")
    event_dispatcher({"AMQP_URI": platform.env["AMQP_URI"]})("aspirasi", "aspirasi_status_changed", again)
    until("the redelivery handled", lambda: db.applied_events.find_one({"_id": f"ticket_changed:{event_id}"}))
    assert metric(platform, "duplicate") == duplicates + 1
    assert len(mails_to(platform, email)) == 1


def test_an_smtp_outage_delays_but_neither_loses_nor_doubles_the_mail(platform, token):
    email = f"budi.{uuid.uuid4().hex[:6]}@contoh.id"
    number = report_with_email(platform, email)
    failed = metric(platform, "failed")
    platform.mail.stop()
    try:
        move(platform, token, number, "verify")
        until("a failed delivery", lambda: metric(platform, "failed") > failed)
        assert mails_to(platform, email) == []
    finally:
        platform.mail.start()
    [mail] = until("the mail after the outage", lambda: mails_to(platform, email))
    assert number in mail["Subject"]
    move(platform, token, number, "dispatch")
    until("the second mail", lambda: len(mails_to(platform, email)) == 2)
    time.sleep(1.5)  # room for a wrongful repeat of the first mail's retry to show up
    subjects = sorted(m["Subject"] for m in mails_to(platform, email))
    assert len(subjects) == 2 and "diverifikasi" in subjects[1] and "diteruskan" in subjects[0], subjects


def test_the_signed_link_stops_further_mail(platform, token):
    email = f"ani.{uuid.uuid4().hex[:6]}@contoh.id"
    number = report_with_email(platform, email)
    move(platform, token, number, "verify")
    [mail] = until("the mail", lambda: mails_to(platform, email))
    link = next(w for w in mail.get_body(("plain",)).get_content().split() if "/berhenti/" in w)
    assert requests.get(link, timeout=10).status_code == 200
    tampered = requests.post(link[:-2] + "00", timeout=10)
    assert tampered.status_code == 404 and "tidak valid" in tampered.text
    done = requests.post(link, timeout=10)
    assert done.status_code == 200 and "tidak akan menerima" in done.text
    db = platform.db("notifications")
    assert db.optouts.find_one({"_id": f"email:{email}"})
    move(platform, token, number, "dispatch")
    until("the opted-out count", lambda: metric(platform, "opted_out") >= 1)
    assert len(mails_to(platform, email)) == 1
