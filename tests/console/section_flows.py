"""Disnaker, prices and news flows of the console in headless Chromium with JavaScript off,
then axe-core over those sections' pages (helpers and rules of browser_flows.py).

Run by tests/console/test_sections_browser.py as
`python -m tests.console.section_flows BASE_URL DATA_JSON`. DATA_JSON names the accounts
({"disnaker": [username, password], "clerk": [...], "editor": [...]}) and what the test made
through the API ("vacancy": {id, title, employer}, "nik"). Prints one JSON line:
{"results": {check: null or the failure}, "sizes": {page: bytes}}.
"""
import json
import sys
import time
from urllib.parse import quote

from playwright.sync_api import expect

from tests.console.browser_flows import LAPTOP, run, sign_in
from tests.pages.browser_flows import AXE, AXE_RUN, WCAG_AA

FLOWS = {}
SEEN = {}  # page -> bytes
TITLE = "Pelayanan KTP keliling di Kecamatan Cibodas"


def flow(fn):
    FLOWS[fn.__name__] = fn
    return fn


def shows(page, url, *texts, seconds=10):
    """Load `url` until it shows every text: citizen pages may be served from a read model
    that events bring up to date a moment after the write."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto(url)
        body = page.locator("main").inner_text()
        if all(text in body for text in texts) or time.monotonic() > deadline:
            break
        page.wait_for_timeout(250)
    for text in texts:
        expect(page.locator("main")).to_contain_text(text)


@flow
def disnaker_verifies_a_vacancy_that_then_shows_on_loker(page, base, data):
    vacancy = data["vacancy"]
    sign_in(page, base, data["disnaker"], "/petugas/disnaker")
    card = page.locator("article", has_text=vacancy["title"])
    card.locator("button:has-text('Verifikasi dan tayangkan')").click()
    expect(page.locator(".pesan")).to_contain_text("sudah diverifikasi dan tayang")
    expect(page.locator("main")).not_to_contain_text(vacancy["id"])
    shows(page, f"{base}/r/36.71/loker?q={quote(vacancy['title'])}", vacancy["title"])


@flow
def clerk_enters_prices_that_then_show_on_harga(page, base, data):
    sign_in(page, base, data["clerk"], "/petugas/harga")
    page.click("text=Pasar Lembang Ciledug")
    expect(page.locator("h1")).to_contain_text("Harga Pasar Lembang Ciledug")
    page.fill("#harga-ikan-bandeng", "35.000")
    page.fill("#harga-bawang-merah", "95000")  # far over its HAP: asked again
    page.click("button:has-text('Simpan harga')")
    expect(page.locator("#ragu")).to_contain_text("Bawang merah")
    page.fill("#harga-bawang-merah", "39000")
    page.click("button:has-text('Ya, simpan')")
    expect(page.locator(".pesan")).to_contain_text("2 harga tersimpan")
    expect(page.locator("#harga-ikan-bandeng")).to_have_value("35000")
    shows(page, f"{base}/r/36.71/harga?market=pasar-ciledug", "Rp35.000", "Rp39.000")


@flow
def editor_publishes_an_article_that_then_shows_in_the_feed(page, base, data):
    sign_in(page, base, data["editor"], "/petugas/berita/tulis")
    page.fill("#isian-judul", TITLE)
    page.select_option("#isian-kategori", "pelayanan-publik")
    page.fill("#isian-isi", "<p>Bawa <strong>KK asli</strong>.</p><script>alert(1)</script>")
    page.click("button:has-text('Pratinjau')")
    expect(page.locator("#pratinjau strong")).to_have_text("KK asli")
    expect(page.locator("#pratinjau script")).to_have_count(0)
    page.click("button:has-text('Simpan sebagai draf')")
    expect(page.locator(".pesan")).to_have_text("Draf tersimpan.")
    page.click("button:has-text('Terbitkan')")
    expect(page.locator("#status-berita")).to_have_text("Terbit")
    deadline = time.monotonic() + 10
    while TITLE not in (feed := page.request.get(f"{base}/feeds/36.71/rss.xml")).text():
        assert time.monotonic() < deadline, feed.text()[:500]
        page.wait_for_timeout(250)


def check(page, name):
    """axe on the page now shown; its size."""
    SEEN[name] = len(page.content().encode())
    page.evaluate(AXE.read_text())
    found = page.evaluate(AXE_RUN, WCAG_AA)
    return {name: found} if found else {}


def accessibility(browser, base, data):
    """axe-core on every page of these sections, as the role that uses it, including the pages
    that answer a form (the doubtful-price question, the import report, the preview)."""
    problems = {}
    vacancy = data["vacancy"]
    pages = {"disnaker": ["/petugas/disnaker", "/petugas/disnaker/pemberi-kerja",
                          f"/petugas/disnaker/pemberi-kerja/{vacancy['employer']}",
                          f"/petugas/disnaker/lowongan/{vacancy['id']}/lamaran",
                          f"/petugas/disnaker/ak1?nik={data['nik']}", "/petugas/disnaker/ak1?nik=12"],
             "clerk": ["/petugas/harga", "/petugas/harga/pasar/pasar-malabar"],
             "editor": ["/petugas/berita", "/petugas/berita/sumber", "/petugas/berita/tulis"]}
    for role, paths in pages.items():
        context = browser.new_context(bypass_csp=True, viewport=LAPTOP, locale="id-ID",
                                      extra_http_headers={"X-Forwarded-For": "198.51.100.243"})
        context.set_default_timeout(10_000)
        page = context.new_page()
        sign_in(page, base, data[role])
        for path in paths:
            page.goto(base + path)
            problems.update(check(page, path))
        if role == "clerk":
            page.fill("#harga-beras-medium", "30000")
            page.click("button:has-text('Simpan harga')")
            problems.update(check(page, "harga: tanya ulang"))
            page.goto(f"{base}/petugas/harga")
            page.set_input_files("#isian-berkas", files=[{
                "name": "harga.csv", "mimeType": "text/csv",
                "buffer": b"pasar,komoditas,tanggal,satuan,harga\npasar-malabar,gula-pasir,kemarin,kg,1\n"}])
            page.click("button:has-text('Unggah dan impor')")
            expect(page.locator("h1")).to_contain_text("Laporan impor")
            problems.update(check(page, "harga: laporan impor"))
        if role == "editor":
            page.fill("#isian-isi", "<h2>Jadwal</h2><ul><li>Senin</li></ul>")
            page.click("button:has-text('Pratinjau')")
            problems.update(check(page, "berita: pratinjau"))
            page.goto(f"{base}/petugas/berita")
            page.locator("tbody a", has_text=TITLE).click()
            problems.update(check(page, "berita: artikel terbit"))
        context.close()
    assert not problems, json.dumps(problems, indent=1)


if __name__ == "__main__":
    run(sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:] or list(FLOWS), FLOWS, accessibility, SEEN,
        client="198.51.100.244")
