"""Citizen flows in headless Chromium, with JavaScript switched off (the pages must not need it),
except the offline flows, which test the one progressive script and its service worker, and
axe-core, which runs in a context of its own.

Run by tests/pages/test_browser.py as `python -m tests.pages.browser_flows BASE_URL DATA_JSON`,
in a process of its own: the test process is monkey-patched by eventlet (tests/conftest.py),
under which Playwright's asyncio driver stalls. One browser serves every flow; each flow
gets a fresh context. Prints one JSON line: {flow name: null, or the failure's traceback}.
"""
import json
import re
import statistics
import sys
import time
import traceback
from pathlib import Path
from urllib.parse import unquote_plus

from playwright.sync_api import expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = "Galaxy S9+"  # an Android phone as Playwright emulates it (viewport, touch, mobile UA)
# CSS px: the usual cheap Android phone, and the narrowest still in use
NARROW_PHONES = ({"width": 360, "height": 740}, {"width": 320, "height": 640})
CLIENT = "198.51.100.240"  # X-Forwarded-For: these flows' own client for the rate limits
AXE = Path(__file__).resolve().parents[1] / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_RUN = """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations
    .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.html)}))"""
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
    expect(page).to_have_url(re.compile(r"/lacak/LAKSA-3671-\d{4}-\d{6}\?baru=1$"))
    expect(page.locator("#status")).to_have_text("Terkirim")
    number = page.locator("#nomor-tiket").inner_text()
    # track it from the lacak form, as a citizen with the number on paper would
    page.click("nav.menu >> text=Lacak")
    page.fill("#isian-number", number.lower())
    page.click("button:has-text('Lacak')")
    expect(page).to_have_url(f"{base}/lacak/{number}")
    expect(page.locator("h1")).to_have_text(f"Tiket {number}")
    expect(page.locator("#riwayat li")).to_have_count(1)
    expect(page.locator("#riwayat")).to_contain_text("Terkirim")


@flow
def lapor_with_photo_from_phone(page, base, data):
    """A citizen attaches a phone photo (with GPS), leaves the coordinates empty, sees it on the ticket."""
    from tests.unit.gateway.test_photos import phone_photo
    served = []
    page.on("response", lambda r: served.append((r.url, r.status, r.headers.get("content-type")))
            if "/media/" in r.url else None)
    page.goto(f"{base}/r/36.71/lapor")
    fill_report(page, "Pohon tumbang menutup jalan, foto terlampir.")
    page.fill("#isian-address", "")
    page.set_input_files("#isian-photo-file", files=[
        {"name": "IMG_20261201.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()}])
    page.click("button:has-text('Kirim laporan')")
    expect(page).to_have_url(re.compile(r"/lacak/LAKSA-3671-\d{4}-\d{6}\?baru=1$"))
    expect(page.locator("#konfirmasi")).to_contain_text("Simpan nomor ini")
    expect(page.locator("#foto-laporan img")).to_have_count(1)
    expect(page.locator("#foto-laporan img")).to_be_visible()
    expect(page.locator("main table")).to_contain_text("-6.1783, 106.6319")
    page.wait_for_load_state("load")
    assert [(s, t) for _, s, t in served] == [(200, "image/jpeg")], served


@flow
def ak1_register_apply_and_follow(page, base, data):
    page.goto(f"{base}/r/36.71/loker")
    page.click("text=Daftar kartu AK/1")
    for field, value in (("nik", "3671010203990002"), ("name", "Rina Marlina"), ("birth_place", "Tangerang"),
                         ("birth_date", "1999-03-02"), ("domicile_address", "Jl. Sudirman 3, Cikokol"),
                         ("education_institution", "SMKN 4 Tangerang"), ("education_graduation_year", "2017"),
                         ("desired_position", "Operator produksi"), ("skills", "bubut, las"),
                         ("phone", "0813 2222 1111"), ("password", "kata-sandi-rina-1")):
        page.fill(f"#isian-{field}", value)
    page.select_option("#isian-sex", "L")
    page.select_option("#isian-marital_status", "belum_kawin")
    page.select_option("#isian-religion", "islam")
    page.select_option("#isian-education_level", "smk")
    page.click("button:has-text('Daftar')")
    expect(page).to_have_url(f"{base}/ak1")
    expect(page.locator("#nomor-kartu")).to_have_text(re.compile(r"^AK1-3671-\d{4}-\d{6}$"))
    expect(page.locator("#kartu-ak1 svg.qr")).to_be_visible()
    page.goto(f"{base}/loker/{data['vacancy_id']}")
    expect(page.locator("#rincian")).to_contain_text("per bulan")
    page.fill("#isian-cover_letter", "Saya siap bekerja shift.")
    page.click("button:has-text('Kirim lamaran')")
    expect(page).to_have_url(f"{base}/ak1#lamaran")
    application = page.locator("#daftar-lamaran li", has_text="Operator Mesin Bubut")
    expect(application).to_contain_text("Terkirim")


@flow
def harga_chart(page, base, data):
    if not data["prices"]:
        return
    page.goto(f"{base}/r/36.71/harga")
    expect(page.locator("#papan-harga svg.spark").first).to_be_visible()
    # Each row leads to its chart; which commodities the board lists depends on the latest day
    # of data, which other tests (the console's price clerk) may have moved on.
    expect(page.locator("#papan-harga tbody a[href^='/r/36.71/harga/']").first).to_be_visible()
    page.goto(f"{base}/r/36.71/harga/beras-medium")
    chart = page.locator("#grafik-harga svg.grafik")
    expect(chart).to_be_visible()
    expect(chart.locator("polyline.garis")).to_have_count(1)
    expect(chart.locator("line.acuan")).to_have_count(1)
    page.click("text=90 hari")
    expect(page).to_have_url(f"{base}/r/36.71/harga/beras-medium?hari=90")
    expect(page.locator("#grafik-harga h2")).to_contain_text("Nilai tengah Kota Tangerang")


@flow
def lapor_error_in_indonesian(page, base, data):
    page.goto(f"{base}/r/36.71/lapor")
    fill_report(page, "")
    page.click("button:has-text('Kirim laporan')")  # `required`: the browser itself stops it
    expect(page).to_have_url(f"{base}/r/36.71/lapor")
    expect(page.locator("#isian-description:invalid")).to_have_count(1)
    expect(page.locator(".ringkasan-galat")).to_have_count(0)
    # mistakes only the server sees come back all at once, each linked to its field
    page.fill("#isian-description", "Trotoar rusak dan berlubang.")
    page.uncheck("input[name=anonymous]")
    page.fill("#isian-nik", "12345")
    page.click("button:has-text('Kirim laporan')")
    expect(page.locator(".ringkasan-galat")).to_contain_text("Laporan belum terkirim")
    expect(page.locator("#galat-nik")).to_have_text("NIK harus 16 angka.")
    expect(page.locator("#galat-name")).to_have_text("Wajib diisi.")
    expect(page.locator("#isian-nik")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#isian-address")).to_have_value("Jl. Perintis Kemerdekaan No. 1, Babakan")
    page.click(".ringkasan-galat >> a[href='#isian-nik']")
    expect(page).to_have_url(f"{base}/r/36.71/lapor#isian-nik")
    # fixed and sent again: it goes through
    page.fill("#isian-nik", "")
    page.check("input[name=anonymous]")
    page.click("button:has-text('Kirim laporan')")
    expect(page.locator("#status")).to_have_text("Terkirim")


@flow
def beranda_and_region_switcher(page, base, data):
    page.goto(f"{base}/")  # a first visit: the region chooser
    page.locator("main").get_by_role("link", name="Kota Tangerang", exact=True).click()
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
    page.goto(f"{base}/")  # the last region chosen for its beranda is remembered
    expect(page).to_have_url(f"{base}/r/32.73/")


@flow
def harga_loker_berita(page, base, data):
    if data["prices"]:
        page.goto(f"{base}/r/36.71/harga")
        page.select_option("#isian-market", "pasar-anyar")
        page.click("button:has-text('Tampilkan')")
        expect(page).to_have_url(f"{base}/r/36.71/harga?market=pasar-anyar")
        rice = page.locator("#papan-harga tr", has_text="Beras medium")
        expect(rice).to_contain_text("Rp13.500/kg")
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


PRICE_BOARDS = ["/r/36.71/harga", "/r/36.71/harga?market=pasar-anyar",
                "/r/36.71/harga/banding?komoditas=beras-medium"]


@flow
def no_page_scrolls_sideways_on_narrow_phones(page, base, data):
    """At 360 and 320 CSS px no citizen page is wider than the screen. A too-wide page makes
    mobile Chrome zoom out, and window.innerWidth grows with it: measure against the viewport."""
    paths = ["/r/36.71/", "/r/36.71/lapor", "/r/36.71/lacak", "/r/36.71/loker", "/r/36.71/berita",
             f"/loker/{data['vacancy_id']}", f"/berita/36.71/{data['article']}"]
    if data["prices"]:
        paths += [*PRICE_BOARDS, "/r/36.71/harga/beras-medium"]
    too_wide = {}
    for size in NARROW_PHONES:
        page.set_viewport_size(size)
        for path in paths:
            page.goto(base + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > size["width"]:
                too_wide[f"{path} at {size['width']}"] = width
    assert not too_wide, f"pages wider than the phone (CSS px): {too_wide}"


OFF_SCREEN = """(width) => [...document.querySelectorAll('main td')].filter(td => {
    const box = td.getBoundingClientRect(); return box.width === 0 || box.left < 0 || box.right > width;
}).map(td => td.textContent.trim())"""


CARD_HEIGHTS = """[...document.querySelectorAll('#papan-harga tbody tr')]
    .map(row => row.getBoundingClientRect().height)"""


def axe_violations(browser, url, viewport):
    """axe-core on one page as a phone shows it; JavaScript on for axe alone (CSP bypassed:
    the pages allow no inline scripts)."""
    context = browser.new_context(bypass_csp=True, viewport=viewport, is_mobile=True, has_touch=True,
                                  locale="id-ID", extra_http_headers={"X-Forwarded-For": CLIENT})
    try:
        page = context.new_page()
        page.goto(url)
        page.evaluate(AXE.read_text())
        return page.evaluate(AXE_RUN, WCAG_AA)
    finally:
        context.close()


@flow
def price_boards_on_narrow_phones(page, base, data):
    """On a 360 or 320 px phone the price boards keep every figure on screen (a row becomes
    a card whose cells name their column), a 360 px board's cards are short, and the boards
    pass axe-core."""
    if not data["prices"]:
        return
    for size in NARROW_PHONES:
        page.set_viewport_size(size)
        page.goto(f"{base}/r/36.71/harga?market=pasar-anyar")
        rice = page.locator("#papan-harga tr", has_text="Beras medium")
        for figure in ("Rp13.500/kg", "\u25b2 3,9%", "HET Rp"):
            expect(rice.get_by_text(figure)).to_be_visible()
        expect(rice.locator("svg.spark")).to_be_visible()
        # garlic was priced only yesterday: its card says the price's own date
        garlic = page.locator("#papan-harga tr", has_text="Bawang putih bonggol")
        expect(garlic.get_by_text(re.compile(r"^per \d{1,2} \w+ \d{4}$"))).to_be_visible()
        expect(rice.get_by_text(re.compile(r"^per "))).to_have_count(0)
        if size["width"] == 360:  # a list read down: over four commodities to a 740 px screen
            heights = page.evaluate(CARD_HEIGHTS)
            assert statistics.median(heights) <= 160, f"price cards at 360 px (CSS px): {heights}"
        for path in PRICE_BOARDS:
            page.goto(base + path)
            off_screen = page.evaluate(OFF_SCREEN, size["width"])
            assert not off_screen, f"{path} at {size['width']} px: cells off screen: {off_screen}"
            found = axe_violations(page.context.browser, base + path, size)
            assert not found, f"{path} at {size['width']} px: {json.dumps(found)}"


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
    from tests.unit.gateway.test_photos import phone_photo
    page.goto(f"{base}/r/36.71/lapor")
    until(lambda: page.evaluate("navigator.serviceWorker.controller !== null"), "the service worker")
    page.context.set_offline(True)
    page.goto(f"{base}/r/36.71/lapor")  # from the service worker's cache
    marker = f"Got mampet di gang {time.time_ns()}, air meluap ke jalan."
    fill_report(page, marker)
    page.set_input_files("#isian-photo-file", files=[
        {"name": "got.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()}])
    page.click("button:has-text('Kirim laporan')")
    # localStorage keeps the text; the photo stays in the open page's memory, and the page says so
    expect(page.locator("#menunggu-sinyal")).to_have_text(
        "Menunggu sinyal, laporan akan dikirim otomatis. "
        "Foto hanya ikut terkirim jika halaman ini tetap terbuka sampai sinyal kembali.")
    [kept] = page.evaluate("JSON.parse(localStorage.getItem('tl-pending-reports'))")
    assert marker in unquote_plus(kept["body"]) and kept["photos"] is True
    page.context.set_offline(False)
    expect(page).to_have_url(re.compile(r"/lacak/LAKSA-3671-\d{4}-\d{6}\?baru=1$"), timeout=15_000)
    expect(page.locator("#status")).to_have_text("Terkirim")
    expect(page.locator("#foto-laporan img")).to_have_count(1)
    assert page.evaluate("localStorage.getItem('tl-pending-reports')") == "[]"
    number = page.url.rsplit("/", 1)[1].removesuffix("?baru=1")
    # the same report sent again with its key (a lost answer, a double tap): the same ticket
    again = page.request.post(kept["action"], data=kept["body"], max_redirects=0, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": kept["key"]})
    assert again.status == 303 and again.headers["location"].endswith(f"/lacak/{number}?baru=1"), again.status
    listed = page.request.get(f"{base}/api/v1/regions/36.71/aspirasi?limit=100").json()["items"]
    assert [t["number"] for t in listed if t["description"] == marker] == [number]
    # with signal, the script sends at once (multipart, the photo too), under a new key: a new ticket
    page.goto(f"{base}/r/36.71/lapor")
    fill_report(page, f"Lampu taman mati {time.time_ns()}.")
    page.set_input_files("#isian-photo-file", files=[
        {"name": "lampu.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()}])
    page.click("button:has-text('Kirim laporan')")
    expect(page).to_have_url(re.compile(r"/lacak/LAKSA-3671-\d{4}-\d{6}\?baru=1$"))
    assert page.url.rsplit("/", 1)[1].removesuffix("?baru=1") != number
    expect(page.locator("#foto-laporan img")).to_have_count(1)


KEPT_WITH = """async (texts) => { const found = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const body = await (await cache.match(request)).text();
      if (texts.some((text) => body.includes(text))) { found.push(name + " " + request.url); }
    }
  }
  return found; }"""
KEPT_URLS = """async () => { const urls = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) { urls.push(request.url); } }
  return urls; }"""


@javascript_flow
def tracking_secret_never_kept_by_the_service_worker(page, base, data):
    """Reports sent through the page script, and natively (a tap before the script ran), with
    the worker running: the ticket page shows its tracking secret once, and no page the
    worker keeps holds it (that answer is no-store)."""
    page.goto(f"{base}/r/36.71/lapor")
    until(lambda: page.evaluate("navigator.serviceWorker.controller !== null"), "the service worker")
    shown = []
    for native in (False, True):
        page.goto(f"{base}/r/36.71/lapor")
        fill_report(page, f"Trotoar amblas di depan pasar {time.time_ns()}.")
        if native:  # form.submit() skips the script's submit handler: a navigation through the worker
            page.evaluate("document.querySelector('form[data-offline-queue]').submit()")
        else:
            page.click("button:has-text('Kirim laporan')")
        expect(page).to_have_url(re.compile(r"/lacak/LAKSA-3671-\d{4}-\d{6}\?baru=1$"))
        shown.append(page.locator("#rahasia code").inner_text())
        assert re.fullmatch(r"[\w-]{20,}", shown[-1]), shown
    # the worker keeps pages after answering them: once a page fetched later is kept,
    # whatever it did with the ticket pages is done too
    page.goto(f"{base}/r/36.71/harga")
    until(lambda: f"{base}/r/36.71/harga" in page.evaluate(KEPT_URLS), "the harga page kept")
    assert page.evaluate(KEPT_WITH, [*shown, "Kode rahasia pelacakan"]) == []


def main(base, data, names):
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        phone = {k: v for k, v in playwright.devices[PHONE].items() if k != "default_browser_type"}
        for name in names:
            context = browser.new_context(java_script_enabled=name in WITH_JAVASCRIPT, locale="id-ID",
                                          **phone, extra_http_headers={"X-Forwarded-For": CLIENT})
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
