"""Browser sessions for the server-rendered pages (citizens now, the officer console next).

A session is a signed cookie (a JWT, HS256 with TL_TOKEN_SECRET, audience
"session") naming who signed in and a CSRF token drawn for that session. The
cookie is HttpOnly, SameSite=Lax, Secure when the request came over HTTPS, and
expires. Every form POST made on behalf of a session carries the CSRF token in
a hidden field; `check_form` answers 403 without it. Nothing is stored server
side, so any gateway replica reads any session.
"""
import hmac
import secrets
import time
from dataclasses import dataclass

import jwt

from services.gateway.auth import ISSUER, ROLES
from services.servicekit.caller import Caller, token_secret
from services.servicekit.errors import Forbidden

COOKIE = "sesi"
AUDIENCE = "session"
TTL = 8 * 3600
CSRF_FIELD = "csrf"


@dataclass(frozen=True)
class Session:
    subject: str
    role: str
    region: str
    csrf: str
    opd: str | None = None

    def caller(self):
        """Who this session acts as, signed for the services' `caller` keyword."""
        return Caller(self.subject, self.role, self.region, self.opd).sign()


def secret():
    return token_secret("TL_TOKEN_SECRET")


def is_https(request):
    return request.scheme == "https" or request.headers.get("X-Forwarded-Proto", "") == "https"


def start(response, request, claims, ttl=TTL):
    """Sign `claims` (a Caller: who signed in) into the session cookie on `response`; a new CSRF token."""
    session = Session(claims.subject, claims.role, claims.region, secrets.token_urlsafe(24), claims.opd)
    now = int(time.time())
    value = jwt.encode({"sub": session.subject, "role": session.role, "region": session.region,
                        "csrf": session.csrf, "opd": session.opd, "iss": ISSUER, "aud": AUDIENCE,
                        "iat": now, "exp": now + ttl}, secret(), algorithm="HS256")
    response.set_cookie(COOKIE, value, max_age=ttl, path="/", httponly=True, samesite="Lax",
                        secure=is_https(request))
    return session


def current(request):
    """The request's valid Session, or None (no cookie, bad signature, expired)."""
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    try:
        data = jwt.decode(value, secret(), algorithms=["HS256"], issuer=ISSUER, audience=AUDIENCE,
                          options={"require": ["exp", "sub", "role", "region", "csrf"]})
    except jwt.InvalidTokenError:
        return None
    if data["role"] not in ROLES:
        return None
    return Session(data["sub"], data["role"], data["region"], data["csrf"], data.get("opd"))


def check_form(request, session):
    """403 unless the POSTed form carries this session's CSRF token."""
    sent = request.form.get(CSRF_FIELD, "")
    if session is None or not hmac.compare_digest(sent.encode(), session.csrf.encode()):
        raise Forbidden("Formulir ini kedaluwarsa atau tidak berasal dari halaman kami. "
                        "Muat ulang halaman lalu kirim lagi.", {"field": CSRF_FIELD})
    return session


def end(response, request):
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Lax", secure=is_https(request))
