"""The officer console under /petugas/: sign-in, sessions, the layout, and the helpers
every console section is written with.

Officers sign in at /petugas/masuk (username, password) into the page session of
sessions.py (signed HttpOnly cookie with its CSRF token). A session ends when unused
for CONSOLE_IDLE_MINUTES (gateway config, default 30: office PCs are shared), and
8 h after sign-in however busy; every console answer slides the idle deadline on.
Every console request checks that the account behind the session is still enabled
and its password not reset since (AccountRepository.in_force), so disabling an
account ends its sessions at once. Only officers' accounts sign in here; failed
sign-ins are limited per client and per account, counted before the password
check (sign_in.py), and answered past the limit by the sign-in form itself (429).

Adding a section (e.g. "Disnaker"):

1. A mixin in its domain's package (`services/gateway/<domain>/console.py`) whose routes are
   `@console("GET", "/petugas/<name>", ROLES)`; the handler receives
   `(self, request, officer, **url_args)`, `officer` being the signed-in `Officer`.
   POST routes get their CSRF token checked before the handler runs (403 without).
2. Call services as the officer with `officer.call(self.<service>.<rpc>, ...)`: it
   passes the officer as the signed `caller` every identity-bearing RPC takes (public
   RPCs, such as a catalogue, are called with `servicekit.rpc.call`), and the
   service's authority table decides (servicekit.authority); a refusal comes back as
   the kit's typed error. What the gateway itself owns (accounts, the broker) is
   checked with `gateway.authority.authorize(action, officer.caller, region)`.
3. Answer with `console_page("console/<name>.html", officer, **context)`; the template
   extends "console/base.html" and puts `{{ csrf_field() }}` in every form.
   `back(path, notice)` redirects after a POST with a notice the next page shows.
4. Add a `Section(key, label, path, roles)` to NAV and the mixin to its package's
   `routes.py` (the class GatewayService composes).

The sign-in, sign-out and start page are in access/console_sign_in.py.
"""
import functools
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from markupsafe import Markup, escape
from nameko.extensions import DependencyProvider

from services.gateway.access import flash, sessions
from services.gateway.web.http import FormRefused, read_form
from services.gateway.web.messages import gate_summary
from services.gateway.web.pages import page
from services.gateway.web.templating import goto, render
from services.servicekit.caller import Caller
from services.servicekit.errors import ConfigError, Forbidden
from services.servicekit.regions import get_region
from services.servicekit.rpc import call

SIGN_IN = "/petugas/masuk"
HOME = "/petugas/"
IDLE_MINUTES = 30  # CONSOLE_IDLE_MINUTES unless configured
IDLE_NOTICE = "Sesi Anda berakhir karena tidak ada aktivitas selama {} menit. Silakan masuk lagi."
OFFICER_ROLES = ("opd_officer", "disnaker_officer", "price_clerk", "editor", "region_admin",
                 "platform_operator")
ROLE_NAMES = {"opd_officer": "Petugas OPD", "disnaker_officer": "Petugas Disnaker",
              "price_clerk": "Petugas harga pasar", "editor": "Editor berita",
              "region_admin": "Admin wilayah", "platform_operator": "Operator platform"}


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    path: str
    roles: tuple


NAV = [
    Section("laksa", "Antrean LAKSA", "/petugas/laksa", ("region_admin", "opd_officer")),
    Section("kinerja", "Kinerja", "/petugas/kinerja", ("region_admin", "platform_operator")),
    Section("wilayah", "Admin wilayah", "/petugas/wilayah", ("region_admin",)),
    Section("platform", "Operator platform", "/petugas/platform", ("platform_operator",)),
    Section("disnaker", "Disnaker", "/petugas/disnaker", ("disnaker_officer", "region_admin")),
    Section("harga", "Harga pasar", "/petugas/harga", ("price_clerk", "region_admin")),
    Section("berita", "Berita", "/petugas/berita", ("editor",)),
]


@dataclass(frozen=True)
class Officer:
    """The signed-in officer of a console request."""
    session: sessions.Session
    request: object = None

    @property
    def subject(self):
        return self.session.subject

    @property
    def username(self):
        return self.session.username or self.session.subject

    @property
    def role(self):
        return self.session.role

    @property
    def region(self):
        return self.session.region

    @property
    def opd(self):
        return self.session.opd

    @property
    def csrf(self):
        return self.session.csrf

    def sections(self):
        return [s for s in NAV if self.role in s.roles]

    @property
    def caller(self):
        return Caller(self.subject, self.role, self.region, self.opd)

    def call(self, method, *args, **kwargs):
        """An RPC made as this officer, signed (the services decide what the officer may do)."""
        return call(method, *args, caller=self.caller, **kwargs)


def console(method, url, roles, query=None, form=None, statuses=(), response_type="text/html"):
    """A console route for `roles`: no session -> the sign-in page; a session whose
    account was disabled -> signed out; another role -> 403; a POST without the
    session's CSRF token -> 403. The handler gets the `Officer` after the request."""
    def decorate(fn):
        @functools.wraps(fn)
        def handler(self, request, **kwargs):
            session = sessions.current(request)
            if session is None or session.role not in OFFICER_ROLES:
                return _signed_out(request, self.console_idle_minutes)
            if not self.repo.in_force(session.username or session.subject, session.issued_at):
                return _ended(request, "Sesi Anda sudah tidak berlaku. Silakan masuk lagi.")
            officer = Officer(session, request)
            response = flash.sign_redirect(_answer(self, fn, request, officer, roles, kwargs), session.csrf)
            sessions.slide(response, request, session, sessions.TTL, self.console_idle_minutes * 60)
            return response
        route = page(method, url, query=query, form=form, statuses=statuses + (303, 403, 400),
                     response_type=response_type, gated=False)(handler)
        route.__openapi__["form_gate"] = "console" if form is not None else None  # in _answer
        route.__openapi__["roles"] = tuple(roles)  # who may send it (the form sweep signs in so)
        return route
    return decorate


def _answer(service, fn, request, officer, roles, url_args):
    """The handler's answer, after the CSRF token of a POST and the officer's role are checked."""
    refusal = None
    if request.method == "POST":
        try:
            read_form(request)  # the form gate; what it refuses is said once the sender may send
        except FormRefused as exc:
            refusal = exc
        try:
            sessions.check_form(request, officer.session)
        except Forbidden:
            return refused(officer, "Formulir ini kedaluwarsa atau tidak berasal dari konsol. "
                                    "Muat ulang halaman lalu kirim lagi.")
    if officer.role not in roles:
        return refused(officer, "Bagian ini bukan untuk peran Anda.")
    if refusal is not None:
        return console_page("console/galat.html", officer, 400, title="Isian belum benar",
                            message=gate_summary(refusal))
    return fn(service, request, officer, **url_args)


def console_page(template, officer, status=200, **context):
    """A console page in the officer's region (never cached: a console route declares no
    cache policy, and a request with a session is answered no-store; web/cache.py)."""
    region = get_region(officer.region)
    notice, problem = flash.read(officer.request.args if officer.request is not None else {}, officer.csrf)
    context.setdefault("notice", notice)
    context.setdefault("problem", problem)
    return render(template, region, status, officer=officer,
                  role_names=ROLE_NAMES, csrf_field=lambda: csrf_field(officer.csrf), **context)


def refused(officer, message, status=403):
    return console_page("console/galat.html", officer, status, title="Tidak diizinkan", message=message)


def back(path, notice=None, error=None):
    """Redirect after a POST; the next page shows `notice` (or `error`), once the console
    route has signed them for the session (flash.py)."""
    params = {k: v for k, v in ((flash.NOTICE, notice), (flash.PROBLEM, error)) if v}
    return goto(path + (("&" if "?" in path else "?") + urlencode(params) if params else ""))


def csrf_field(token):
    return Markup(f'<input type="hidden" name="{sessions.CSRF_FIELD}" value="{escape(token)}">')


def _signed_out(request, idle_minutes):
    """The sign-in for a request without a session, saying so if its session ended by idleness."""
    if sessions.ended_idle(request):
        return _ended(request, IDLE_NOTICE.format(idle_minutes))
    return _to_sign_in(request)


def _ended(request, notice):
    """The sign-in, with `notice`, for a request whose session cookie no longer counts (cleared)."""
    response = _to_sign_in(request, notice)
    sessions.end(response, request)
    return response


def _to_sign_in(request, notice=None):
    target = request.path + (f"?{request.query_string.decode()}" if request.query_string else "")
    if request.method != "GET":
        target = HOME
    params = {"next": target, **flash.params("", notice)}  # the sign-in page: no session to bind
    return goto(f"{SIGN_IN}?{urlencode(params, quote_via=quote)}")


class IdleMinutes(DependencyProvider):
    """CONSOLE_IDLE_MINUTES of the gateway's config, checked as the gateway starts."""

    def setup(self):
        minutes = self.container.config.get("CONSOLE_IDLE_MINUTES", IDLE_MINUTES)
        if type(minutes) is not int or not 1 <= minutes <= sessions.TTL // 60:
            raise ConfigError(f"CONSOLE_IDLE_MINUTES must be whole minutes from 1 to {sessions.TTL // 60}, "
                              f"not {minutes!r}")
        self.minutes = minutes

    def get_dependency(self, worker_ctx):
        return self.minutes
