"""The page session: a signed, HttpOnly, SameSite=Lax cookie with a CSRF token per session."""
import time
from http.cookies import SimpleCookie

import jwt
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from services.gateway import sessions
from services.gateway.sessions import secret
from services.servicekit.caller import Caller
from services.servicekit.errors import Forbidden

SITI = Caller("S0123456789abcde", "citizen", "36.71")


def request(cookie=None, form=None, scheme="http", headers=None):
    builder = EnvironBuilder(method="POST" if form is not None else "GET", base_url=f"{scheme}://gw.test/",
                             data=form, headers={**({"Cookie": f"sesi={cookie}"} if cookie else {}),
                                                 **(headers or {})})
    return Request(builder.get_environ())


def started(scheme="http", headers=None, ttl=sessions.TTL):
    response = Response()
    session = sessions.start(response, request(scheme=scheme, headers=headers), SITI, ttl)
    header = response.headers["Set-Cookie"]
    return session, header, SimpleCookie(header)["sesi"].value


def test_cookie_is_signed_httponly_lax_and_expires():
    session, header, value = started()
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Max-Age=28800" in header
    assert "Secure" not in header and "Path=/" in header
    again = sessions.current(request(value))
    assert again == session
    assert Caller.verify(again.caller()) == SITI  # what services receive as `caller`
    assert sessions.current(request()) is None


@pytest.mark.parametrize("scheme, headers", [("https", None), ("http", {"X-Forwarded-Proto": "https"})])
def test_cookie_is_secure_over_https(scheme, headers):
    assert "Secure" in started(scheme, headers)[1]


def test_a_tampered_foreign_or_expired_cookie_is_no_session():
    _, _, value = started()
    claims = jwt.decode(value, secret(), algorithms=["HS256"], audience="session")
    forged = jwt.encode({**claims, "sub": "S-someone-else"}, "x" * 40, algorithm="HS256")
    bearer = jwt.encode({k: v for k, v in claims.items() if k != "aud"}, secret(), algorithm="HS256")
    expired = jwt.encode({**claims, "exp": int(time.time()) - 1}, secret(), algorithm="HS256")
    for cookie in (value[:-2] + "xx", forged, bearer, expired):
        assert sessions.current(request(cookie)) is None


def test_form_posts_need_the_sessions_csrf_token():
    session, _, value = started()
    assert sessions.check_form(request(value, {"csrf": session.csrf}), session) == session
    other, _, _ = started()  # every session draws its own token
    assert other.csrf != session.csrf
    for form in ({}, {"csrf": ""}, {"csrf": other.csrf}):
        with pytest.raises(Forbidden) as refused:
            sessions.check_form(request(value, form), session)
        assert refused.value.status == 403 and refused.value.details["field"] == "csrf"
    with pytest.raises(Forbidden):
        sessions.check_form(request(None, {"csrf": session.csrf}), None)


def test_end_clears_the_cookie():
    response = Response()
    sessions.end(response, request())
    assert 'sesi=""' in response.headers["Set-Cookie"] or "sesi=;" in response.headers["Set-Cookie"]
    assert "Max-Age=0" in response.headers["Set-Cookie"]
