"""Lapor with photos over HTTP: shrunk, stored, served with caching, location from EXIF, in Open311."""
import io
import re

from PIL import Image

from tests.gateway.test_photos import phone_photo
from tests.pages.test_pages_http import client, html, lapor_form


def test_a_photo_report_keeps_the_photo_small_and_its_location(platform, http):
    url, http = platform.url, client(http)
    form = {**lapor_form(http, url), "lat": "", "long": "", "address": "", "use_photo_location": "1"}
    raw = phone_photo()
    sent = http.post(f"{url}/r/36.71/lapor", data=form, allow_redirects=False, timeout=20,
                     files=[("photos", ("IMG_0001.jpg", raw, "image/jpeg"))])
    assert sent.status_code == 303, sent.text[:2000]
    number = re.search(r"(LAKSA-3671-\d{4}-\d{6})", sent.headers["Location"]).group(1)
    page = html(http.get(f"{url}{sent.headers['Location']}", timeout=10), 200)
    assert "-6.1783, 106.6319" in page  # the location the phone recorded
    [photo_url] = re.findall(r'<img src="([^"]+)" alt="Foto laporan 1"', page)
    assert re.fullmatch(rf"{re.escape(url)}/media/[0-9a-f]{{24}}\.jpg", photo_url)
    assert f'property="og:image" content="{photo_url}"' in page

    photo = http.get(photo_url, timeout=10)
    assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/jpeg"
    assert len(photo.content) <= 200 * 1024 < len(raw)
    assert "immutable" in photo.headers["Cache-Control"]
    assert not Image.open(io.BytesIO(photo.content)).getexif()  # no maker, no GPS
    cached = http.get(photo_url, headers={"If-None-Match": photo.headers["ETag"]}, timeout=10)
    assert cached.status_code == 304 and not cached.content

    [request] = http.get(f"{url}/open311/v2/requests/{number}.json", params={"jurisdiction_id": "36.71"},
                         timeout=10).json()
    assert request["media_url"] == photo_url
    assert "Foto itu tidak ada" in html(http.get(f"{url}/media/{'0' * 24}.jpg", timeout=10), 404)


def test_a_refused_photo_is_reported_with_the_other_mistakes_and_nothing_is_sent(platform, http):
    url, http = platform.url, client(http)
    form = {**lapor_form(http, url), "description": ""}
    good = phone_photo(gps=False, size=(600, 400))
    page = html(http.post(f"{url}/r/36.71/lapor", data=form, timeout=20, files=[
        ("photos", ("a.jpg", good, "image/jpeg")), ("photos", ("b.txt", b"bukan foto", "text/plain"))]), 400)
    assert 'id="galat-photos"' in page and "b.txt" in page and 'id="galat-description"' in page
    kept = re.findall(r'<input type="hidden" name="foto" value="([0-9a-f]{24})">', page)
    assert len(kept) == 1 and "1 foto sudah tersimpan" in page  # not asked again
    # fixed: the kept photo goes with the report, without uploading it again
    fixed = http.post(f"{url}/r/36.71/lapor", data={**form, "description": "Pohon tumbang.", "foto": kept},
                      allow_redirects=False, timeout=10)
    assert fixed.status_code == 303, fixed.text[:2000]
    ticket = html(http.get(f"{url}{fixed.headers['Location']}", timeout=10), 200)
    assert f"/media/{kept[0]}.jpg" in ticket
    too_many = http.post(f"{url}/r/36.71/lapor", data={**lapor_form(http, url), "foto": kept * 2}, timeout=20,
                         files=[("photos", (f"{i}.jpg", good, "image/jpeg")) for i in range(2)])
    assert "Paling banyak 3 foto" in html(too_many, 400)
