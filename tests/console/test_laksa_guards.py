"""Guarded actions in the console (#32.3) and notes that say who reads them (#32.4), over
HTTP with real sessions: every refusal names its field in Indonesian and leaves the stored
ticket exactly as it was; an irreversible action shows what it will do and asks once more."""
import re

import requests

from tests.console.conftest import csrf_of
from tests.console.test_console_sections import DLH, page, stored, submit


def act(http, url, number, action, **fields):
    ticket = page(http, f"{url}/petugas/laksa/{number}")
    version = re.search(rf'action="/petugas/laksa/{number}/{action}">.*?name="version" value="(\d+)"',
                        ticket, re.S)
    assert version, f"no {action} form on the ticket page"
    data = {"csrf": csrf_of(ticket), "version": version.group(1), **fields}
    response = http.post(f"{url}/petugas/laksa/{number}/{action}", data=data, timeout=10)
    assert response.status_code in (200, 201), response.text[:500]
    return response


def kept(platform, number):
    """What a refused action must leave alone: the whole stored ticket but its outbox."""
    ticket = stored(platform, number)
    ticket.pop("outbox", None)
    return ticket


def test_a_duplicate_of_no_ticket_another_region_or_a_duplicate_is_refused_and_nothing_changes(
        platform, accounts):
    url = platform.url
    admin, _ = accounts.session("region_admin")
    number, original, chained = submit(url), submit(url), submit(url)
    elsewhere = submit(url, region="36.03")
    act(admin, url, chained, "mark_duplicate", duplicate_of=original, confirmed="ya")
    assert stored(platform, chained)["status"] == "duplicate"
    before = kept(platform, number)
    for given, says in (("LAKSA-3671-2026-999999", "Tidak ada laporan bernomor LAKSA-3671-2026-999999"),
                        (elsewhere, "Laporan asli harus laporan dari wilayah ini"),
                        (chained, f"Laporan {chained} sendiri duplikat dari {original}"),
                        (number, "Isi nomor laporan asli, bukan nomor laporan ini")):
        refused = act(admin, url, number, "mark_duplicate", duplicate_of=given, confirmed="ya")
        assert "Nomor tiket asli: " + says in refused.text, given
        assert kept(platform, number) == before, given
    # the citizen's page never links to a ticket that is not there
    assert "Sama dengan laporan" not in page(requests, f"{url}/lacak/{number}")


def test_marking_a_duplicate_shows_the_original_and_asks_once_more(platform, accounts):
    url = platform.url
    admin, _ = accounts.session("region_admin")
    number, original = submit(url), submit(url, lat=-6.1702)
    before = kept(platform, number)
    asked = act(admin, url, number, "mark_duplicate", duplicate_of=original,
                note="Sudah dilaporkan warga lain")
    assert "Tandai duplikat?" in asked.text and "tidak dapat dibatalkan" in asked.text
    shown = re.search(r'<dl class="rincian" id="laporan-asli">(.*?)</dl>', asked.text, re.S).group(1)
    assert original in shown and "Sampah menumpuk di pinggir jalan." in shown and "Terkirim" in shown
    assert kept(platform, number) == before  # asking changed nothing
    confirm = {name: value for name, value in re.findall(
        r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', asked.text)}
    assert confirm["confirmed"] == "ya" and confirm["duplicate_of"] == original
    done = admin.post(f"{url}/petugas/laksa/{number}/mark_duplicate", data=confirm, timeout=10)
    assert "Tandai duplikat: berhasil" in done.text
    after = stored(platform, number)
    assert (after["status"], after["duplicate_of"]) == ("duplicate", original)
    assert after["history"][-1]["note"] == "Sudah dilaporkan warga lain"
    assert after["history"][-1]["readers"] == "public"


def test_a_rejection_asks_once_more_before_it_closes_the_ticket(platform, accounts):
    url = platform.url
    admin, _ = accounts.session("region_admin")
    number = submit(url)
    before = kept(platform, number)
    asked = act(admin, url, number, "reject", reason="spam")
    assert "Tolak?" in asked.text and "Spam atau iseng" in asked.text
    assert kept(platform, number) == before
    act(admin, url, number, "reject", reason="spam", confirmed="ya")
    assert stored(platform, number)["status"] == "rejected"


def test_a_dispatch_to_an_opd_the_region_does_not_have_is_refused_and_nothing_changes(platform, accounts):
    url = platform.url
    admin, _ = accounts.session("region_admin")
    number = submit(url)
    act(admin, url, number, "verify")
    before = kept(platform, number)
    refused = act(admin, url, number, "dispatch", opd="Dinas Antah Berantah")
    assert "OPD tujuan: Pilih salah satu dinas (OPD) wilayah ini." in refused.text
    assert kept(platform, number) == before


def test_an_opd_hands_a_misrouted_ticket_back_with_a_reason_only_officers_read(platform, accounts):
    url = platform.url
    admin, _ = accounts.session("region_admin")
    dlh, _ = accounts.session("opd_officer", opd=DLH)
    number = submit(url)
    act(admin, url, number, "verify", note="Cek lokasi: benar di Jl. Daan Mogot")
    act(admin, url, number, "dispatch", opd=DLH, note="Mohon DLH angkut sebelum Jumat")
    ticket = page(dlh, f"{url}/petugas/laksa/{number}")
    assert "Kembalikan ke admin wilayah" in ticket
    assert re.search(r'id="pembaca-hand_back">Dibaca: internal', ticket)
    assert re.search(r'id="pembaca-start">Dibaca: publik', ticket)
    before = kept(platform, number)
    refused = act(dlh, url, number, "hand_back", note="   ")
    assert "Catatan atau alasan: Wajib diisi." in refused.text
    assert kept(platform, number) == before
    act(dlh, url, number, "hand_back", note="Bukan kewenangan kami: saluran milik BBWS")
    after = stored(platform, number)
    assert (after["status"], after["opd"], after["opd_due_at"]) == ("verified", DLH, None)
    assert after["history"][-1]["action"] == "hand_back" and after["history"][-1]["readers"] == "internal"
    # the region admin reads the reason and can dispatch it again; the OPD can no longer act
    seen = page(admin, f"{url}/petugas/laksa/{number}")
    history = re.search(r'id="judul-riwayat".*?</table>', seen, re.S).group(0)
    assert re.search(r"<td>Kembalikan ke admin wilayah</td><td>[^<]+</td>"
                     r'<td><span class="tanda">Internal</span> '
                     r'Bukan kewenangan kami: saluran milik BBWS</td>',
                     history)
    assert f"/petugas/laksa/{number}/dispatch" in seen
    assert f"/petugas/laksa/{number}/start" not in page(dlh, f"{url}/petugas/laksa/{number}")
    # nobody outside reads what officers wrote to each other
    public = page(requests, f"{url}/lacak/{number}")
    api = requests.get(f"{url}/api/v1/aspirasi/{number}", timeout=10).text
    for note in ("BBWS", "Mohon DLH", "Cek lokasi"):
        assert note not in public and note not in api, note
