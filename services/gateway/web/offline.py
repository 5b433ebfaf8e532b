"""What makes the citizen pages an installable app that keeps working offline: the web app
manifest (one app per region), its icons, the service worker and the one page script
(static/), and the Android app's asset links. All optional: every page works without them.
And the site icon, the other static file every page asks for."""
import json
from functools import cache
from pathlib import Path

from nameko.dependency_providers import Config
from werkzeug.wrappers import Response

from services.gateway.web.http import api
from services.gateway.web.pages import page
from services.gateway.web.policies import CHECK_EVERY_TIME, Policy, public
from services.gateway.web.templating import app_brand
from services.servicekit.described import described
from services.servicekit.errors import NotFound
from services.servicekit.regions import get_region

STATIC = Path(__file__).parents[1] / "static"
# Browsers check for a new worker on every visit when it is not cached for long.
SCRIPT_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
MANIFEST = {"type": "object", "required": ["name", "short_name", "lang", "start_url", "scope", "display"],
            "properties": {key: {"type": "string"} for key in (
                "name", "short_name", "lang", "start_url", "scope", "display", "background_color",
                "theme_color", "description", "id", "dir", "orientation")} | {"icons": {"type": "array"}}}
# name -> (size, purpose); the files are made by static/icons/make_icons.py
ICONS = {"icon-192.png": (192, "any"), "icon-512.png": (512, "any"),
         "maskable-192.png": (192, "maskable"), "maskable-512.png": (512, "maskable")}
ICON_POLICY = Policy("public, max-age=86400")
STATEMENT = ["relation", "target"]
ASSET_LINKS = {"type": "array", "items": {"type": "object", "required": STATEMENT, "properties": {
    "relation": {"type": "array", "items": {"type": "string"}},
    "target": {"type": "object", "properties": {
        "namespace": {"type": "string"}, "package_name": {"type": "string"},
        "sha256_cert_fingerprints": {"type": "array", "items": {"type": "string"}}}}}}}


@cache
def _static(name):
    return (STATIC / name).read_bytes()


class OfflinePages:
    config = Config()

    @page("GET", "/favicon.ico", response_type="image/svg+xml", cache=public(86400, 86400))
    def favicon(self, request):
        """The site icon (SVG; every current browser reads it), cached for a day."""
        return Response(_static("favicon.svg"), mimetype="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})

    # No-store would keep the worker from keeping them; the manifest changes with a deployment.
    @api("GET", "/sw.js", cache=CHECK_EVERY_TIME)
    @described(response_type="application/javascript")
    def service_worker(self, request):
        """The service worker: keeps the region's beranda, harga, loker and lapor pages."""
        return Response(_static("sw.js"), mimetype="application/javascript", headers=SCRIPT_HEADERS)

    @api("GET", "/tl-offline.js", cache=CHECK_EVERY_TIME)
    @described(response_type="application/javascript")
    def offline_script(self, request):
        """The pages' one script: registers the worker, queues a report made without signal."""
        return Response(_static("tl-offline.js"), mimetype="application/javascript",
                        headers=SCRIPT_HEADERS)

    @api("GET", "/r/<string:code>/manifest.webmanifest", cache=Policy("public, max-age=3600"))
    @described(response_type="application/manifest+json", response=MANIFEST)
    def web_app_manifest(self, request, code):
        """The region's web app manifest: its own installable app (name from the region's
        brand, start and scope at the region's pages, standalone, icons incl. maskable)."""
        return Response(json.dumps(web_manifest(get_region(code))), mimetype="application/manifest+json",
                        headers={"Cache-Control": "public, max-age=3600"})

    @api("GET", "/icons/<string:name>.png", cache=ICON_POLICY)
    @described(response_type="image/png")
    def app_icon(self, request, name):
        """An installed app's icon (192 or 512 px; "maskable-" ones full bleed)."""
        if f"{name}.png" not in ICONS:
            raise NotFound(f"no icon {name}.png")
        return Response(_static(f"icons/{name}.png"), mimetype="image/png",
                        headers={"Cache-Control": ICON_POLICY.cache_control})

    @api("GET", "/.well-known/assetlinks.json", cache=Policy("public, max-age=3600"))
    @described(response=ASSET_LINKS)
    def asset_links(self, request):
        """Digital Asset Links: the Android app (clients/android/, a Trusted Web Activity)
        that may show these pages full screen, from the deployment's configuration."""
        return Response(json.dumps(asset_links(self.config)), mimetype="application/json",
                        headers={"Cache-Control": "public, max-age=3600"})


def web_manifest(region) -> dict:
    brand = app_brand(region)
    home = f"/r/{region.code}/"
    return {"id": home, "name": brand.name, "short_name": brand.short_name, "lang": "id", "dir": "ltr",
            "description": f"Layanan warga {region.name}: lapor, harga bahan pokok, lowongan kerja, berita.",
            "start_url": home, "scope": home, "display": "standalone", "orientation": "portrait",
            "background_color": "#f4f6f8", "theme_color": brand.theme_color,
            "icons": [{"src": f"/icons/{name}", "sizes": f"{size}x{size}", "type": "image/png",
                       "purpose": purpose} for name, (size, purpose) in ICONS.items()]}


def asset_links(config) -> list:
    """The assetlinks.json statements: one for the configured app package, with every
    signing-key fingerprint (comma separated; Play App Signing and upload keys differ);
    none while no fingerprint is configured (an empty list is a valid "no app")."""
    package = (config.get("ANDROID_APP_PACKAGE") or "").strip()
    listed = str(config.get("ANDROID_APP_FINGERPRINTS") or "").split(",")
    prints = [f.strip().upper() for f in listed if f.strip()]
    if not package or not prints:
        return []
    return [{"relation": ["delegate_permission/common.handle_all_urls"],
             "target": {"namespace": "android_app", "package_name": package,
                        "sha256_cert_fingerprints": prints}}]
