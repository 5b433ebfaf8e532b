"""Channels that refuse, quoting the reporter's contact: none of it in a log line, a header or
the operator's dead-letter page.

The running platform's notifications service is replaced, for this test, by one
whose SMTP relay refuses every recipient (550 naming the address, as Postfix
answers) and whose WhatsApp provider answers 400 quoting the number (as Meta's
Cloud API does), with one 1 s retry. A status change of a ticket with an e-mail
and a phone then fails on both channels, is retried, and is dead-lettered. Its
process log, the dead letter's `x-tl-error` header, the console's dead-letter
page and `tools.deadletters list` name what failed, never the address or number.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import uuid

import pika
import pytest
import requests

from services.notifications.channels import DeliveryFailed, Message, SmsChannel
from services.servicekit.deadletters import channel_to, fetch
from services.servicekit.scrub import PHONE_REDACTED
from tests.console.conftest import Accounts
from tests.notifications.test_email import REGION, move, until
from tests.notifications.test_service import Provider
from tools import backing
from tools.run_platform import ROOT, start_service, wait_healthy

QUEUE = "evt-aspirasi-aspirasi_status_changed--notifications.ticket_changed"


@pytest.fixture
def refusing_relay():
    port = backing.free_port()
    proc = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c",
                             "tests.notifications.refusing_relay.RefusingRelay"], cwd=ROOT,
                            preexec_fn=backing.die_with_parent)
    backing.wait_port("127.0.0.1", port, 15, "the refusing SMTP relay")
    yield f"smtp://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def provider():
    stub = Provider()
    stub.status = 400
    stub.answer = lambda body: json.dumps({"error": {
        "message": "(#131030) Recipient phone number not in allowed list", "code": 131030,
        "error_data": {"details": f"Recipient phone number {body['to']} not in allowed list"}}}).encode()
    yield stub
    stub.server.shutdown()


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        proc.wait(15)


@pytest.fixture
def failing_notifications(platform, refusing_relay, provider, tmp_path):
    """The platform's notifications, on the refusing channels, its output in a file."""
    env = {**platform.env, "SMTP_URL": refusing_relay, "PHONE_CHANNEL": "whatsapp",
           "WHATSAPP_URL": provider.url, "WHATSAPP_TOKEN": "rahasia", "NOTIFY_RETRY_DELAYS": "[1]"}
    stop(platform.procs["notifications"])
    path = tmp_path / "notifications.log"
    with path.open("w") as log:
        proc = start_service("notifications", env, log=log)
        try:
            wait_healthy({"notifications": proc}, env)
            yield path
        finally:
            stop(proc)
            platform.procs["notifications"] = start_service("notifications", platform.env)
            wait_healthy({"notifications": platform.procs["notifications"]}, platform.env)


def report(platform, email, phone):
    answer = requests.post(f"{platform.url}/api/v1/regions/{REGION}/aspirasi", timeout=10, json={
        "category": "sampah", "description": "Sampah menumpuk di depan pasar sejak Senin.",
        "location": {"address": "Jl. Merdeka 5, Sukasari"},
        "reporter": {"name": "Siti", "email": email, "phone": phone}},
        headers={"X-Forwarded-For": f"198.51.100.{uuid.uuid4().int % 200 + 1}"})
    assert answer.status_code == 201, answer.text
    return answer.json()["number"]


def dead_letters_of(platform, number):
    """[(x-tl-error, event)] of the dead letters of `number`'s status changes (left queued)."""
    with channel_to(platform.env["AMQP_URI"]) as channel:
        return [((properties.headers or {}).get("x-tl-error"), event)
                for _, properties, event in fetch(channel, QUEUE, 1000)
                if event.get("payload", {}).get("number") == number]


def remove_dead_letters(platform, number):
    with pika.BlockingConnection(pika.URLParameters(platform.env["AMQP_URI"])) as connection:
        channel = connection.channel()
        kept = []
        while (got := channel.basic_get(f"{QUEUE}.dead"))[0] is not None:
            method, properties, body = got
            if json.loads(body).get("payload", {}).get("number") != number:
                kept.append((properties, body))
            channel.basic_ack(method.delivery_tag)
        for properties, body in kept:
            channel.basic_publish("", f"{QUEUE}.dead", body, properties)


def contacts(email, phone):
    """Every way the contact could be written: as given, normalised (+62...), as WhatsApp's `to`."""
    local = "0" + phone[3:]
    return [email, email.split("@")[0], phone, phone[1:], local]


@pytest.mark.timeout(90)
def test_no_reporter_contact_in_logs_headers_or_the_dead_letter_view(platform, token, failing_notifications,
                                                                     provider):
    email = f"siti.{uuid.uuid4().hex[:8]}@contoh.id"
    phone = f"+62812{uuid.uuid4().int % 10**8:08d}"
    number = report(platform, email, "0" + phone[3:])  # written as people do: 0812...
    try:
        move(platform, token, number, "verify", "Lokasi sudah kami cek.")
        [(header, event)] = until("the dead letter", lambda: dead_letters_of(platform, number))
        # The receipt at submission and the change: each tried, retried once (the provider saw the number).
        until("the receipt's and the change's tries", lambda: len(provider.requests) >= 4)
        assert len(provider.requests) == 4

        assert "SMTPRecipientsRefused" in header and "WhatsApp provider answered 400" in header, header
        assert "Recipient address rejected" in header and "[surel disamarkan]" in header, header
        assert "[nomor disamarkan]" in header, header
        operator, _ = Accounts(platform).session("platform_operator")
        view = operator.get(f"{platform.url}/petugas/platform/surat-mati/{QUEUE}", timeout=10)
        assert view.status_code == 200 and event["event_id"] in view.text
        listed = subprocess.run([sys.executable, "-m", "tools.deadletters", "list", QUEUE], cwd=ROOT,
                                env={**os.environ, **platform.env}, capture_output=True, text=True,
                                timeout=60)
        assert event["event_id"] in listed.stdout, listed.stderr
        log = failing_notifications.read_text()
        assert "SMTPRecipientsRefused" in log and "dead-lettered" in log, log[-2000:]
        for where, text in (("x-tl-error", header), ("dead-letter page", view.text),
                            ("tools.deadletters list", listed.stdout), ("notifications log", log)):
            for contact in contacts(email, phone):
                assert contact not in text, f"{contact} in the {where}"
    finally:
        remove_dead_letters(platform, number)


STAND_IN = """#!/bin/sh
# What Debian's gammu-smsd-inject 1.42 prints when it cannot write the outbox (its files are
# named after the recipient), and its exit status then; $4 is the number.
file="OUTC20261207_093903_00_$4_sms99.smsbackup"
echo "gammu-smsd-inject[1]: Cannot save $file. No available file names" >&2
echo "Failed to inject message: Can not open specified file." >&2
exit 3
"""


def test_gammus_complaint_naming_the_number_is_scrubbed(tmp_path, monkeypatch):
    """The SMS channel's failure is Gammu's stderr. Where Debian's gammu-smsd is installed the
    real gammu-smsd-inject runs, against an outbox nobody can write (it names the file it could
    not save, which carries the number); elsewhere a stand-in prints what it prints then.
    Either way the number is not in the failure's text."""
    phone = "+6281299887766"
    config = tmp_path / "smsdrc"
    if shutil.which("gammu-smsd-inject"):
        config.write_text(f"[gammu]\nmodel = dummy\nconnection = none\ndevice = {tmp_path}/phone\n"
                          "[smsd]\nservice = files\noutboxpath = /proc/1/\n")
    else:
        stand_in = tmp_path / "bin" / "gammu-smsd-inject"
        stand_in.parent.mkdir()
        stand_in.write_text(STAND_IN)
        stand_in.chmod(0o755)
        monkeypatch.setenv("PATH", f"{stand_in.parent}:{os.environ['PATH']}")
        config.write_text("[smsd]\n")
    with pytest.raises(DeliveryFailed) as failed:
        SmsChannel(str(config)).send(Message(phone, "Laporan", "Laporan Anda sudah diverifikasi.", "k"))
    text = str(failed.value)
    assert text.startswith("gammu-smsd-inject exited 3") and failed.value.__cause__ is None, text
    assert "Cannot save OUTC" in text and f"_00_{PHONE_REDACTED}_sms" in text, text
    for written in (phone, phone[1:], "0" + phone[3:]):
        assert written not in text, text
