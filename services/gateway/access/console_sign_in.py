"""The officer console's own pages: sign-in (officers only; failed attempts limited per
client and per account, sign_in.py), sign-out, and the start page with the sections of
the officer's role. Sessions and the helpers every section uses are in access/console.py."""
from urllib.parse import quote, urlencode

from services.gateway.access import flash, sessions
from services.gateway.access.accounts import AccountRepository
from services.gateway.access.console import (
    HOME,
    OFFICER_ROLES,
    SIGN_IN,
    IdleMinutes,
    console,
    console_page,
    csrf_field,
)
from services.gateway.access.ratelimit import RateLimits
from services.gateway.access.sign_in import check_password
from services.gateway.web.http import read_form
from services.gateway.web.pages import page
from services.gateway.web.templating import goto, render
from services.servicekit.errors import RateLimited
from services.servicekit.rpc import RpcProxy
from services.servicekit.store import MongoStore

SIGN_IN_FORM = {"type": "object", "required": ["username", "password"], "properties": {
    "username": {"type": "string", "maxLength": 64}, "password": {"type": "string", "maxLength": 200},
    "next": {"type": "string", "maxLength": 500}, sessions.CSRF_FIELD: {"type": "string", "maxLength": 100}}}
CSRF_ONLY = {"type": "object", "properties": {sessions.CSRF_FIELD: {"type": "string", "maxLength": 100}}}


def _safe_next(target):
    """Only console pages: never another site, never a citizen page."""
    target = (target or "").strip()
    allowed = target.startswith("/petugas/") and "//" not in target and target.isprintable()
    return target if allowed else HOME  # a line break would otherwise reach the Location header


class ConsolePages:
    repo = MongoStore(AccountRepository)
    limits = RateLimits()
    console_idle_minutes = IdleMinutes()
    aspirasi = RpcProxy("aspirasi")

    @page("GET", SIGN_IN, query={"next": {"type": "string"}, **flash.QUERY})
    def console_sign_in_form(self, request):
        """The officers' sign-in form."""
        session = sessions.current(request)
        target = _safe_next(request.args.get("next"))
        if session and session.role in OFFICER_ROLES and self.repo.in_force(
                session.username or session.subject, session.issued_at):
            return goto(target)
        return self._sign_in_form(request, {"next": target}, notice=flash.read(request.args, "")[0])

    def _sign_in_form(self, request, values, status=200, error=None, notice=None, headers=None):
        return sessions.with_form_token(request, SIGN_IN, lambda token: render(
            "console/masuk.html", status=status, headers=headers, values=values, error=error,
            notice=notice, csrf_field=lambda: csrf_field(token)))

    @page("POST", SIGN_IN, form=SIGN_IN_FORM, statuses=(303, 403, 429))
    def console_sign_in(self, request):
        """Sign in (officers only); failed attempts are limited per client and per account
        (429 with Retry-After)."""
        form = read_form(request)
        if not sessions.form_token_sent(request):
            return render("galat.html", status=403, status_code=403,
                          title="Formulir kedaluwarsa",
                          message="Formulir masuk ini kedaluwarsa. Buka lagi halaman masuk lalu kirim.")
        username = (form.get("username") or "").strip().lower()
        target = _safe_next(form.get("next"))
        values = {"username": username, "next": target}
        try:
            signed_in = check_password(self.repo, self.limits, request, username,
                                       form.get("password") or "", OFFICER_ROLES)
        except RateLimited as exc:
            retry = exc.details["retry_after"]
            return self._sign_in_form(request, values, 429, headers={"Retry-After": str(retry)},
                                      error=f"Terlalu banyak percobaan masuk yang gagal. "
                                            f"Coba lagi dalam {retry} detik.")
        if signed_in is None:
            return self._sign_in_form(request, values, 400, error="Nama pengguna atau kata sandi salah.")
        response = goto(target)
        sessions.start(response, request, signed_in.caller, username=username,
                       idle=self.console_idle_minutes * 60)
        sessions.end_form_token(response, SIGN_IN)
        return response

    @page("POST", "/petugas/keluar", form=CSRF_ONLY, statuses=(303, 403))
    def console_sign_out(self, request):
        """Sign out (with the session's CSRF token, so no other site can sign you out)."""
        session = sessions.current(request)
        if session is not None:
            sessions.check_form(request, session)
        response = goto(f"{SIGN_IN}?" + urlencode(flash.params("", "Anda sudah keluar."), quote_via=quote))
        sessions.end(response, request)
        return response

    @console("GET", HOME, OFFICER_ROLES)
    def console_home(self, request, officer):
        """The console's start page: what waits for the officer in LAKSA (counts from the
        aspirasi service, which reads no ticket for them), then the sections of the role."""
        laksa = any(s.key == "laksa" for s in officer.sections())
        counts = officer.call(self.aspirasi.officer_home_counts, officer.region) if laksa else {}
        return console_page("console/beranda.html", officer, active="beranda", counts=counts)
