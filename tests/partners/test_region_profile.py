"""Issue 28's first "done when": a region onboarded with a profile that leaves out Pencaker,
names its brand and gives one category a 1-day follow-up, on a running platform: its pages
carry its name and colour and no Pencaker link, /r/<code>/loker is a 404 page in Bahasa
Indonesia, a ticket of that category is due one working day after dispatch by the region's
own days off, and its mails come from its sender (the SMTP sink)."""
import re
import uuid
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import holidays
import requests

from tests.notifications.test_email import until

CODE = "36.09"
ZONE = ZoneInfo("Asia/Jakarta")


def next_weekdays(start, count):
    days, day = [], start
    while len(days) < count:
        day += timedelta(days=1)
        if day.isoweekday() <= 5:
            days.append(day)
    return days


def test_a_region_s_profile_shapes_its_pages_deadlines_and_mails(platform, token):
    today = datetime.now(ZONE).date()
    days_off = next_weekdays(today, 2)  # the region's own: the next two weekdays
    national = holidays.Indonesia(years=(today.year, today.year + 1), categories=("public", "government"))
    expected = next(d for d in next_weekdays(days_off[-1], 30) if d not in national)
    entry = {"code": CODE, "name": "Kabupaten Percontohan", "province": "Banten", "domain": "contohkab.go.id",
             "modules": ["aspirasi", "prices", "news"],
             "brand": {"name": "Percontohan Melayani", "short_name": "Melayani", "theme_color": "#8a1538"},
             "senders": {"mail_from": "laksa@contohkab.go.id", "sms_sender": "CONTOHKAB"},
             "days_off": [{"date": d.isoformat(), "name": "Libur daerah"} for d in days_off],
             "categories": [{"code": "tambang-liar", "name": "Tambang liar", "opd": "Dinas Lingkungan Hidup",
                             "sla": {"follow_up_days": 1}}]}
    operator = token("platform_operator", "36.71")
    url = platform.url
    bad = requests.post(f"{url}/api/v1/admin/regions", headers=operator, timeout=15,
                        json={**entry, "brand": {"theme_color": "merah"}, "working_days": [0]})
    assert bad.status_code == 400
    named = set(bad.json()["error"]["details"]["fields"])  # every bad field at once
    assert "brand.theme_color" in named and any(n.startswith("working_days") for n in named), named
    assert requests.get(f"{url}/api/v1/regions/{CODE}", timeout=5).status_code == 404  # nothing stored
    created = requests.post(f"{url}/api/v1/admin/regions", json=entry, headers=operator, timeout=30)
    assert created.status_code == 201, created.text
    try:
        shown = requests.get(f"{url}/api/v1/regions/{CODE}", timeout=5).json()
        assert shown["modules"] == ["aspirasi", "prices", "news"] and shown["timezone"] == "Asia/Jakarta"
        assert shown["brand"]["name"] == "Percontohan Melayani"
        _pages(url)
        number = _ticket_due(url, token, expected)
        mails = until("the region's mail", lambda: [
            m for m in (message_from_bytes(bytes(x), policy=policy.default) for x in platform.mail.messages())
            if number in str(m["Subject"])])
        assert all(m["From"].addresses[0].addr_spec == "laksa@contohkab.go.id" for m in mails)
        assert mails[0]["From"].addresses[0].display_name == "Percontohan Melayani"
    finally:
        requests.delete(f"{url}/api/v1/admin/regions/{CODE}?purge=true", headers=operator, timeout=30)


def _pages(url):
    beranda = requests.get(f"{url}/r/{CODE}/", timeout=10)
    assert beranda.status_code == 200
    assert "Percontohan Melayani" in beranda.text and "#8a1538" in beranda.text
    assert f'href="/r/{CODE}/loker"' not in beranda.text and f'href="/r/{CODE}/harga"' in beranda.text
    assert 'id="bagian-vacancies"' not in beranda.text
    loker = requests.get(f"{url}/r/{CODE}/loker", timeout=10)
    assert loker.status_code == 404 and 'lang="id"' in loker.text
    assert "Layanan ini tidak tersedia di Kabupaten Percontohan" in loker.text
    assert "Percontohan Melayani" in loker.text  # the 404 page is in the region's brand too
    assert requests.get(f"{url}/api/v1/regions/{CODE}/vacancies", timeout=10).status_code == 404
    manifest = requests.get(f"{url}/r/{CODE}/manifest.webmanifest", timeout=10).json()
    assert (manifest["short_name"], manifest["theme_color"]) == ("Melayani", "#8a1538")
    # another region keeps every module
    assert 'href="/r/36.71/loker"' in requests.get(f"{url}/r/36.71/", timeout=10).text


def _ticket_due(url, token, expected):
    categories = requests.get(f"{url}/api/v1/regions/{CODE}/aspirasi/categories", timeout=10).json()["items"]
    sla = {c["code"]: c["sla"] for c in categories}["tambang-liar"]
    assert sla == {"verify_days": 3, "follow_up_days": 1}
    email = f"warga.{uuid.uuid4().hex[:6]}@contoh.id"
    made = requests.post(f"{url}/api/v1/regions/{CODE}/aspirasi", timeout=10, json={
        "category": "tambang-liar", "description": "Galian pasir tanpa izin di tepi sungai",
        "location": {"lat": -6.30, "long": 106.10}, "reporter": {"name": "Siti", "email": email}},
        headers={"X-Forwarded-For": f"198.51.100.{uuid.uuid4().int % 200 + 1}"})
    assert made.status_code == 201, made.text
    number = made.json()["number"]
    for action in ("verify", "dispatch"):
        moved = requests.post(f"{url}/api/v1/aspirasi/{number}/transitions", timeout=10,
                              headers=token("region_admin", CODE), json={"action": action})
        assert moved.status_code == 200, moved.text
    ticket = requests.get(f"{url}/api/v1/aspirasi/{number}", timeout=10).json()
    due = datetime.fromisoformat(ticket["opd_due_at"]).astimezone(ZONE)
    assert due.date() == expected, (ticket["opd_due_at"], expected)
    assert re.match(r"^[0-9]{4}-", ticket["opd_due_at"])
    return number
