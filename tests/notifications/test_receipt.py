"""A receipt at submission (#31.4): a report sent with an e-mail and a phone gets, within
10 s, a mail (SMTP sink) and an SMS (Gammu SMSD on its dummy driver) naming its number and
its tracking link, once each (an anonymous one owes none: tests/unit/notifications)."""
import uuid

import requests

from tests.notifications.test_email import REGION, mails_to, until
from tests.notifications.test_sms import replies_to, sms  # noqa: F401 - the fixture

RECEIPT_WAIT = 10  # seconds, from the "done when"


def test_a_report_with_email_and_phone_gets_its_receipt_by_both(platform, sms):  # noqa: F811
    email = f"rina.{uuid.uuid4().hex[:6]}@contoh.id"
    phone = f"+62815{uuid.uuid4().int % 10**7:07d}"
    response = requests.post(f"{platform.url}/api/v1/regions/{REGION}/aspirasi", timeout=10, json={
        "category": "sampah", "description": "Sampah menumpuk di depan sekolah sejak Senin.",
        "location": {"address": "Jl. Merdeka 7, Sukasari"},
        "reporter": {"name": "Rina", "email": email, "phone": "0" + phone[3:]}},
        headers={"X-Forwarded-For": f"198.51.100.{uuid.uuid4().int % 200 + 1}"})
    assert response.status_code == 201, response.text
    number = response.json()["number"]
    [mail] = until("the receipt mail", lambda: mails_to(platform, email, receipts=True), RECEIPT_WAIT)
    assert mail["Subject"] == f"Laporan {number} sudah kami terima"
    plain = mail.get_body(("plain",)).get_content()
    assert f"{platform.url}/lacak/{number}" in plain and f"{platform.url}/berhenti/" in plain
    [text] = until("the receipt SMS", lambda: replies_to(sms, phone), RECEIPT_WAIT)
    assert number in text and f"{platform.url}/lacak/{number}" in text
    assert text.endswith("Balas STOP untuk berhenti.") and len(text) <= 160  # one SMS
    assert mails_to(platform, email) == []  # no status news yet: only the receipt
    page = requests.get(f"{platform.url}/lacak/{number}", timeout=10)
    assert page.status_code == 200 and number in page.text

