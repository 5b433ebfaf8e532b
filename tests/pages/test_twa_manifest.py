"""The Android app (clients/android/twa-manifest.json, Bubblewrap's input) agrees with the web
app the gateway serves: brand, start URL, web manifest, icons, package and signing keys."""
import io
import json
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image

from services.gateway.web.offline import ICONS
from services.gateway.web.templating import app_brand
from services.platform.service_index import SERVICES_DIR
from services.servicekit.config import load_config
from services.servicekit.public_url import public_url
from services.servicekit.regions import get_region

ANDROID = Path(__file__).resolve().parents[2] / "clients" / "android"
TWA = json.loads((ANDROID / "twa-manifest.json").read_text())
REGION = "36.71"


def test_the_android_app_agrees_with_the_web_app(platform, http):
    region = get_region(REGION)
    manifest = http.get(f"{platform.url}/r/{REGION}/manifest.webmanifest", timeout=10).json()
    brand = app_brand(region)
    home = public_url(region)
    assert TWA["host"] == urlsplit(home).hostname
    assert (TWA["name"], TWA["launcherName"], TWA["themeColor"]) == (
        manifest["name"], manifest["short_name"], manifest["theme_color"]) == tuple(brand)
    assert TWA["startUrl"] == manifest["start_url"] and TWA["display"] == manifest["display"]
    assert TWA["backgroundColor"] == manifest["background_color"]
    assert TWA["webManifestUrl"] == public_url(region, f"/r/{REGION}/manifest.webmanifest")
    icons = {(i["sizes"], i["purpose"]): public_url(region, i["src"]) for i in manifest["icons"]}
    assert TWA["iconUrl"] == icons[("512x512", "any")]
    assert TWA["maskableIconUrl"] == icons[("512x512", "maskable")]
    for url in (TWA["iconUrl"], TWA["maskableIconUrl"]):  # the same files, served here
        name = url.rsplit("/", 1)[1]
        assert name in ICONS
        served = http.get(f"{platform.url}/icons/{name}", timeout=10)
        assert served.status_code == 200 and Image.open(io.BytesIO(served.content)).size == (512, 512)


def test_the_android_app_is_the_one_the_asset_links_name(platform, http):
    config = load_config(SERVICES_DIR / "gateway" / "config.yaml")
    assert TWA["packageId"] == config["ANDROID_APP_PACKAGE"]
    links = http.get(f"{platform.url}/.well-known/assetlinks.json", timeout=10).json()
    served = sorted(p for s in links for p in s["target"]["sha256_cert_fingerprints"])
    # Bubblewrap keeps them as {"name", "value"}; none until a deployment signs its app
    assert sorted(f["value"] for f in TWA["fingerprints"]) == served
