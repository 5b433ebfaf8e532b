"""The page session: a signed, HttpOnly, SameSite=Lax cookie with a CSRF token per session."""
import time
from http.cookies import SimpleCookie

import jwt
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from services.gateway.access import sessions
from services.gateway.access.sessions import secret
from services.gateway.web.http import read_form
from services.servicekit.caller import Caller
from services.servicekit.described import BODY_SCHEMA
from services.servicekit.errors import Forbidden
from tests.helpers import claims_of, resigned

SITI = Caller("S0123456789abcde", "citizen", "36.71")


def request(cookie=None, form=None, scheme="http", headers=None):
    builder = EnvironBuilder(method="POST" if form is not None else "GET", base_url=f"{scheme}://gw.test/",
                             data=form, headers={**({"Cookie": f"sesi={cookie}"} if cookie else {}),
                                                 **(headers or {})})
    made = Request(builder.get_environ())
    if form is not None:  # a form is read by the gate before any route (or the CSRF check) sees it
        made.environ[BODY_SCHEMA] = {"type": "object", "properties": {"csrf": {"type": "string"}}}
        read_form(made)
    return made


def started(scheme="http", headers=None, ttl=sessions.TTL, idle=None):
    response = Response()
    session = sessions.start(response, request(scheme=scheme, headers=headers), SITI, ttl, idle=idle)
    header = response.headers["Set-Cookie"]
    return session, header, SimpleCookie(header)["sesi"].value


def test_cookie_is_signed_httponly_lax_and_expires():
    session, header, value = started()
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Max-Age=28800" in header
    assert "Secure" not in header and "Path=/" in header
    again = sessions.current(request(value))
    assert again == session
    assert Caller.verify(again.caller().sign("pencaker"), "pencaker") == SITI  # what services receive
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


def test_a_session_signed_in_longer_ago_than_its_ttl_is_none_whatever_its_exp():
    _, _, value = started()
    now = int(time.time())
    assert sessions.current(request(resigned(value, iat=now - sessions.TTL))) is None
    assert sessions.current(request(resigned(value, iat=now - sessions.TTL + 10))) is not None


def test_an_idle_limited_session_ends_when_unused_and_slides_when_used():
    session, header, value = started(idle=1800)
    now = int(time.time())
    assert now + 1800 - 2 <= claims_of(value)["exp"] <= now + 1800  # the idle deadline
    assert "Max-Age=28800" in header  # the cookie stays until the absolute end
    lapsed = resigned(value, exp=now - 1)
    assert sessions.current(request(lapsed)) is None
    assert sessions.ended_idle(request(lapsed))
    response = Response()
    sessions.slide(response, request(value), sessions.current(request(resigned(value, exp=now + 60))),
                   sessions.TTL, 1800)
    slid = claims_of(SimpleCookie(response.headers["Set-Cookie"])["sesi"].value)
    assert slid["exp"] >= now + 1800 - 2
    assert (slid["csrf"], slid["iat"]) == (session.csrf, session.issued_at)


def test_a_slide_never_passes_the_absolute_end_and_that_end_is_not_idleness():
    _, _, value = started(idle=1800)
    now = int(time.time())
    near_end = sessions.current(request(resigned(value, iat=now - sessions.TTL + 100, exp=now + 100)))
    response = Response()
    sessions.slide(response, request(), near_end, sessions.TTL, 1800)
    cookie = SimpleCookie(response.headers["Set-Cookie"])["sesi"]
    assert claims_of(cookie.value)["exp"] == now + 100
    assert int(cookie["max-age"]) in (99, 100)  # until the absolute end (a second may have passed)
    ended = resigned(value, iat=now - sessions.TTL - 1, exp=now - 1)
    assert sessions.current(request(ended)) is None and not sessions.ended_idle(request(ended))


def test_only_a_genuine_session_can_have_ended_by_idleness():
    _, _, value = started()  # no idle limit: it ends at its absolute end only
    assert not sessions.ended_idle(request(value)) and not sessions.ended_idle(request())
    forged = jwt.encode({**claims_of(value), "exp": int(time.time()) - 1}, "x" * 40, algorithm="HS256")
    assert not sessions.ended_idle(request(forged))


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
