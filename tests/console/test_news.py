"""The console's news section over HTTP: preview, draft, schedule, publish, correct, retract,
feed sources, CSRF, and regions kept apart. (Publishing in a browser is in the browser test.)"""
import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests

from tests.console.conftest import csrf_of


def write(http, platform, title, **fields):
    page = http.get(f"{platform.url}/petugas/berita/tulis", timeout=10)
    form = {"csrf": csrf_of(page.text), "judul": title, "kategori": "pelayanan-publik",
            "isi": "<p>Layanan KTP buka <strong>Sabtu</strong>.</p>", "aksi": "simpan", **fields}
    return http.post(f"{platform.url}/petugas/berita/tulis", data=form, timeout=10)


def act(http, platform, slug, action):
    page = http.get(f"{platform.url}/petugas/berita/artikel/{slug}", timeout=10).text
    version = re.search(r'name="versi" value="(\d+)"', page).group(1)
    return http.post(f"{platform.url}/petugas/berita/artikel/{slug}/{action}", timeout=10,
                     data={"csrf": csrf_of(page), "versi": version})


def public(platform, slug):
    return requests.get(f"{platform.url}/api/v1/regions/36.71/news/{slug}", timeout=10)


def test_preview_shows_what_the_sanitizer_keeps_and_a_draft_stays_private(platform, accounts):
    http, _ = accounts.session("editor")
    page = http.get(f"{platform.url}/petugas/berita/tulis", timeout=10)
    shown = http.post(f"{platform.url}/petugas/berita/tulis", timeout=10, data={
        "csrf": csrf_of(page.text), "aksi": "pratinjau", "judul": "Uji", "kategori": "pengumuman",
        "isi": '<p onclick="x()">Halo <b>warga</b></p><script>alert(1)</script><iframe src="x"></iframe>'})
    preview = shown.text.split('id="pratinjau">')[1].split("</div>")[0]
    assert preview == "<p>Halo <b>warga</b></p>"
    assert "onclick=&#34;x()&#34;" in shown.text.split('id="isian-isi"')[1]  # the editor keeps what was typed
    missing = write(http, platform, "")
    # named by its field, in the words of its code (required)
    assert missing.status_code == 400 and "Judul: Wajib diisi." in missing.text, missing.text[-3000:]
    title = f"Layanan KTP hari Sabtu {uuid.uuid4().hex[:6]}"
    draft = write(http, platform, title)
    assert "Draf tersimpan." in draft.text and public(platform, draft.url.rsplit("/", 1)[1].split("?")[0]
                                                      ).status_code == 404
    listing = http.get(f"{platform.url}/petugas/berita?status=draft", timeout=10)
    assert title in listing.text and len(listing.content) < 100_000


def test_publish_correct_retract_and_schedule(platform, accounts):
    http, _ = accounts.session("editor")
    title = f"Jam layanan Disdukcapil {uuid.uuid4().hex[:6]}"
    slug = write(http, platform, title).url.split("/artikel/")[1].split("?")[0]
    # without its CSRF token, publishing is refused and the article stays a draft
    refused = http.post(f"{platform.url}/petugas/berita/artikel/{slug}/terbitkan", data={"versi": "1"},
                        allow_redirects=False, timeout=10)
    assert refused.status_code == 403 and public(platform, slug).status_code == 404
    assert "Berita diterbitkan." in act(http, platform, slug, "terbitkan").text
    assert public(platform, slug).status_code == 200
    page = http.get(f"{platform.url}/petugas/berita/artikel/{slug}", timeout=10).text
    corrected = http.post(f"{platform.url}/petugas/berita/artikel/{slug}", timeout=10, data={
        "csrf": csrf_of(page), "versi": re.search(r'name="versi" value="(\d+)"', page).group(1),
        "aksi": "simpan", "judul": title, "kategori": "pelayanan-publik",
        "isi": "<p>Layanan KTP buka Sabtu pukul 08.00.</p>", "catatan_koreksi": "jam buka ditambahkan"})
    assert "Koreksi diterbitkan." in corrected.text
    assert public(platform, slug).json()["corrections"][0]["note"] == "jam buka ditambahkan"
    # an edit at a stale version is refused with a clear message
    stale = http.post(f"{platform.url}/petugas/berita/artikel/{slug}", timeout=10, data={
        "csrf": csrf_of(page), "versi": "1", "aksi": "simpan", "judul": title,
        "kategori": "pelayanan-publik", "isi": "<p>x</p>"})
    assert stale.status_code == 400 and "baru saja diubah orang lain" in stale.text
    assert "Berita ditarik." in act(http, platform, slug, "tarik").text
    assert public(platform, slug).status_code == 404
    # a future time schedules instead of publishing
    later = (datetime.now(ZoneInfo("Asia/Jakarta")) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    scheduled = write(http, platform, f"Car free day {uuid.uuid4().hex[:6]}", jadwal=later)
    other = scheduled.url.split("/artikel/")[1].split("?")[0]
    assert "dijadwalkan terbit" in act(http, platform, other, "terbitkan").text
    assert public(platform, other).status_code == 404


def test_feed_sources_are_added_and_removed(platform, accounts):
    http, _ = accounts.session("editor")
    page = http.get(f"{platform.url}/petugas/berita/sumber", timeout=10)
    url = f"https://berita.example.invalid/{uuid.uuid4().hex[:6]}.xml"  # never resolves: no fetch leaves
    for wrong in ("ftp://x", "http://127.0.0.1:9/rss.xml"):
        bad = http.post(f"{platform.url}/petugas/berita/sumber", timeout=10,
                        data={"csrf": csrf_of(page.text), "url": wrong, "nama": "X"})
        assert "Sumber belum ditambahkan" in bad.text and wrong not in bad.text.split("<tbody>")[1]
    added = http.post(f"{platform.url}/petugas/berita/sumber", timeout=10,
                      data={"csrf": csrf_of(page.text), "url": url, "nama": "Kominfo", "interval": "60"})
    assert "Sumber berita ditambahkan" in added.text and url in added.text
    gone = http.post(f"{platform.url}/petugas/berita/sumber/hapus", timeout=10,
                     data={"csrf": csrf_of(page.text), "url": url})
    assert "Sumber berita dihapus" in gone.text and url not in gone.text


def test_an_editor_of_36_03_sees_and_changes_nothing_of_36_71(platform, accounts):
    ours, _ = accounts.session("editor")
    title = f"Rapat RT {uuid.uuid4().hex[:6]}"
    slug = write(ours, platform, title).url.split("/artikel/")[1].split("?")[0]
    theirs, _ = accounts.session("editor", region="36.03")
    assert title not in theirs.get(f"{platform.url}/petugas/berita", timeout=10).text
    assert theirs.get(f"{platform.url}/petugas/berita/artikel/{slug}", timeout=10).status_code == 404
    page = theirs.get(f"{platform.url}/petugas/berita", timeout=10).text
    done = theirs.post(f"{platform.url}/petugas/berita/artikel/{slug}/terbitkan", timeout=10,
                       data={"csrf": csrf_of(page), "versi": "1"}, allow_redirects=False)
    assert done.status_code == 404 and public(platform, slug).status_code == 404
