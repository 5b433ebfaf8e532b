"""Every table of the console is a table, measured in Chromium at 1366 px and 768 px
(tests/console/table_flows.py says what is measured). Every console template holding a
<table> is listed in PAGES with a page that shows it filled, so a new table is measured
from its first day (the list check fails otherwise)."""
import re
import uuid
from pathlib import Path

import pytest
import requests

from services.gateway.access.auth import issue_token
from tests.console.conftest import PASSWORD, browser_report
from tests.console.table_flows import FLOWS
from tests.console.test_console_sections import act, submit
from tests.console.test_disnaker import pending_vacancy

TEMPLATES = Path(__file__).resolve().parents[2] / "services" / "gateway" / "templates" / "console"
DLH = "Dinas Lingkungan Hidup"
DEAD_LETTERS = "evt-aspirasi-aspirasi_status_changed--notifications.ticket_changed"
# Tables that are empty on a fresh platform and hard to fill from a test (a dead letter
# needs a failing consumer, a news source a reachable feed, a price alert an import
# that raises one): their page is still measured.
MAY_BE_EMPTY = ("surat_mati.html", "harga.html", "berita_sumber.html", "disnaker_lamaran.html")


def pages(number, company, job):
    return [("laksa.html", "admin", "/petugas/laksa"), ("laksa.html", "dlh", "/petugas/laksa"),
            ("tiket.html", "admin", f"/petugas/laksa/{number}"),
            ("kinerja.html", "admin", "/petugas/kinerja"), ("kinerja.html", "operator", "/petugas/kinerja"),
            ("wilayah.html", "admin", "/petugas/wilayah"), ("platform.html", "operator", "/petugas/platform"),
            ("surat_mati.html", "operator", f"/petugas/platform/surat-mati/{DEAD_LETTERS}"),
            ("harga_isi.html", "clerk", "/petugas/harga/pasar/pasar-malabar"),
            ("harga_laporan.html", "clerk", "upload:harga"), ("harga.html", "clerk", "/petugas/harga"),
            ("harga_pasar.html", "clerk", "/petugas/harga/daftar-pasar"),
            ("berita.html", "editor", "/petugas/berita"),
            ("berita_sumber.html", "editor", "/petugas/berita/sumber"),
            ("disnaker_pemberi_kerja.html", "disnaker", "/petugas/disnaker/pemberi-kerja"),
            ("disnaker_lowongan.html", "disnaker", f"/petugas/disnaker/pemberi-kerja/{company['_id']}"),
            ("disnaker_lamaran.html", "disnaker", f"/petugas/disnaker/lowongan/{job['id']}/lamaran")]


def test_every_console_template_with_a_table_is_measured():
    with_tables = {p.name for p in TEMPLATES.glob("*.html") if re.search(r"<table\b", p.read_text())}
    listed = {template for template, _, _ in pages("n", {"_id": "e"}, {"id": "v"})}
    assert with_tables - listed == set(), "console tables nobody measures"
    assert listed - with_tables == set()


@pytest.fixture(scope="module")
def measured(platform, accounts):
    def token(role, region, subject=None):
        return {"Authorization": f"Bearer {issue_token(subject or role, role, region)}"}
    url = platform.url
    admin, _ = accounts.session("region_admin")
    number = submit(url)
    for _ in range(2):  # more rows in the queue and in kinerja
        submit(url, category="jalan-rusak")
    assert act(admin, url, number, "verify").status_code == 200
    assert act(admin, url, number, "dispatch", opd=DLH).status_code == 200
    company, job = pending_vacancy(platform, token, f"Juru Las {uuid.uuid4().hex[:4]}")
    news = requests.post(f"{url}/api/v1/regions/36.71/news", timeout=10, headers=token("editor", "36.71"),
                         json={"title": "Jadwal posyandu Desember", "category": "pelayanan-publik",
                               "body": "<p>Setiap Selasa.</p>"})
    assert news.status_code in (200, 201), news.text
    data = {"admin": [accounts.create("region_admin"), PASSWORD],
            "dlh": [accounts.create("opd_officer", opd=DLH), PASSWORD],
            "operator": [accounts.create("platform_operator"), PASSWORD],
            "clerk": [accounts.create("price_clerk"), PASSWORD],
            "editor": [accounts.create("editor"), PASSWORD],
            "disnaker": [accounts.create("disnaker_officer"), PASSWORD],
            "pages": pages(number, company, job), "may_be_empty": MAY_BE_EMPTY}
    return browser_report("tests.console.table_flows", platform.url, data)


@pytest.mark.parametrize("name", [*FLOWS, "page_sizes", "no_external_requests"])
def test_console_tables_are_tables(measured, name):
    assert measured[name] is None, measured[name]
