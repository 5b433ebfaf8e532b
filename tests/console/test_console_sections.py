"""The console's LAKSA, region admin, kinerja and operator sections over plain HTTP."""
import json
import re
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pika
import requests

from tests.console.conftest import csrf_of

DLH = "Dinas Lingkungan Hidup"
PUPR = "Dinas Pekerjaan Umum dan Penataan Ruang"


def submit(url, region="36.71", category="sampah", lat=-6.1781, nik=None):
    reporter = {"name": "Budi Santoso", "phone": "0812 3456 7890", **({"nik": nik} if nik else {})}
    response = requests.post(f"{url}/api/v1/regions/{region}/aspirasi", timeout=10, headers={
        "X-Forwarded-For": f"198.18.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"}, json={
        "category": category, "description": "Sampah menumpuk di pinggir jalan.", "reporter": reporter,
        "location": {"lat": lat, "long": 106.6319, "address": "Jl. Daan Mogot"}})
    assert response.status_code == 201, response.text
    return response.json()["number"]


def stored(platform, number):
    return platform.db("aspirasi").tickets.find_one({"_id": number})


def page(http, url, status=200):
    response = http.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == status, response.text[:2000]
    assert len(response.content) < 100_000
    return response.text


def act(http, url, number, action, **fields):
    ticket = page(http, f"{url}/petugas/laksa/{number}")
    version = re.search(rf'action="/petugas/laksa/{number}/{action}">.*?name="version" value="(\d+)"',
                        ticket, re.S)
    assert version, f"no {action} form on the ticket page"
    data = {"csrf": csrf_of(ticket), "version": version.group(1), **fields}
    return http.post(f"{url}/petugas/laksa/{number}/{action}", data=data, timeout=10)


def test_queue_is_scoped_to_the_region_and_the_opd(platform, accounts):
    url = platform.url
    mine, other_opd = submit(url, category="sampah"), submit(url, category="jalan-rusak")
    elsewhere = submit(url, region="36.03")
    admin, _ = accounts.session("region_admin")
    dlh, _ = accounts.session("opd_officer", opd=DLH)
    outsider, _ = accounts.session("region_admin", region="36.03")
    queue = page(admin, f"{url}/petugas/laksa")
    assert mine in queue and other_opd in queue and elsewhere not in queue
    assert re.search(r"<strong>\d+</strong> Terkirim", queue)  # counts per status
    own = page(dlh, f"{url}/petugas/laksa?status=submitted")  # its default: what was dispatched to it
    assert mine in own and other_opd not in own
    assert mine not in page(dlh, f"{url}/petugas/laksa")  # not yet verified and dispatched
    assert other_opd not in page(dlh, f"{url}/petugas/laksa?opd=" + PUPR.replace(" ", "+"), 403)
    page(dlh, f"{url}/petugas/laksa/{other_opd}", 403)
    foreign = page(outsider, f"{url}/petugas/laksa")
    assert mine not in foreign and other_opd not in foreign and elsewhere in foreign
    page(outsider, f"{url}/petugas/laksa/{mine}", 403)
    assert "Budi" not in page(outsider, f"{url}/petugas/kinerja")


def test_ticket_page_shows_contact_flag_duplicates_and_the_allowed_actions(platform, accounts):
    url = platform.url
    first = submit(url, lat=-6.2001)
    second = submit(url, lat=-6.20012, nik="3201011405980001")  # a NIK of Kab. Bogor, ~2 m away
    admin, _ = accounts.session("region_admin")
    ticket = page(admin, f"{url}/petugas/laksa/{second}")
    assert "0812 3456 7890" in ticket and "NIK dari luar daerah" in ticket
    assert first in ticket and re.search(r"\d+ m dari lokasi ini", ticket)
    for action in ("verify", "reject", "mark_duplicate"):
        assert f"/petugas/laksa/{second}/{action}" in ticket
    assert f"/petugas/laksa/{second}/resolve" not in ticket


def test_actions_need_the_token_and_the_current_version(platform, accounts):
    url = platform.url
    number = submit(url)
    admin, _ = accounts.session("region_admin")
    ticket = page(admin, f"{url}/petugas/laksa/{number}")
    refused = admin.post(f"{url}/petugas/laksa/{number}/verify", data={"version": "1"}, timeout=10)
    assert refused.status_code == 403 and stored(platform, number)["status"] == "submitted"
    stale = admin.post(f"{url}/petugas/laksa/{number}/verify", data={"csrf": csrf_of(ticket), "version": "7"},
                       timeout=10)
    assert "baru saja diubah oleh petugas lain" in stale.text
    assert stored(platform, number)["status"] == "submitted"
    assert act(admin, url, number, "verify", note="Lokasi jelas").status_code == 200
    dispatched = act(admin, url, number, "dispatch", opd=PUPR)
    assert "berhasil" in dispatched.text
    assert stored(platform, number)["status"] == "dispatched" and stored(platform, number)["opd"] == PUPR
    again = admin.post(f"{url}/petugas/laksa/{number}/dispatch",
                       data={"csrf": csrf_of(ticket), "version": "2", "opd": DLH}, timeout=10)
    assert "baru saja diubah" in again.text and stored(platform, number)["opd"] == PUPR


def test_region_admin_issues_a_key_that_works_and_revokes_it(platform, accounts):
    url = platform.url
    admin, _ = accounts.session("region_admin")
    region = page(admin, f"{url}/petugas/wilayah")
    issued = admin.post(f"{url}/petugas/wilayah/kunci", timeout=10,
                        data={"csrf": csrf_of(region), "label": "Aplikasi RT"})
    assert issued.status_code == 201
    key = re.search(r'id="kunci-baru" readonly value="([^"]+)"', issued.text).group(1)
    form = {"jurisdiction_id": "36.71", "api_key": key, "service_code": "sampah", "lat": "-6.17",
            "long": "106.63", "description": "Sampah di selokan.", "email": "warga@contoh.id"}
    assert requests.post(f"{url}/open311/v2/requests.json", data=form, timeout=10).status_code == 201
    key_id = re.search(r'/petugas/wilayah/kunci/([0-9a-f]{12})/cabut', issued.text).group(1)
    assert "Aplikasi RT" in page(admin, f"{url}/petugas/wilayah")
    admin.post(f"{url}/petugas/wilayah/kunci/{key_id}/cabut", data={"csrf": csrf_of(region)}, timeout=10)
    assert requests.post(f"{url}/open311/v2/requests.json", data=form, timeout=10).status_code == 403


def test_region_admin_retires_a_category_that_then_is_offered_nowhere(platform, accounts):
    url = platform.url
    admin, _ = accounts.session("region_admin")
    token = csrf_of(page(admin, f"{url}/petugas/wilayah"))
    code = f"uji-{uuid.uuid4().hex[:8]}"
    admin.post(f"{url}/petugas/wilayah/kategori", timeout=10, data={
        "csrf": token, "code": code, "name": "Kategori uji", "opd": DLH})
    assert f'value="{code}"' in page(requests, f"{url}/r/36.71/lapor")
    region = page(admin, f"{url}/petugas/wilayah")
    assert f'action="/petugas/wilayah/kategori/{code}/pensiunkan"' in region
    done = admin.post(f"{url}/petugas/wilayah/kategori/{code}/pensiunkan", data={"csrf": token},
                      allow_redirects=False, timeout=10)
    assert done.status_code == 303 and "dipensiunkan" in page(admin, url + done.headers["Location"])
    assert f'value="{code}"' not in page(requests, f"{url}/r/36.71/lapor")
    services = requests.get(f"{url}/open311/v2/services.json?jurisdiction_id=36.71", timeout=10).json()
    assert code not in {s["service_code"] for s in services} and len(services) >= 8
    assert code not in {c["code"] for c in requests.get(
        f"{url}/api/v1/regions/36.71/aspirasi/categories", timeout=10).json()["items"]}
    again = admin.post(f"{url}/petugas/wilayah/kategori/{code}/pensiunkan", data={"csrf": token},
                       allow_redirects=False, timeout=10)
    assert "galat=" in again.headers["Location"]


def test_region_admin_routes_a_category_and_manages_accounts(platform, accounts):
    url = platform.url
    admin, _ = accounts.session("region_admin")
    token = csrf_of(page(admin, f"{url}/petugas/wilayah"))
    admin.post(f"{url}/petugas/wilayah/kategori", timeout=10, data={
        "csrf": token, "code": "pohon-tumbang", "name": "Pohon tumbang", "opd": "Dinas Perhubungan"})
    categories = requests.get(f"{url}/api/v1/regions/36.71/aspirasi/categories", timeout=10).json()["items"]
    assert {"code": "pohon-tumbang", "name": "Pohon tumbang", "opd": "Dinas Perhubungan"} in [
        {k: c[k] for k in ("code", "name", "opd")} for c in categories]
    username = f"dlh.{uuid.uuid4().hex[:6]}"
    created = admin.post(f"{url}/petugas/wilayah/akun", timeout=10, data={
        "csrf": token, "username": username, "password": "sandi-awal-123", "role": "opd_officer", "opd": DLH})
    assert f"Akun {username} dibuat." in created.text
    officer = accounts.signed_in(username, "sandi-awal-123")
    assert "Antrean LAKSA" in page(officer, f"{url}/petugas/")
    admin.post(f"{url}/petugas/wilayah/akun/{username}/nonaktifkan", data={"csrf": token}, timeout=10)
    assert page(officer, f"{url}/petugas/", 303)
    assert accounts.repo.get(username)["disabled"]
    escalate = admin.post(f"{url}/petugas/wilayah/akun", timeout=10, data={
        "csrf": token, "username": f"x{username}", "password": "sandi-awal-123", "role": "region_admin"})
    assert "Pilih peran dari daftar." in escalate.text
    assert accounts.repo.db.accounts.find_one({"_id": f"x{username}"}) is None


def test_kinerja_per_opd_and_officer_with_csv(platform, accounts):
    url = platform.url
    number = submit(url)
    admin, admin_name = accounts.session("region_admin")
    act(admin, url, number, "verify")
    month = datetime.now(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m")
    report = page(admin, f"{url}/petugas/kinerja?month={month}")
    assert DLH in report and admin_name in report
    exported = admin.get(f"{url}/petugas/kinerja.csv?month={month}", timeout=10)
    assert exported.headers["Content-Type"].startswith("text/csv")
    rows = [line.split(",") for line in exported.text.strip().splitlines()]
    assert rows[0][:4] == ["bulan", "kelompok", "nama", "received"]
    assert rows[0][7:9] == ["median_working_days_to_verify", "median_working_days_to_resolve"]
    officer_row = next(r for r in rows if r[2] == admin_name)
    assert officer_row[1] == "petugas" and officer_row[3] == "1"
    assert float(officer_row[7]) < 0.01 and officer_row[8] == ""  # verified at once, nothing resolved
    assert "hari kerja</td>" in report
    assert "Bulan tidak valid" in page(admin, f"{url}/petugas/kinerja?month=2026-13", 400)
    operator, _ = accounts.session("platform_operator")
    regions = page(operator, f"{url}/petugas/kinerja?month={month}")
    assert "36.03" in regions and "36.71" in regions


def test_region_admin_changes_the_regions_subscriptions(platform, accounts, monkeypatch):
    from services.platform import partners
    monkeypatch.setenv("PLATFORM_DB", platform.env["PLATFORM_DB"])  # read the platform's registry
    admin, _ = accounts.session("region_admin", region="36.03")
    token = csrf_of(page(admin, f"{platform.url}/petugas/wilayah"))
    bad = admin.post(f"{platform.url}/petugas/wilayah/langganan", timeout=10,
                     data={"csrf": token, "subscriptions": "harga naik: semua"})
    assert "Langganan belum disimpan" in bad.text
    before = partners.subscriptions_for("36.03")
    wanted = "prices.price_alert_raised: province\nnews.article_published: host, 36.02"
    try:
        admin.post(f"{platform.url}/petugas/wilayah/langganan", timeout=10,
                   data={"csrf": token, "subscriptions": wanted})
        after = partners.subscriptions_for("36.03")
        assert after != before and {"topic": "news.article_published", "from": ["host", "36.02"]} in after
        assert "news.article_published: host, 36.02" in page(admin, f"{platform.url}/petugas/wilayah")
    finally:  # other tests read the region's defaults
        original = "\n".join(f"{s['topic']}: {', '.join(s['from'])}" for s in before)
        admin.post(f"{platform.url}/petugas/wilayah/langganan", timeout=10,
                   data={"csrf": token, "subscriptions": original})
        assert partners.subscriptions_for("36.03") == before


def test_operator_sees_regions_backlog_and_replays_a_dead_letter(platform, accounts):
    queue = f"console-test-{uuid.uuid4().hex[:6]}.handler"
    params = pika.URLParameters(platform.env["AMQP_URI"])
    with pika.BlockingConnection(params) as connection:
        channel = connection.channel()
        for name in (queue, f"{queue}.dead"):
            channel.queue_declare(name, durable=True)
        channel.basic_publish("", f"{queue}.dead", json.dumps({
            "event_id": "ev-123", "event_type": "aspirasi_submitted", "region": "36.71"}).encode(),
            pika.BasicProperties(delivery_mode=2, headers={"x-tl-error": "KeyError: 'opd'"}))
    operator, _ = accounts.session("platform_operator")
    view = page(operator, f"{platform.url}/petugas/platform")
    assert "36.02" in view and queue in view
    letters = page(operator, f"{platform.url}/petugas/platform/surat-mati/{queue}")
    assert "ev-123" in letters and "KeyError: &#39;opd&#39;" in letters
    replayed = operator.post(f"{platform.url}/petugas/platform/surat-mati/{queue}/ulang", timeout=10,
                             data={"csrf": csrf_of(letters), "event_id": "ev-123"})
    assert "1 event diputar ulang" in replayed.text
    with pika.BlockingConnection(params) as connection:
        channel = connection.channel()
        _, _, body = channel.basic_get(queue, auto_ack=True)
        assert json.loads(body)["event_id"] == "ev-123"
        assert channel.queue_declare(f"{queue}.dead", passive=True).method.message_count == 0
        for name in (queue, f"{queue}.dead"):
            channel.queue_delete(name)
    admin, _ = accounts.session("region_admin")
    page(admin, f"{platform.url}/petugas/platform", 403)


def test_onboarding_a_region_with_a_bad_code_names_it_and_registers_nothing(platform, accounts):
    operator, _ = accounts.session("platform_operator")
    token = csrf_of(page(operator, f"{platform.url}/petugas/platform"))
    refused = operator.post(f"{platform.url}/petugas/platform/wilayah", timeout=10, data={
        "csrf": token, "code": "3605", "name": "Kab. Tangerang", "province": "Banten"})
    assert refused.status_code == 400 and "Kode wilayah" in refused.text
    assert "3605" not in [r["code"] for r in requests.get(f"{platform.url}/api/v1/regions", timeout=10)
                          .json()["items"]]
