"""What makes the citizen pages keep working offline: the web app manifest, the service
worker and the one page script (static/). All optional: every page works without them."""
import json
from functools import cache
from pathlib import Path

from werkzeug.wrappers import Response

from services.gateway.http import api
from services.servicekit.described import described
from services.servicekit.regions import get_region

STATIC = Path(__file__).parent / "static"
# Browsers check for a new worker on every visit when it is not cached for long.
SCRIPT_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
MANIFEST = {"type": "object", "required": ["name", "short_name", "lang", "start_url", "scope", "display"],
            "properties": {key: {"type": "string"} for key in (
                "name", "short_name", "lang", "start_url", "scope", "display", "background_color",
                "theme_color")}}


@cache
def _static(name):
    return (STATIC / name).read_bytes()


class OfflinePages:
    @api("GET", "/sw.js")
    @described(response_type="application/javascript")
    def service_worker(self, request):
        """The service worker: keeps the region's beranda, harga, loker and lapor pages."""
        return Response(_static("sw.js"), mimetype="application/javascript", headers=SCRIPT_HEADERS)

    @api("GET", "/tl-offline.js")
    @described(response_type="application/javascript")
    def offline_script(self, request):
        """The pages' one script: registers the worker, queues a report made without signal."""
        return Response(_static("tl-offline.js"), mimetype="application/javascript",
                        headers=SCRIPT_HEADERS)

    @api("GET", "/r/<string:code>/manifest.webmanifest")
    @described(response_type="application/manifest+json", response=MANIFEST)
    def web_app_manifest(self, request, code):
        """The region's web app manifest (add Tangerang Live to the home screen)."""
        region = get_region(code)
        manifest = {"name": f"Tangerang Live {region.name}", "short_name": "Tangerang Live",
                    "lang": "id", "start_url": f"/r/{region.code}/", "scope": "/",
                    "display": "standalone", "background_color": "#f4f6f8", "theme_color": "#0b5cad"}
        return Response(json.dumps(manifest), mimetype="application/manifest+json",
                        headers={"Cache-Control": "public, max-age=3600"})
