"""The console's messages after a redirect (`?pesan=`, `?galat=`) are shown only when the
gateway signed them, for the session they were made in: a link cannot put text on a page."""
from urllib.parse import quote, urlencode

from tests.console.conftest import csrf_of

BAIT = "Akun Anda diblokir. Hubungi 0812-3456-7890 untuk verifikasi"


def test_a_message_written_into_the_link_is_not_shown(platform, accounts):
    http, _ = accounts.session("region_admin")
    for path in ("/petugas/", "/petugas/laksa", "/petugas/wilayah"):
        for query in ({"pesan": BAIT}, {"galat": BAIT}, {"pesan": BAIT, "galat": BAIT, "tanda": "0" * 32}):
            page = http.get(f"{platform.url}{path}?{urlencode(query)}", timeout=10)
            assert page.status_code == 200, page.text[:1000]
            assert "0812-3456-7890" not in page.text, (path, query)
    sign_in = http.get(f"{platform.url}/petugas/masuk?pesan={quote(BAIT)}", timeout=10)
    assert "0812-3456-7890" not in sign_in.text


def test_the_consoles_own_messages_show_in_their_session_only(platform, accounts):
    admin, _ = accounts.session("region_admin")
    other, _ = accounts.session("region_admin")
    csrf = csrf_of(admin.get(f"{platform.url}/petugas/wilayah", timeout=10).text)
    # a text the officer steered (the account name in the path) comes back in the message
    sent = admin.post(f"{platform.url}/petugas/wilayah/akun/{quote('0812-3456-7890')}/aktifkan",
                      data={"csrf": csrf}, allow_redirects=False, timeout=10)
    assert sent.status_code == 303 and "tanda=" in sent.headers["Location"]
    shown = admin.get(f"{platform.url}{sent.headers['Location']}", timeout=10).text
    assert "Akun 0812-3456-7890 bukan akun petugas wilayah ini." in shown
    assert "0812-3456-7890" not in other.get(f"{platform.url}{sent.headers['Location']}", timeout=10).text

    out = admin.post(f"{platform.url}/petugas/keluar", data={"csrf": csrf}, allow_redirects=False, timeout=10)
    assert "Anda sudah keluar." in admin.get(f"{platform.url}{out.headers['Location']}", timeout=10).text
