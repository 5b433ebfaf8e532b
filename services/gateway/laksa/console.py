"""Console section "Antrean LAKSA": the tickets of the officer's region (an OPD
officer: of their OPD), sorted by the SLA clock that runs, and a ticket page with
its history, the reporter's contact, duplicate suggestions and the actions the
officer may take. Which tickets and actions an officer gets is decided by the
aspirasi service's authority table; this module only shows it.
"""
from services.gateway.access import flash
from services.gateway.access.console import back, console, console_page
from services.gateway.laksa.media import local_photos
from services.gateway.web.errors import notice_text
from services.gateway.web.http import read_form
from services.servicekit.contracts.aspirasi import STATE_LABELS
from services.servicekit.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.servicekit.rpc import RpcProxy, call

QUEUE_ROLES = ("region_admin", "opd_officer")
SECTION = "/petugas/laksa"
# What an officer's queue lists when no status is chosen: an OPD officer acts only on what
# was dispatched to their OPD (the region admin verifies and dispatches the rest).
DEFAULT_STATUSES = {"opd_officer": ("dispatched", "in_progress")}
FILTERS = {**{name: {"type": "string"} for name in ("status", "category", "opd")}, **flash.QUERY}
ACTION_FORM = {"type": "object", "properties": {
    "csrf": {"type": "string", "maxLength": 100}, "version": {"type": "integer", "minimum": 1},
    "note": {"type": "string", "maxLength": 2000}, "opd": {"type": "string", "maxLength": 60},
    "reason": {"type": "string", "maxLength": 60}, "duplicate_of": {"type": "string", "maxLength": 40},
    "confirmed": {"type": "string", "enum": ["ya"]}}}
ACTION_LABELS = {"verify": "Verifikasi", "dispatch": "Teruskan ke OPD", "start": "Mulai kerjakan",
                 "resolve": "Selesaikan", "reject": "Tolak", "mark_duplicate": "Tandai duplikat",
                 "hand_back": "Kembalikan ke admin wilayah"}
# Actions that close a ticket for good: the officer confirms once more, seeing the original.
CONFIRM = {"reject": "Laporan ini akan ditolak dan ditutup; pelapor membaca alasannya.",
           "mark_duplicate": "Laporan ini akan ditutup sebagai duplikat dari laporan di bawah ini."}
# Who reads an action's note (the domain's note_readers), in the officer's words.
READERS_LABELS = {"public": "publik: dibaca pelapor dan siapa pun yang melacak tiket",
                  "internal": "internal: hanya dibaca petugas, tidak tampil untuk publik"}
REASON_LABELS = {"not_our_authority": "Bukan kewenangan pemerintah daerah", "spam": "Spam atau iseng",
                 "incomplete": "Informasi tidak lengkap"}
# The form's fields as the officer reads them beside a refusal (web/errors.notice_text).
FIELD_LABELS = {"note": "Catatan atau alasan", "opd": "OPD tujuan", "reason": "Alasan penolakan",
                "duplicate_of": "Nomor tiket asli", "version": "Versi"}


class LaksaConsole:
    aspirasi = RpcProxy("aspirasi")

    @console("GET", SECTION, QUEUE_ROLES, query=FILTERS)
    def console_queue(self, request, officer):
        """The queue: filters, counts per status, soonest due (overdue) first."""
        chosen = {k: (request.args.get(k) or "").strip() or None for k in ("status", "category", "opd")}
        if chosen["status"] not in (None, *STATE_LABELS):
            chosen["status"] = None
        queue = officer.call(self.aspirasi.officer_queue, officer.region, status=chosen["status"],
                             category=chosen["category"], opd=chosen["opd"])
        default = DEFAULT_STATUSES.get(officer.role)
        if default and not chosen["status"]:
            queue = {**queue, "items": [t for t in queue["items"] if t["status"] in default]}
        categories = call(self.aspirasi.categories, officer.region)
        return console_page("console/laksa.html", officer, active="laksa", queue=queue, chosen=chosen,
                            categories={c["code"]: c["name"] for c in categories},
                            opds=sorted({c["opd"] for c in categories}))

    @console("GET", SECTION + "/<string:number>", QUEUE_ROLES, query=FILTERS)
    def console_ticket(self, request, officer, number):
        """A ticket with its full history, contact, duplicates and the officer's actions."""
        try:
            ticket = officer.call(self.aspirasi.get_ticket_private, number)
        except NotFound:
            return console_page("console/galat.html", officer, 404, title="Tiket tidak ditemukan",
                                message=f"Tiket {number} tidak ada.")
        except Forbidden:
            return console_page("console/galat.html", officer, 403, title="Bukan tiket Anda",
                                message=f"Tiket {number} bukan wewenang Anda.")
        categories = call(self.aspirasi.categories, officer.region)
        ticket = {**ticket, "photos": local_photos(ticket.get("photos"))}
        return console_page("console/tiket.html", officer, active="laksa", ticket=ticket,
                            categories={c["code"]: c["name"] for c in categories},
                            opds=sorted({c["opd"] for c in categories}), action_labels=ACTION_LABELS,
                            reasons=REASON_LABELS, readers_labels=READERS_LABELS)

    @console("POST", SECTION + "/<string:number>/<string:action>", QUEUE_ROLES, form=ACTION_FORM)
    def console_ticket_action(self, request, officer, number, action):
        """Take an action; a ticket changed meanwhile is refused with a clear conflict message."""
        if action not in ACTION_LABELS:
            return back(f"{SECTION}/{number}", error="Aksi itu tidak dikenal.")
        form = read_form(request)
        params = {k: (form.get(k) or "").strip() for k in ("opd", "reason", "duplicate_of")}
        if action in CONFIRM and form.get("confirmed") != "ya":
            return self._confirm(officer, number, action, form, params)
        return self._act(officer, number, action, form, params)

    def _act(self, officer, number, action, form, params):
        try:
            officer.call(self.aspirasi.transition, number, action,
                         note=(form.get("note") or "").strip() or None,
                         expected_version=form.get("version"),
                         **{k: v for k, v in params.items() if v})
        except (Conflict, Forbidden, ValidationFailed) as exc:
            return back(f"{SECTION}/{number}", error=notice_text(exc, "tiket", FIELD_LABELS))
        return back(f"{SECTION}/{number}", f"{ACTION_LABELS[action]}: berhasil.")

    def _confirm(self, officer, number, action, form, params):
        """The page that asks once more before an irreversible action, showing the original a
        duplicate would point to (as the public sees it). An original that cannot be read
        goes straight to the domain, whose guard refuses it by name, nothing changed."""
        original = None
        if action == "mark_duplicate":
            try:
                original = call(self.aspirasi.get_ticket, params["duplicate_of"] or "-")
            except NotFound:
                return self._act(officer, number, action, form, params)
        return console_page("console/konfirmasi_tiket.html", officer, active="laksa", number=number,
                            action=action, label=ACTION_LABELS[action], warning=CONFIRM[action],
                            form=form, params=params, original=original, reasons=REASON_LABELS)
