"""The first step on a phone over HTTP: the region switcher on `/` and on every region
page leads to a working page for every region; each region is its own installable app
(manifest, icons) and the Android app's asset links are served as configured."""
import io
import re
from concurrent.futures import ThreadPoolExecutor

import requests
from PIL import Image

from services.gateway.web.offline import asset_links
from services.servicekit.config import load_config
from services.servicekit.regions import all_regions
from tests.pages.test_pages_http import html

PAGES = ("", "lapor", "lacak", "harga", "loker", "berita")
SWITCHER = re.compile(r'<details class="ganti">(.*?)</details>', re.S)


def switcher_links(page):
    found = SWITCHER.search(page)
    return re.findall(r'<a href="([^"]+)"', found.group(1)) if found else []


def test_the_chooser_claims_no_region_and_every_switcher_link_works(platform, http):
    url, regions = platform.url, all_regions()
    chooser = html(http.get(f"{url}/", allow_redirects=False, timeout=10), 200)
    header = chooser.split("</header>")[0]
    assert "Kota Tangerang" not in header and "/r/36.71/" not in chooser  # nobody chose yet
    assert "/pilih" not in re.sub(r'href="/pilih/\d\d\.\d\d"', "", chooser)  # no /r/<code>/pilih
    links = set(re.findall(r'href="(/pilih/[^"]+)"', chooser))
    assert len(links) == len(regions) == 18
    wanted = [(r.code, p) for r in regions for p in PAGES]
    with ThreadPoolExecutor(8) as pool:
        pages = dict(zip(wanted, pool.map(lambda rp: requests.get(f"{url}/r/{rp[0]}/{rp[1]}", timeout=20),
                                          wanted), strict=True))
    for (code, name), page in pages.items():
        assert page.status_code == 200, (code, name, page.text[:300])
        found = switcher_links(page.text)
        assert len(found) == len(regions), (code, name)
        links.update(found)
    with ThreadPoolExecutor(8) as pool:
        answers = dict(zip(sorted(links), pool.map(
            lambda link: requests.get(f"{url}{link}", allow_redirects=True, timeout=20), sorted(links)),
            strict=True))
    broken = {link: answer.status_code for link, answer in answers.items() if answer.status_code != 200}
    assert not broken and len(answers) >= 18 * len(PAGES)


def test_each_region_is_its_own_installable_app(platform, http):
    url = platform.url
    for code, name in (("36.71", "Kota Tangerang"), ("36.02", "Kabupaten Lebak")):
        answer = http.get(f"{url}/r/{code}/manifest.webmanifest", timeout=10)
        assert answer.status_code == 200
        assert answer.headers["Content-Type"].startswith("application/manifest+json")
        manifest = answer.json()
        assert manifest["name"] == f"Tangerang Live {name}"
        assert manifest["start_url"] == manifest["scope"] == manifest["id"] == f"/r/{code}/"
        assert manifest["display"] == "standalone" and re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
        seen = set()
        for icon in manifest["icons"]:
            image = http.get(f"{url}{icon['src']}", timeout=10)
            assert image.status_code == 200 and image.headers["Content-Type"] == "image/png"
            size = Image.open(io.BytesIO(image.content)).size
            assert f"{size[0]}x{size[1]}" == icon["sizes"]
            seen.add((size[0], icon["purpose"]))
        assert seen == {(192, "any"), (512, "any"), (192, "maskable"), (512, "maskable")}
        page = html(http.get(f"{url}/r/{code}/", timeout=10), 200)
        assert f'<link rel="manifest" href="/r/{code}/manifest.webmanifest">' in page
        assert f'<meta name="theme-color" content="{manifest["theme_color"]}">' in page
    assert http.get(f"{url}/icons/nope.png", timeout=10).status_code == 404


def test_asset_links_are_served_as_configured(platform, http):
    answer = http.get(f"{platform.url}/.well-known/assetlinks.json", timeout=10)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/json")
    # this deployment configures a package but no signing key yet: no statement
    assert answer.json() == []
    assert load_config_for_gateway()["ANDROID_APP_PACKAGE"] == "id.go.tangerangkota.live"


def load_config_for_gateway():
    from services.platform.service_index import SERVICES_DIR
    return load_config(SERVICES_DIR / "gateway" / "config.yaml")


def test_asset_links_name_the_package_and_every_key():
    prints = "AB:CD:" + ":".join(["01"] * 30) + " , " + "ef:" * 31 + "12"
    config = {"ANDROID_APP_PACKAGE": "id.go.lebakkab.live", "ANDROID_APP_FINGERPRINTS": prints}
    [statement] = asset_links(config)
    assert statement == {"relation": ["delegate_permission/common.handle_all_urls"],
                         "target": {"namespace": "android_app", "package_name": "id.go.lebakkab.live",
                                    "sha256_cert_fingerprints": [
                                        "AB:CD:" + ":".join(["01"] * 30), "EF:" * 31 + "12"]}}
    assert asset_links({"ANDROID_APP_PACKAGE": "id.go.x", "ANDROID_APP_FINGERPRINTS": ""}) == []
    assert asset_links({}) == []
