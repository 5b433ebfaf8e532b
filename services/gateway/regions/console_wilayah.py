"""Console section "Admin wilayah": a region admin's own region only.

Categories -> OPD routing (aspirasi's catalogue), partner subscriptions (which
shared topics the region's queue receives), Open311 API keys (issue, list,
revoke; a key is shown once) and the region's officer accounts (create, disable,
enable, reset password; disabling ends the account's sessions at once).
"""
import time

from services.gateway.access import flash
from services.gateway.access.accounts import AccountRepository
from services.gateway.access.authority import DELEGABLE, account_action, authorize
from services.gateway.access.console import back, console, console_page
from services.gateway.web.errors import notice_text
from services.gateway.web.http import read_form
from services.platform import partners
from services.servicekit.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.servicekit.rpc import RpcProxy, call
from services.servicekit.store import MongoStore

ADMIN = ("region_admin",)
OFFICER_KINDS = tuple(r for r in ("opd_officer", "disnaker_officer", "price_clerk", "editor")
                      if r in DELEGABLE)
# The fields as the admin reads them beside a refusal (web/errors.notice_text, by code).
FIELD_LABELS = {"code": "Kode kategori", "name": "Nama kategori", "opd": "OPD", "username": "Nama pengguna",
                "password": "Kata sandi", "role": "Peran", "subscriptions": "Langganan",
                "sla.verify_days": "Hari verifikasi", "sla.follow_up_days": "Hari tindak lanjut",
                "verify_days": "Hari verifikasi", "follow_up_days": "Hari tindak lanjut"}
NOT_DELEGABLE = "Pilih peran dari daftar."
SECTION = "/petugas/wilayah"


# every field's cap (the accounts' and catalogue's own, code: aspirasi's CATEGORY_CODE)
FIELD_LENGTHS = {"csrf": 100, "code": 60, "name": 120, "opd": 60, "subscriptions": 8000, "label": 80,
                 "username": 64, "password": 200, "role": 40, "verify_days": 2, "follow_up_days": 2}


def form(fields):
    return {"type": "object", "properties": {name: {"type": "string", "maxLength": FIELD_LENGTHS[name]}
                                             for name in ("csrf", *fields)}}


def _message(exc):
    return notice_text(exc, "data", FIELD_LABELS)


class RegionAdminConsole:
    repo = MongoStore(AccountRepository)
    aspirasi = RpcProxy("aspirasi")

    @console("GET", SECTION, ADMIN, query=flash.QUERY)
    def console_region(self, request, officer):
        """The region's routing, subscriptions, Open311 keys and officer accounts."""
        categories = sorted(call(self.aspirasi.categories, officer.region), key=lambda c: c["code"])
        keys = officer.call(self.aspirasi.api_keys, officer.region)
        subscriptions = partners.subscriptions_for(officer.region)
        return console_page("console/wilayah.html", officer, active="wilayah", categories=categories,
                            opds=sorted({c["opd"] for c in categories}), keys=keys,
                            subscriptions=subscriptions, accounts=self.repo.officers(officer.region),
                            kinds=OFFICER_KINDS, new_key=None)

    @console("POST", SECTION + "/kategori", ADMIN,
             form=form(("code", "name", "opd", "verify_days", "follow_up_days")))
    def console_route_category(self, request, officer):
        """Route a category to an OPD (or rename it), with its SLA days; a new code adds one."""
        values = {k: (read_form(request).get(k) or "").strip() for k in ("code", "name", "opd")}
        days = {k: read_form(request).get(k) for k in ("verify_days", "follow_up_days")}
        sla = {k: int(v) if v.strip().isdigit() else v for k, v in days.items() if v and v.strip()}
        try:
            officer.call(self.aspirasi.set_category, officer.region, values["code"], values["name"],
                         values["opd"], **({"sla": sla} if sla else {}))
        except ValidationFailed as exc:
            return back(SECTION, error=_message(exc))
        return back(SECTION, f"Kategori {values['code']} diteruskan ke {values['opd']}.")

    @console("POST", SECTION + "/kategori/<string:category>/pensiunkan", ADMIN, form=form(()))
    def console_retire_category(self, request, officer, category):
        """Retire a category: no longer offered for new reports; its tickets keep it."""
        try:
            officer.call(self.aspirasi.retire_category, officer.region, category)
        except NotFound:
            return back(SECTION, error="Kategori itu tidak ada atau sudah dipensiunkan.")
        return back(SECTION, f"Kategori {category} dipensiunkan; laporan lamanya tetap tersimpan.")

    @console("POST", SECTION + "/langganan", ADMIN, form=form(("subscriptions",)))
    def console_subscribe(self, request, officer):
        """Replace the region's subscriptions: one line per topic, `topic: from, from`."""
        lines = [line.strip() for line in (read_form(request).get("subscriptions") or "").splitlines()]
        subscriptions = []
        for line in [line for line in lines if line]:
            topic, _, sources = line.partition(":")
            subscriptions.append({"topic": topic.strip(),
                                  "from": [s.strip() for s in sources.split(",") if s.strip()]})
        authorize("manage_subscriptions", officer.caller, officer.region)
        try:
            partners.resubscribe(officer.region, subscriptions, self.partner_broker)
        except ValidationFailed as exc:
            return back(SECTION, error=f"Langganan belum disimpan: {_message(exc)}")
        return back(SECTION, f"Langganan disimpan ({len(subscriptions)} topik).")

    @console("POST", SECTION + "/kunci", ADMIN, form=form(("label",)), statuses=(201,))
    def console_issue_key(self, request, officer):
        """Issue an Open311 api_key; the key is shown once, on this answer only."""
        label = (read_form(request).get("label") or "").strip() or None
        key = officer.call(self.aspirasi.issue_api_key, officer.region, label=label)
        categories = sorted(call(self.aspirasi.categories, officer.region), key=lambda c: c["code"])
        return console_page("console/wilayah.html", officer, 201, active="wilayah", categories=categories,
                            opds=sorted({c["opd"] for c in categories}),
                            keys=officer.call(self.aspirasi.api_keys, officer.region),
                            subscriptions=partners.subscriptions_for(officer.region),
                            accounts=self.repo.officers(officer.region), kinds=OFFICER_KINDS,
                            new_key=key, notice="Kunci API baru dibuat. Salin sekarang: kunci ini "
                                                "tidak akan ditampilkan lagi.")

    @console("POST", SECTION + "/kunci/<string:key_id>/cabut", ADMIN, form=form(()))
    def console_revoke_key(self, request, officer, key_id):
        """Revoke an Open311 api_key: it stops working at once."""
        try:
            officer.call(self.aspirasi.revoke_api_key, officer.region, key_id)
        except NotFound:
            return back(SECTION, error="Kunci itu tidak ada di wilayah ini.")
        return back(SECTION, f"Kunci {key_id} dicabut.")

    @console("POST", SECTION + "/akun", ADMIN, form=form(("username", "password", "role", "opd")))
    def console_create_account(self, request, officer):
        """Create an officer account of the region."""
        form = read_form(request)
        values = {k: (form.get(k) or "").strip() for k in ("username", "password", "role", "opd")}
        if values["role"] not in OFFICER_KINDS:
            return back(SECTION, error=NOT_DELEGABLE)
        authorize(account_action(values["role"]), officer.caller, officer.region)
        try:
            self.repo.create(values["username"].lower(), values["password"], values["role"], officer.region,
                              values["opd"] if values["role"] == "opd_officer" else None)
        except ValidationFailed as exc:
            return back(SECTION, error=_message(exc))
        except Conflict:
            return back(SECTION, error=f"Nama pengguna {values['username']} sudah dipakai.")
        return back(SECTION, f"Akun {values['username'].lower()} dibuat.")

    @console("POST", SECTION + "/akun/<string:username>/<string:change>", ADMIN, form=form(("password",)))
    def console_change_account(self, request, officer, username, change):
        """Disable, enable or reset the password of an officer account of the region."""
        try:
            account = self.repo.get(username)
        except NotFound:
            account = None
        try:
            if account is None or account["role"] not in OFFICER_KINDS:
                raise Forbidden(f"{username} is not an officer account")
            authorize(account_action(account["role"]), officer.caller, account["region"])
        except Forbidden:
            return back(SECTION, error=f"Akun {username} bukan akun petugas wilayah ini.")
        now = time.time()
        if change in ("nonaktifkan", "aktifkan"):
            self.repo.set_disabled(username, change == "nonaktifkan", now)
            done = "dinonaktifkan" if change == "nonaktifkan" else "diaktifkan"
            return back(SECTION, f"Akun {username} {done}.")
        if change == "sandi":
            try:
                self.repo.reset_password(username, read_form(request).get("password") or "", now)
            except ValidationFailed as exc:
                return back(SECTION, error=_message(exc))
            return back(SECTION, f"Kata sandi {username} diganti; sesinya yang lama berakhir.")
        return back(SECTION, error="Perubahan itu tidak dikenal.")
