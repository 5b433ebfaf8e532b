"""Console section "Operator platform": regions (list with their partner queue's
backlog, onboard), and the dead-letter queues of reliable event handlers (list,
look inside, replay one or all after a fix; servicekit.deadletters).
"""
from nameko.dependency_providers import Config

from services.gateway.access import flash
from services.gateway.access.authority import authorize
from services.gateway.access.console import back, console, console_page
from services.gateway.regions.admin_api import _Catalogue
from services.gateway.web.errors import notice_text
from services.gateway.web.http import read_form
from services.platform import partners
from services.platform.release_registry import region_releases
from services.servicekit import deadletters
from services.servicekit.errors import ValidationFailed
from services.servicekit.regions import all_regions
from services.servicekit.release import supported_window
from services.servicekit.rpc import RpcProxy

OPERATOR = ("platform_operator",)
SECTION = "/petugas/platform"
REGION_FORM = {"type": "object", "properties": {
    name: {"type": "string", "maxLength": size} for name, size in (
    ("csrf", 100), ("code", 5), ("name", 120), ("province", 80), ("domain", 253), ("timezone", 60),
    ("edge", 10))}}
FIELD_NAMES = {"code": "Kode wilayah (mis. 36.05)", "name": "Nama", "province": "Provinsi",
               "domain": "Domain", "timezone": "Zona waktu", "edge": "Edge"}
LETTERS_SHOWN = 200


class PlatformConsole:
    config = Config()
    aspirasi = RpcProxy("aspirasi")

    @console("GET", SECTION, OPERATOR, query=flash.QUERY)
    def console_platform(self, request, officer):
        """Regions with their partner queue's backlog, and the dead-letter queues."""
        return self._platform_page(officer)

    def _platform_page(self, officer, status=200, **context):
        authorize("manage_regions", officer.caller)
        depths = self.partner_broker.queue_depths()
        releases = region_releases()  # each region's last-seen release (release_registry.py)
        regions = [{**r.to_dict(), "backlog": depths.get(partners.queue_name(r.code)),
                    "release": releases.get(r.code)} for r in all_regions()]
        outside = [r for r in regions if r["release"] and not r["release"]["supported"]]
        return console_page("console/platform.html", officer, status, active="platform", region_rows=regions,
                            outside=outside, window=supported_window(),
                            dead=deadletters.dead_queues(self.partner_broker), **context)

    @console("POST", SECTION + "/wilayah", OPERATOR, form=REGION_FORM)
    def console_onboard(self, request, officer):
        """Onboard (or update) a region; its broker password is shown once."""
        form = read_form(request)
        entry = {k: (form.get(k) or "").strip() for k in FIELD_NAMES if k != "edge"}
        entry = {k: v for k, v in entry.items() if v}
        entry["edge"] = form.get("edge") == "ya"
        caller = authorize("manage_regions", officer.caller)
        try:
            result = partners.onboard(entry, self.partner_broker, _Catalogue(self.aspirasi, caller))
        except ValidationFailed as exc:
            return self._platform_page(officer, 400, values=entry,
                                       problem=notice_text(exc, "wilayah", FIELD_NAMES))
        return self._platform_page(officer, 201, onboarded=result,
                                   notice=f"Wilayah {result['region']['name']} ({result['region']['code']}) "
                                          "terdaftar.")

    @console("GET", SECTION + "/surat-mati/<string:queue>", OPERATOR,
             query=flash.QUERY)
    def console_dead_letters(self, request, officer, queue):
        """The dead letters of one handler queue (they all stay queued)."""
        authorize("manage_dead_letters", officer.caller)
        if queue not in {q["queue"] for q in deadletters.dead_queues(self.partner_broker)}:
            return console_page("console/galat.html", officer, 404, title="Antrean tidak ada",
                                message=f"Tidak ada antrean surat mati {queue}.")
        letters = deadletters.list_letters(self.config["AMQP_URI"], queue, LETTERS_SHOWN)
        return console_page("console/surat_mati.html", officer, active="platform", queue=queue,
                            letters=letters, shown=LETTERS_SHOWN)

    @console("POST", SECTION + "/surat-mati/<string:queue>/ulang", OPERATOR,
             form={"type": "object", "properties": {k: {"type": "string", "maxLength": 100}
                                    for k in ("csrf", "event_id")}})
    def console_replay(self, request, officer, queue):
        """Replay one dead letter (event_id), or all of them (no event_id)."""
        authorize("manage_dead_letters", officer.caller)
        if queue not in {q["queue"] for q in deadletters.dead_queues(self.partner_broker)}:
            return console_page("console/galat.html", officer, 404, title="Antrean tidak ada",
                                message=f"Tidak ada antrean surat mati {queue}.")
        event_id = (read_form(request).get("event_id") or "").strip() or None
        path = f"{SECTION}/surat-mati/{queue}"
        try:
            replayed = deadletters.replay_letters(self.config["AMQP_URI"], queue, event_id)
        except deadletters.DeadLetterError as exc:
            return back(path, error=f"Tidak diputar ulang: {exc}")
        return back(path, f"{len(replayed)} event diputar ulang ke {queue}.")
