"""Photos that work everywhere: every photo link on a ticket's page, the citizen's and the
officer's, is a same-origin path that answers 200; the officer sees thumbnails."""
import re

from services.gateway.laksa.media import local_photos
from tests.console.conftest import Accounts
from tests.pages.test_pages_http import client, html, lapor_form
from tests.unit.gateway.test_photos import phone_photo


def test_every_photo_link_on_the_citizen_and_officer_ticket_pages_answers_from_here(platform, http):
    url, http = platform.url, client(http)
    sent = http.post(f"{url}/r/36.71/lapor", data=lapor_form(http, url), allow_redirects=False, timeout=20,
                     files=[("photos", (f"{i}.jpg", phone_photo(gps=False, size=(800, 600)), "image/jpeg"))
                            for i in range(2)])
    assert sent.status_code == 303, sent.text[:2000]
    number = re.search(r"(LAKSA-3671-\d{4}-\d{6})", sent.headers["Location"]).group(1)
    citizen = html(http.get(f"{url}/lacak/{number}", timeout=10), 200)
    officer_http, _ = Accounts(platform).session("region_admin")
    officer = html(officer_http.get(f"{url}/petugas/laksa/{number}", timeout=10), 200)
    for page, session in ((citizen, http), (officer, officer_http)):
        section = page.split('id="foto-laporan"', 1)[1].split("</section>", 1)[0]
        links = re.findall(r'<a href="([^"]+)"', section) + re.findall(r'<img src="([^"]+)"', section)
        assert len(links) == 4, links  # two photos, each a link and an image
        for link in links:
            assert re.fullmatch(r"/media/[0-9a-f]{24}\.jpg", link), link  # same origin, whatever the base
            photo = session.get(f"{url}{link}", timeout=10)
            assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/jpeg"
    assert officer.count('width="160" height="120"') == 2  # thumbnails, full size on click
    # sharing tags still need the absolute address
    assert re.search(r'property="og:image" content="https?://[^"]+/media/[0-9a-f]{24}\.jpg"', citizen)


def test_own_photos_become_paths_and_other_photos_stay():
    own = "0123456789abcdef01234567"
    assert local_photos([f"https://tangerangkota.go.id/media/{own}.jpg", f"/media/{own}.jpg",
                         "https://example.org/foto/jalan.jpg", "https://example.org/media/x.jpg"]) == [
        f"/media/{own}.jpg", f"/media/{own}.jpg", "https://example.org/foto/jalan.jpg",
        "https://example.org/media/x.jpg"]
    assert local_photos(None) == []


def test_a_bare_word_and_a_half_address_are_refused_together_and_the_photo_is_kept(platform, http):
    url, http = platform.url, client(http)
    tickets = platform.db("aspirasi").tickets
    before = tickets.count_documents({})
    form = {**lapor_form(http, url), "description": "rusak", "email": "warga@"}
    page = html(http.post(f"{url}/r/36.71/lapor", data=form, timeout=20, files=[
        ("photos", ("a.jpg", phone_photo(gps=False, size=(600, 400)), "image/jpeg"))]), 400)
    assert 'id="galat-description"' in page and "paling sedikit 10 karakter" in page
    assert 'id="galat-email"' in page and "nama@contoh.go.id" in page
    kept = re.findall(r'<input type="hidden" name="foto" value="([0-9a-f]{24})">', page)
    assert len(kept) == 1 and tickets.count_documents({}) == before  # nothing sent, photo not asked again
