"""Browser sessions for the server-rendered pages (citizens and the officer console).

A session is a signed cookie (a JWT, HS256 with TL_TOKEN_SECRET, audience
"session") naming who signed in and a CSRF token drawn for that session. The
cookie is HttpOnly, SameSite=Lax, Secure when the request came over HTTPS, and
expires `ttl` after sign-in (`iat`). Every form POST made on behalf of a session
carries the CSRF token in a hidden field; `check_form` answers 403 without it.

A session may also end when unused for `idle` seconds (the console's): its `exp`
is then the idle deadline, and `slide` re-signs the cookie on each use with the
deadline moved on (same CSRF token, same `iat`, never past `iat` + `ttl`).
Nothing is stored server side, so any gateway replica reads any session.

A form that starts a session (a sign-in, AK/1 registration) has no session to
carry a token yet: it gets a pre-session one (`with_form_token`), set both as a
hidden field and as a cookie restricted to the form's path (double submit,
SameSite=Strict), and `form_token_sent` compares the two, so another site
cannot sign a browser in to an account of its choosing (login CSRF).
"""
import hmac
import secrets
import time
from dataclasses import dataclass

import jwt

from services.gateway.access.auth import ISSUER, ROLES
from services.servicekit.caller import Caller, token_secret
from services.servicekit.described import FORM_VALUES
from services.servicekit.errors import Forbidden, ValidationFailed

COOKIE = "sesi"
AUDIENCE = "session"
TTL = 8 * 3600  # one working day; then sign in again
CSRF_FIELD = "csrf"
FORM_COOKIE = "masuk_csrf"  # the pre-session token of a form that starts a session
FORM_TOKEN_TTL = 3600


@dataclass(frozen=True)
class Session:
    subject: str
    role: str
    region: str
    csrf: str
    opd: str | None = None
    username: str | None = None  # the account behind it (a seeker's differs from the subject)
    issued_at: int = 0

    def caller(self):
        """Who this session acts as, for the services' `caller` keyword (`call` signs it)."""
        return Caller(self.subject, self.role, self.region, self.opd)


def secret():
    return token_secret("TL_TOKEN_SECRET")


def is_https(request):
    """Whether the citizen reached us over TLS, here or at the ingress (which sets
    X-Forwarded-Proto). Trusting the header from anyone is safe: it can only add `Secure`,
    and a client that claims https over plain http only loses its own cookie."""
    return request.scheme == "https" or request.headers.get("X-Forwarded-Proto", "") == "https"


def start(response, request, claims, ttl=TTL, username=None, idle=None):
    """Sign `claims` (a servicekit Caller) into the session cookie on `response`; a new CSRF token.
    `username` names the account, for checks that it is still enabled (the console's); `idle`
    (seconds), when given, ends the session once unused that long (see `slide`)."""
    now = int(time.time())
    session = Session(claims.subject, claims.role, claims.region, secrets.token_urlsafe(24), claims.opd,
                      username, now)
    _set_cookie(response, request, session, now, ttl, idle)
    return session


def slide(response, request, session, ttl, idle):
    """Re-sign `session` onto `response` with its idle deadline `idle` seconds from now, never
    past `ttl` after sign-in; the CSRF token stays, so forms open in other tabs still post."""
    _set_cookie(response, request, session, int(time.time()), ttl, idle)


def _set_cookie(response, request, session, now, ttl, idle):
    end = session.issued_at + ttl
    value = jwt.encode({"sub": session.subject, "role": session.role, "region": session.region,
                        "csrf": session.csrf, "opd": session.opd, "usr": session.username, "iss": ISSUER,
                        "aud": AUDIENCE, "iat": session.issued_at,
                        "exp": min(now + idle, end) if idle else end}, secret(), algorithm="HS256")
    # The browser keeps the cookie until the absolute end, past an idle deadline, so that a
    # session ended by idleness is still told apart from no session (`ended_idle`).
    response.set_cookie(COOKIE, value, max_age=end - now, path="/", httponly=True, samesite="Lax",
                        secure=is_https(request))


def current(request):
    """The request's valid Session, or None (no cookie, bad signature, expired, or signed in
    more than TTL seconds ago)."""
    data = _claims(request, verify_exp=True)
    if data is None or data["iat"] + TTL <= time.time():
        return None
    return Session(data["sub"], data["role"], data["region"], data["csrf"], data.get("opd"),
                   data.get("usr"), data["iat"])


def ended_idle(request):
    """Whether the request carries a genuine session whose idle deadline (`exp`) has passed
    while its absolute end (`iat` + TTL) has not: one that ended by idleness."""
    data = _claims(request, verify_exp=False)
    return data is not None and data["exp"] <= time.time() < data["iat"] + TTL


def _claims(request, verify_exp):
    """The session cookie's verified claims, or None (no cookie, bad signature, unknown role)."""
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    try:
        data = jwt.decode(value, secret(), algorithms=["HS256"], issuer=ISSUER, audience=AUDIENCE,
                          options={"require": ["exp", "iat", "sub", "role", "region", "csrf"],
                                   "verify_exp": verify_exp})
    except jwt.InvalidTokenError:
        return None
    return data if data["role"] in ROLES else None


def _sent_token(request):
    """The CSRF field of the POSTed form, as the form gate read it (http.read_form, run
    before any route reads a form; a refused form still carries its token); none read: ""."""
    found = request.environ.get(FORM_VALUES) or {}
    return (found.values if isinstance(found, ValidationFailed) else found).get(CSRF_FIELD, "")


def check_form(request, session):
    """403 unless the POSTed form carries this session's CSRF token."""
    sent = _sent_token(request)
    if session is None or not hmac.compare_digest(sent.encode(), session.csrf.encode()):
        raise Forbidden("Formulir ini kedaluwarsa atau tidak berasal dari halaman kami. "
                        "Muat ulang halaman lalu kirim lagi.", {"field": CSRF_FIELD})
    return session


def end(response, request):
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Lax", secure=is_https(request))


def with_form_token(request, path, render):
    """`render(token)` (the page of a form posting to `path`, with `token` in its CSRF field)
    with a new pre-session token, also set as a cookie sent only to `path`."""
    token = secrets.token_urlsafe(24)
    response = render(token)
    response.set_cookie(FORM_COOKIE, token, max_age=FORM_TOKEN_TTL, path=path, httponly=True,
                        samesite="Strict", secure=is_https(request))
    return response


def form_token_sent(request):
    """Whether the POSTed form's CSRF field matches its pre-session cookie (both present)."""
    sent = _sent_token(request)
    expected = request.cookies.get(FORM_COOKIE, "")
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


def end_form_token(response, path):
    response.delete_cookie(FORM_COOKIE, path=path)
