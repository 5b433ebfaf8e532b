"""The console home per role: the counts of what waits for the officer (aspirasi's
officer_home_counts) move with the tickets, agree with the queue the count links to, and
an OPD officer's default queue holds what was dispatched to their OPD, not the region
admin's reports still waiting to be verified."""
import re
import time

from tests.console.test_console_sections import act, page, stored, submit

REGION = "36.74"  # a region of its own: the other console tests file theirs in 36.71
DLH = "Dinas Lingkungan Hidup"
COUNTS = ("menunggu", "lewat", "hari-ini", "baru")


def counts(http, url):
    home = page(http, f"{url}/petugas/")
    found = {name: re.search(rf'id="hitung-{name}"[^>]*><strong>(\d+)</strong>', home) for name in COUNTS}
    assert all(found.values()), home[:3000]
    return {name: int(match.group(1)) for name, match in found.items()}


def queue_numbers(http, url, query=""):
    listing = page(http, f"{url}/petugas/laksa{query}")
    rows = re.findall(r'<tr( class="lewat")?>\s*<td><a href="/petugas/laksa/([A-Z0-9-]+)">', listing)
    return {number: bool(late) for late, number in rows}


def test_home_counts_follow_the_tickets_and_the_opd_queue_defaults_to_its_own(platform, accounts):
    url = platform.url
    admin, _ = accounts.session("region_admin", region=REGION)
    dlh, _ = accounts.session("opd_officer", region=REGION, opd=DLH)
    admin_before, dlh_before = counts(admin, url), counts(dlh, url)
    sent, kept = submit(url, region=REGION), submit(url, region=REGION)
    after_submit = counts(admin, url)
    assert after_submit["menunggu"] == admin_before["menunggu"] + 2
    assert after_submit["baru"] == admin_before["baru"] + 2
    assert counts(dlh, url) == dlh_before  # not dispatched: nothing waits for the OPD yet

    assert act(admin, url, sent, "verify").status_code == 200
    assert act(admin, url, sent, "dispatch", opd=DLH).status_code == 200
    assert counts(admin, url)["menunggu"] == after_submit["menunggu"] - 1
    dispatched = counts(dlh, url)
    assert dispatched["menunggu"] == dlh_before["menunggu"] + 1
    assert dispatched["baru"] == dlh_before["baru"] + 1
    assert dispatched["lewat"] == dlh_before["lewat"]

    queue = queue_numbers(dlh, url)
    assert sent in queue and kept not in queue  # `kept` is DLH's category but still the admin's
    assert kept in queue_numbers(dlh, url, "?status=submitted")  # still reachable by its filter

    # The OPD's clock runs out: the home counts it overdue, as the queue marks it.
    # (`$currentDate`: the store's own clock writes its own date type; a datetime written
    # from this eventlet-patched process comes back as text)
    platform.db("aspirasi").tickets.update_one({"_id": sent}, {"$currentDate": {"opd_due_at": True}})
    time.sleep(0.05)
    late = counts(dlh, url)
    assert late["lewat"] == dispatched["lewat"] + 1
    assert late["lewat"] == sum(queue_numbers(dlh, url).values())
    assert stored(platform, sent)["status"] == "dispatched"


def test_roles_without_laksa_get_a_home_without_counts(platform, accounts):
    for role in ("editor", "price_clerk", "disnaker_officer", "platform_operator"):
        http, _ = accounts.session(role, region=REGION if role != "platform_operator" else "36.71")
        home = page(http, f"{platform.url}/petugas/")
        assert "Bagian untuk Anda" in home and 'id="hitung-menunggu"' not in home
