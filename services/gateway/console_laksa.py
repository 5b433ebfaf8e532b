"""Console section "Antrean LAKSA": the tickets of the officer's region (an OPD
officer: of their OPD), sorted by the SLA clock that runs, and a ticket page with
its history, the reporter's contact, duplicate suggestions and the actions the
officer may take. Which tickets and actions an officer gets is decided by the
aspirasi service's authority table; this module only shows it.
"""
from services.gateway import flash
from services.gateway.console import back, console, console_page
from services.gateway.http import read_form
from services.servicekit.contracts.aspirasi import STATE_LABELS
from services.servicekit.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.servicekit.rpc import RpcProxy, call

QUEUE_ROLES = ("region_admin", "opd_officer")
SECTION = "/petugas/laksa"
FILTERS = {**{name: {"type": "string"} for name in ("status", "category", "opd")}, **flash.QUERY}
ACTION_FORM = {"type": "object", "properties": {
    "csrf": {"type": "string", "maxLength": 100}, "version": {"type": "integer", "minimum": 1},
    "note": {"type": "string", "maxLength": 2000}, "opd": {"type": "string", "maxLength": 60},
    "reason": {"type": "string", "maxLength": 60}, "duplicate_of": {"type": "string", "maxLength": 40}}}
ACTION_LABELS = {"verify": "Verifikasi", "dispatch": "Teruskan ke OPD", "start": "Mulai kerjakan",
                 "resolve": "Selesaikan", "reject": "Tolak", "mark_duplicate": "Tandai duplikat"}
REASON_LABELS = {"not_our_authority": "Bukan kewenangan pemerintah daerah", "spam": "Spam atau iseng",
                 "incomplete": "Informasi tidak lengkap"}
FIELD_MESSAGES = {"note": "Catatan terlalu panjang atau berisi tag HTML; tulis sebagai teks biasa.",
                  "opd": "Pilih OPD tujuan dari daftar.", "reason": "Pilih alasan penolakan.",
                  "duplicate_of": "Isi nomor tiket asli (bukan tiket ini)."}


def _refusal(exc):
    """What the officer reads when an action is refused."""
    field = exc.details.get("field")
    if isinstance(exc, Conflict) and field == "version":
        return ("Tiket ini baru saja diubah oleh petugas lain, jadi perubahan Anda tidak disimpan. "
                "Periksa keadaan terbarunya di bawah, lalu ulangi bila masih perlu.")
    if isinstance(exc, Conflict):
        state = exc.details.get("status")
        return (f"Aksi itu tidak dapat dilakukan: tiket sekarang berstatus "
                f"\u201c{STATE_LABELS.get(state, state)}\u201d. Muat ulang halaman.")
    if isinstance(exc, Forbidden):
        return "Anda tidak berwenang melakukan aksi itu pada tiket ini."
    return FIELD_MESSAGES.get(field, "Isian belum benar. Periksa kembali.")


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
        return console_page("console/tiket.html", officer, active="laksa", ticket=ticket,
                            categories={c["code"]: c["name"] for c in categories},
                            opds=sorted({c["opd"] for c in categories}), action_labels=ACTION_LABELS,
                            reasons=REASON_LABELS)

    @console("POST", SECTION + "/<string:number>/<string:action>", QUEUE_ROLES, form=ACTION_FORM)
    def console_ticket_action(self, request, officer, number, action):
        """Take an action; a ticket changed meanwhile is refused with a clear conflict message."""
        if action not in ACTION_LABELS:
            return back(f"{SECTION}/{number}", error="Aksi itu tidak dikenal.")
        form = read_form(request)
        params = {k: (form.get(k) or "").strip() for k in ("opd", "reason", "duplicate_of")}
        try:
            officer.call(self.aspirasi.transition, number, action,
                         note=(form.get("note") or "").strip() or None,
                         expected_version=form.get("version"),
                         **{k: v for k, v in params.items() if v})
        except (Conflict, Forbidden, ValidationFailed) as exc:
            return back(f"{SECTION}/{number}", error=_refusal(exc))
        return back(f"{SECTION}/{number}", f"{ACTION_LABELS[action]}: berhasil.")
