"""Officers' flows in headless Chromium with JavaScript off, then axe-core over every console page.

Run by tests/console/test_console_browser.py as
`python -m tests.console.browser_flows BASE_URL DATA_JSON` (a process of its own, free of
eventlet's patches, as tests/pages/browser_flows.py explains). DATA_JSON names the accounts
the test made ({"admin": [username, password], "dlh": [...], "operator": [...]}).
Every page a flow loads is recorded: its size, and any request that left the gateway.
Prints one JSON line: {flow name: null, or the failure's traceback}.
"""
import json
import re
import sys
import traceback
from urllib.parse import urlsplit

from playwright.sync_api import expect, sync_playwright

from tests.pages.browser_flows import ARGS, AXE, AXE_RUN, CHROMIUM, WCAG_AA

LAPTOP = {"width": 1366, "height": 768}  # a cheap office laptop
MAX_PAGE = 100_000
FLOWS = {}
SEEN = {}  # console path -> bytes


def flow(fn):
    FLOWS[fn.__name__] = fn
    return fn


def sign_in(page, base, account, target="/petugas/"):
    page.goto(f"{base}/petugas/masuk?next={target}")
    page.fill("#isian-username", account[0])
    page.fill("#isian-password", account[1])
    page.click("button:has-text('Masuk')")
    expect(page).to_have_url(re.compile(re.escape(base + target)))


def sign_out(page):
    page.click("header >> button:has-text('Keluar')")
    expect(page.locator("h1")).to_have_text("Masuk konsol petugas")


@flow
def opd_officer_resolves_a_citizens_report(page, base, data):
    page.goto(f"{base}/r/36.71/lapor")
    page.select_option("#isian-category", "sampah")
    page.fill("#isian-description", "Tumpukan sampah di pinggir Jl. Daan Mogot belum diangkut seminggu.")
    page.fill("#isian-address", "Jl. Daan Mogot No. 12, Tangerang")
    page.check("input[name=anonymous]")
    page.click("button:has-text('Kirim laporan')")
    expect(page).to_have_url(re.compile(r"/lacak/LAKSA-3671-\d{4}-\d{6}(\?|$)"))
    number = re.search(r"LAKSA-3671-\d{4}-\d{6}", page.url).group(0)
    data["number"] = number

    sign_in(page, base, data["admin"], "/petugas/laksa")
    page.click(f"text={number}")
    page.fill("#aksi-catatan-verify", "Lokasi dan foto jelas.")
    page.click("button:has-text('Verifikasi')")
    expect(page.locator(".pesan")).to_contain_text("berhasil")
    page.select_option("#aksi-opd", "Dinas Lingkungan Hidup")
    page.click("button:has-text('Teruskan ke OPD')")
    expect(page.locator(".status")).to_have_text("Diteruskan ke dinas terkait")
    sign_out(page)

    sign_in(page, base, data["dlh"], "/petugas/laksa")
    page.click(f"text={number}")
    page.click("button:has-text('Mulai kerjakan')")
    expect(page.locator(".status")).to_have_text("Sedang dikerjakan")
    page.fill("#aksi-catatan-resolve", "Sampah sudah diangkut truk DLH pagi ini.")
    page.click("button:has-text('Selesaikan')")
    expect(page.locator(".status")).to_have_text("Selesai")
    expect(page.locator("#judul-riwayat + table")).to_contain_text("Sampah sudah diangkut truk DLH pagi ini.")
    sign_out(page)

    page.goto(f"{base}/lacak/{number}")
    expect(page.locator("#status")).to_have_text("Selesai")
    expect(page.locator("#riwayat")).to_contain_text("Sampah sudah diangkut truk DLH pagi ini.")


@flow
def region_admin_issues_an_open311_key_that_works(page, base, data):
    sign_in(page, base, data["admin"], "/petugas/wilayah")
    page.fill("#kunci-label", "Aplikasi RW Siaga")
    page.click("button:has-text('Buat kunci API')")
    key = page.locator("#kunci-baru").input_value()
    assert len(key) >= 20, key
    answer = page.request.post(f"{base}/open311/v2/requests.json", form={
        "jurisdiction_id": "36.71", "api_key": key, "service_code": "penerangan-jalan", "lat": "-6.17",
        "long": "106.63", "description": "Lampu jalan mati di gang RW 05.", "email": "rw05@contoh.id"})
    assert answer.status == 201, answer.text()
    assert answer.json()[0]["service_request_id"].startswith("LAKSA-3671-")
    page.goto(f"{base}/petugas/wilayah")
    expect(page.locator("#judul-kunci + table")).to_contain_text("Aplikasi RW Siaga")
    page.goto(f"{base}/petugas/kinerja")
    csv_link = page.locator("a:has-text('Unduh CSV')")
    expect(csv_link).to_have_attribute("href", re.compile(r"kinerja\.csv\?month="))
    page.goto(f"{base}/petugas/platform")
    expect(page.locator("h1")).to_have_text("Tidak diizinkan")


@flow
def operator_sees_regions_and_dead_letters(page, base, data):
    sign_in(page, base, data["operator"], "/petugas/platform")
    expect(page.locator("#judul-wilayah + table")).to_contain_text("Kota Tangerang")
    expect(page.get_by_role("heading", name="Antrean surat mati (dead letters)")).to_be_visible()
    page.goto(f"{base}/petugas/kinerja")
    expect(page.locator("table")).to_contain_text("36.71")


def accessibility(browser, base, data):
    """axe-core on every console page of the flows, as the role that uses it, and each page's
    size; JavaScript on only for axe itself (CSP bypassed: the pages allow no scripts)."""
    source = AXE.read_text()
    problems = {}
    pages_by_role = {"admin": ["/petugas/", "/petugas/laksa", f"/petugas/laksa/{data['number']}",
                               "/petugas/wilayah", "/petugas/kinerja"],
                     "operator": ["/petugas/platform", "/petugas/kinerja"]}
    for role, paths in pages_by_role.items():
        context = browser.new_context(bypass_csp=True, viewport=LAPTOP, locale="id-ID",
                                      extra_http_headers={"X-Forwarded-For": "198.51.100.241"})
        page = context.new_page()
        if role == "admin":  # the sign-in page too, before signing in
            page.goto(f"{base}/petugas/masuk")
            page.evaluate(source)
            found = page.evaluate(AXE_RUN, WCAG_AA)
            if found:
                problems["/petugas/masuk"] = found
        sign_in(page, base, data[role])
        for path in paths:
            page.goto(base + path)
            SEEN[path] = len(context.request.get(base + path).body())
            page.evaluate(source)
            found = page.evaluate(AXE_RUN, WCAG_AA)
            if found:
                problems[path] = found
        context.close()
    assert not problems, json.dumps(problems, indent=1)


def run(base, data, names, flows, accessibility_pass, seen, client):
    """Each flow in its own browser context (JavaScript off, a laptop's screen), then the
    accessibility pass; prints one JSON line of results for the test that started us."""
    results = {}
    origin = urlsplit(base).netloc
    external = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name in names:
            context = browser.new_context(java_script_enabled=False, viewport=LAPTOP, locale="id-ID",
                                          extra_http_headers={"X-Forwarded-For": client})
            context.set_default_timeout(10_000)
            page = context.new_page()
            page.on("request", lambda r: urlsplit(r.url).netloc != origin and external.append(r.url))
            try:
                flows[name](page, base, data)
                results[name] = None
            except Exception:  # noqa: BLE001 - reported to the test, which fails with it
                results[name] = traceback.format_exc()
            finally:
                context.close()
        try:
            accessibility_pass(browser, base, data)
            results["accessibility"] = None
        except Exception:  # noqa: BLE001
            results["accessibility"] = traceback.format_exc()
        browser.close()
    results["page_sizes"] = None if seen and max(seen.values()) < MAX_PAGE else f"sizes: {seen}"
    results["no_external_requests"] = None if not external else f"left the gateway: {external}"
    print(json.dumps({"results": results, "sizes": seen}))


if __name__ == "__main__":
    run(sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:] or list(FLOWS), FLOWS, accessibility, SEEN,
        client="198.51.100.242")
