"""SMS reports through Gammu SMSD on its dummy driver: the daemon reads the SMS from the
(dummy) modem and runs our RunOnReceive command; replies are queued with gammu-smsd-inject."""
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from services.aspirasi.domain import STATE_LABELS
from services.notifications import sms_commands
from tests.notifications.test_email import REGION, move, until
from tools.ensure_gammu import HOW
from tools.ensure_gammu import main as ensure_gammu

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sms(platform):
    if platform.sms is None:
        if ensure_gammu() != 0:
            pytest.skip(f"gammu-smsd is not installed and cannot be installed here: {HOW}")
        pytest.skip("gammu-smsd was installed just now; it is used from the next test session on")
    return platform.sms


def replies_to(sms, number):
    return [text for to, text in sms.queued() if to == number]


def test_an_sms_report_becomes_a_ticket_once_and_cek_answers(platform, sms, token):
    sender = f"+62812{uuid.uuid4().int % 10**7:07d}"
    detail = f"sampah menumpuk {uuid.uuid4().hex[:6]}"
    sms.receive(sender, f"LAPOR SAMPAH Jl. Merdeka 5 RT 02 {detail} 3 hari")
    [reply] = until("the reply SMS", lambda: replies_to(sms, sender))
    number = re.search(r"LAKSA-3671-\d{4}-\d{6}", reply).group(0)
    assert reply.startswith(f"Laporan diterima, nomor tiket {number}")
    ticket = requests.get(f"{platform.url}/api/v1/aspirasi/{number}", timeout=10).json()
    assert ticket["category"] == "sampah" and ticket["location"]["address"].startswith("Jl. Merdeka 5")
    assert detail in ticket["description"]

    # The daemon runs the command again for the same message (it does after two minutes):
    # the same ticket, answered again, never a second one.
    [received] = [p.name for p in (sms.dir / "inbox").iterdir() if sender in p.name]
    environ = {**platform.env, "SMSD_CONFIG": str(sms.config), "SMS_MESSAGES": "1",
               "SMS_1_NUMBER": sender, "SMS_1_CLASS": "-1",
               "SMS_1_TEXT": f"LAPOR SAMPAH Jl. Merdeka 5 RT 02 {detail} 3 hari", "DECODED_PARTS": "0"}
    # Gammu names an outbox file by the second and the number: a second reply queued in the
    # same second as the first would replace it; the daemon's real rerun comes minutes later.
    time.sleep(1.1)
    done = subprocess.run([sys.executable, "-m", "services.notifications.sms_inbox", received], cwd=ROOT,
                          env=environ, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    # the daemon may be moving a reply from outbox/ to sent/ just as we look: look until it settles
    try:
        until("the same reply again", lambda: replies_to(sms, sender) == [reply, reply])
    except AssertionError as timed_out:  # say what was there instead (seen once in CI)
        files = {sub: sorted(p.name for p in (sms.dir / sub).iterdir())
                 for sub in ("outbox", "sent", "error")}
        log = (sms.dir / "smsd.log").read_text(errors="replace")[-2000:]
        raise AssertionError(f"{timed_out}: replies {replies_to(sms, sender)}, {files}, "
                             f"smsd.log: {log}") from None
    listed = requests.get(f"{platform.url}/api/v1/regions/{REGION}/aspirasi?category=sampah&limit=100",
                          timeout=10).json()["items"]
    assert [t["number"] for t in listed if detail in t["description"]] == [number]

    sms.receive(sender, f"cek {number.lower()}")
    until("the CEK answer", lambda: len(replies_to(sms, sender)) == 3)
    assert replies_to(sms, sender)[2] == f"Tiket {number}: {STATE_LABELS['submitted']}."

    # and the reporter hears of the ticket's progress by SMS
    move(platform, token, number, "verify", "Segera diangkut.")
    until("the status SMS", lambda: len(replies_to(sms, sender)) == 4)
    assert "sudah diverifikasi" in replies_to(sms, sender)[3]
    assert "Segera diangkut." not in replies_to(sms, sender)[3]  # a verify note is internal (#32.4)
    assert replies_to(sms, sender)[3].endswith("Balas STOP untuk berhenti.")


def test_unknown_keywords_get_help_and_stop_opts_out(platform, sms):
    sender = f"+62813{uuid.uuid4().int % 10**7:07d}"
    sms.receive(sender, "LAPOR KUCING Jl. Merdeka ada kucing")
    [help_text] = until("the help reply", lambda: replies_to(sms, sender))
    assert help_text.startswith("Kategori tidak dikenal. Format: LAPOR <KATEGORI>") and "SAMPAH" in help_text
    sms.receive(sender, "STOP")
    until("the STOP reply", lambda: len(replies_to(sms, sender)) == 2)
    assert platform.db("notifications").optouts.find_one({"_id": f"phone:{sender}"})


def test_with_the_platform_unreachable_the_citizen_is_told_to_send_again(sms):
    sender = f"+62814{uuid.uuid4().int % 10**7:07d}"
    environ = {**os.environ, "AMQP_URI": "amqp://guest:guest@127.0.0.1:1/", "TL_REGION": REGION,
               "SMSD_CONFIG": str(sms.config), "SMS_MESSAGES": "1", "SMS_1_NUMBER": sender,
               "SMS_1_TEXT": "LAPOR SAMPAH Jl. Merdeka 5 sampah menumpuk"}
    done = subprocess.run([sys.executable, "-m", "services.notifications.sms_inbox", "IN-test"], cwd=ROOT,
                          env=environ, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "stays in the daemon's inbox" in done.stderr
    # neither the report's key nor the message id (Gammu's names the phone) in the log
    assert "sms-" not in done.stderr and "IN-test" not in done.stderr and sender not in done.stderr
    assert replies_to(sms, sender) == [sms_commands.unavailable_reply()]
    assert "gangguan" in sms_commands.unavailable_reply()
