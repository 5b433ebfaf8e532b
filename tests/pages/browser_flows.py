"""Citizen flows in headless Chromium, with JavaScript switched off (the pages must not need it),
except the offline flows, which test the one progressive script and its service worker.

Run by tests/pages/test_browser.py as `python -m tests.pages.browser_flows BASE_URL DATA_JSON`,
in a process of its own: the test process is monkey-patched by eventlet (tests/conftest.py),
under which Playwright's asyncio driver stalls. One browser serves every flow; each flow
gets a fresh context. Prints one JSON line: {flow name: null, or the failure's traceback}.
"""
import json
import re
import sys
import time
import traceback
from urllib.parse import unquote_plus

from playwright.sync_api import expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 360, "height": 740}  # a cheap Android phone's viewport
FLOWS = {}
WITH_JAVASCRIPT = set()


def flow(fn):
    FLOWS[fn.__name__] = fn
    return fn


def javascript_flow(fn):
    WITH_JAVASCRIPT.add(fn.__name__)
    return flow(fn)


def fill_report(page, description):
    page.select_option("#isian-category", index=1)
    page.fill("#isian-description", description)
    page.fill("#isian-address", "Jl. Perintis Kemerdekaan No. 1, Babakan")
    page.check("input[name=anonymous]")


@flow
def lapor_then_lacak(page, base, data):
    page.goto(f"{base}/r/36.71/")
    page.click("text=Buat laporan")
    expect(page).to_have_url(f"{base}/r/36.71/lapor")
    fill_report(page, "Saluran air tersumbat di depan sekolah sejak hujan kemarin.")
    page.click("button:has-text('Kirim laporan')")
    expect(page).to_have_url(re.compile(r"/lacak/LAKSA-3671-\d{4}-\d{6}$"))
    expect(page.locator("#status")).to_have_text("Terkirim")
    number = page.url.rsplit("/", 1)[1]
    # track it from the lacak form, as a citizen with the number on paper would
    page.click("nav.menu >> text=Lacak")
    page.fill("#isian-number", number.lower())
    page.click("button:has-text('Lacak')")
    expect(page).to_have_url(f"{base}/lacak/{number}")
    expect(page.locator("h1")).to_have_text(f"Tiket {number}")
    expect(page.locator("#riwayat li")).to_have_count(1)
    expect(page.locator("#riwayat")).to_contain_text("Terkirim")


@flow
def lapor_error_in_indonesian(page, base, data):
    page.goto(f"{base}/r/36.71/lapor")
    fill_report(page, "")
    page.click("button:has-text('Kirim laporan')")
    expect(page).to_have_url(f"{base}/r/36.71/lapor")
    expect(page.locator(".ringkasan-galat")).to_contain_text("Laporan belum terkirim")
    expect(page.locator("#galat-description")).to_have_text("Wajib diisi.")
    expect(page.locator("#isian-description")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#isian-address")).to_have_value("Jl. Perintis Kemerdekaan No. 1, Babakan")
    # fixed and sent again: it goes through
    page.fill("#isian-description", "Trotoar rusak dan berlubang.")
    page.click("button:has-text('Kirim laporan')")
    expect(page.locator("#status")).to_have_text("Terkirim")


@flow
def beranda_and_region_switcher(page, base, data):
    page.goto(f"{base}/")
    expect(page).to_have_url(f"{base}/r/36.71/")
    for heading in ("Berita terbaru", "Lowongan kerja", "Aspirasi warga (LAKSA)"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator("section .segar").first).to_contain_text("Diperbarui")
    expect(page.locator("#bagian-news")).to_contain_text("Pasar murah di Alun-alun Ahmad Yani")
    expect(page.locator("#bagian-vacancies")).to_contain_text("Operator Mesin Bubut")
    page.click("text=Ganti wilayah")
    page.click("details.ganti >> text=Kota Bandung")
    expect(page).to_have_url(f"{base}/r/32.73/")
    expect(page.locator("header .wilayah")).to_contain_text("Kota Bandung")
    # the switcher keeps the page one is on
    page.click("nav.menu >> text=Loker")
    page.click("text=Ganti wilayah")
    page.click("details.ganti >> text=Kota Tangerang Selatan")
    expect(page).to_have_url(f"{base}/r/36.74/loker")


@flow
def harga_loker_berita(page, base, data):
    if data["prices"]:
        page.goto(f"{base}/r/36.71/harga")
        page.select_option("#isian-market", "pasar-anyar")
        page.click("button:has-text('Tampilkan')")
        expect(page).to_have_url(f"{base}/r/36.71/harga?market=pasar-anyar")
        rice = page.locator("#papan-harga tr", has_text="Beras medium")
        expect(rice).to_contain_text("Rp 13.500/kg")
        expect(rice).to_contain_text("\u25b2 3,9%")
        expect(page.locator("#papan-harga tr", has_text="Cabai rawit merah")).to_contain_text("\u25bc 8,3%")
    page.goto(f"{base}/r/36.71/loker")
    page.fill("#isian-q", "bubut")
    page.select_option("#isian-employment_type", "FULL_TIME")
    page.click("button:has-text('Cari')")
    page.click("#daftar-loker >> text=Operator Mesin Bubut")
    expect(page).to_have_url(f"{base}/loker/{data['vacancy_id']}")
    expect(page.locator("script[type='application/ld+json']")).to_have_count(1)
    page.goto(f"{base}/r/36.71/berita")
    page.select_option("#isian-category", "ekonomi")
    page.click("button:has-text('Tampilkan')")
    expect(page.locator("#daftar-berita")).not_to_contain_text("Vaksinasi gratis")
    page.click("#daftar-berita >> text=Pasar murah di Alun-alun Ahmad Yani")
    expect(page.locator(".isi-berita strong")).to_have_text("Sabtu pagi")
    expect(page.locator(".isi-berita script")).to_have_count(0)


def until(check, what, seconds=15):
    # page.wait_for_function evaluates strings, which the pages' CSP (rightly) forbids.
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@javascript_flow
def lapor_offline_kept_then_sent_once(page, base, data):
    """No signal: the kept lapor page takes the report, keeps it, says it waits; the signal
    returns: it is sent once (a resend with its key makes no second ticket), the ticket shows."""
    page.goto(f"{base}/r/36.71/lapor")
    until(lambda: page.evaluate("navigator.serviceWorker.controller !== null"), "the service worker")
    page.context.set_offline(True)
    page.goto(f"{base}/r/36.71/lapor")  # from the service worker's cache
    marker = f"Got mampet di gang {time.time_ns()}, air meluap ke jalan."
    fill_report(page, marker)
    page.click("button:has-text('Kirim laporan')")
    expect(page.locator("#menunggu-sinyal")).to_have_text("Menunggu sinyal, laporan akan dikirim otomatis.")
    [kept] = page.evaluate("JSON.parse(localStorage.getItem('tl-pending-reports'))")
    assert marker in unquote_plus(kept["body"])
    page.context.set_offline(False)
    expect(page).to_have_url(re.compile(r"/lacak/LAKSA-3671-\d{4}-\d{6}$"), timeout=15_000)
    expect(page.locator("#status")).to_have_text("Terkirim")
    assert page.evaluate("localStorage.getItem('tl-pending-reports')") == "[]"
    number = page.url.rsplit("/", 1)[1]
    # the same report sent again with its key (a lost answer, a double tap): the same ticket
    again = page.request.post(kept["action"], data=kept["body"], max_redirects=0, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": kept["key"]})
    assert again.status == 303 and again.headers["location"].endswith(f"/lacak/{number}"), again.status
    listed = page.request.get(f"{base}/api/v1/regions/36.71/aspirasi?limit=100").json()["items"]
    assert [t["number"] for t in listed if t["description"] == marker] == [number]
    # with signal, the script sends at once, under a new key: a new ticket
    page.goto(f"{base}/r/36.71/lapor")
    fill_report(page, f"Lampu taman mati {time.time_ns()}.")
    page.click("button:has-text('Kirim laporan')")
    expect(page).to_have_url(re.compile(r"/lacak/LAKSA-3671-\d{4}-\d{6}$"))
    assert page.url.rsplit("/", 1)[1] != number


def main(base, data, names):
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name in names:
            context = browser.new_context(java_script_enabled=name in WITH_JAVASCRIPT, viewport=PHONE,
                                          locale="id-ID",
                                          extra_http_headers={"X-Forwarded-For": "198.51.100.240"})
            context.set_default_timeout(10_000)
            try:
                FLOWS[name](context.new_page(), base, data)
                results[name] = None
            except Exception:  # noqa: BLE001 - reported to the test, which fails with it
                results[name] = traceback.format_exc()
            finally:
                context.close()
        browser.close()
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:] or list(FLOWS))
