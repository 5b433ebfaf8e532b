"""Every citizen page says what it is in a meta description (#31: Lighthouse's SEO audit and
search results): exactly one, not empty, in the region's name, and no two pages the same,
read over real HTTP from the running gateway."""
import uuid
from html.parser import HTMLParser

import requests

REGION_NAME = "Kota Tangerang"
PAGES = ["/r/36.71/", "/r/36.71/lapor", "/r/36.71/lacak", "/r/36.71/harga", "/r/36.71/harga/peta",
         "/r/36.71/harga/banding", "/r/36.71/loker", "/r/36.71/berita", "/r/36.71/ak1/daftar", "/ak1/masuk"]


class Metas(HTMLParser):
    def __init__(self):
        super().__init__()
        self.descriptions = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name") == "description":
            self.descriptions.append(attrs.get("content") or "")



def submit(platform, reporter):
    """A report of 36.71 whose ticket page the test reads."""
    body = {"category": "sampah", "description": f"Sampah menumpuk di depan pasar {uuid.uuid4().hex[:6]}.",
            "location": {"address": "Jl. Merdeka 5, Sukasari"}, "reporter": {"name": "Siti", **reporter}}
    response = requests.post(f"{platform.url}/api/v1/regions/36.71/aspirasi", json=body, timeout=10,
                             headers={"X-Forwarded-For": f"198.51.100.{uuid.uuid4().int % 200 + 1}"})
    assert response.status_code == 201, response.text
    return response.json()

def description(url, status=200):
    response = requests.get(url, timeout=10)
    assert response.status_code == status, (url, response.status_code)
    parser = Metas()
    parser.feed(response.text)
    assert len(parser.descriptions) == 1, (url, parser.descriptions)
    [text] = parser.descriptions
    assert 20 <= len(text.strip()) <= 200, (url, text)
    return text


def test_every_citizen_page_has_its_own_meta_description(platform):
    found = {path: description(f"{platform.url}{path}") for path in PAGES}
    assert all(REGION_NAME in text for text in found.values()), found
    assert len(set(found.values())) == len(found), found
    chooser = requests.get(f"{platform.url}/", timeout=10).url  # where "/" leads a newcomer
    assert description(chooser)

    ticket = submit(platform, {"email": "meta@contoh.id"})
    shared = description(f"{platform.url}/lacak/{ticket['number']}")
    assert shared.startswith("Sampah menumpuk di depan pasar")  # a shared page says its own
    assert description(f"{platform.url}/r/36.71/tidak-ada", 404)
