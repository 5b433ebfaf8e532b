"""The console's base over plain HTTP: sign-in, CSRF, rate limit, expiry, disabled accounts."""
import time
from urllib.parse import parse_qs, urlsplit

import jwt

from services.gateway.access import sessions
from services.gateway.access.auth import ISSUER
from services.gateway.access.sessions import secret
from tests.console.conftest import PASSWORD, csrf_of, sign_in_token
from tests.helpers import with_window_left


def test_sign_in_sets_a_locked_down_session_cookie_and_shows_the_roles_sections(platform, accounts):
    http, username = accounts.session("region_admin")
    cookie = next(c for c in http.cookies if c.name == sessions.COOKIE)
    assert cookie.has_nonstandard_attr("HttpOnly")
    assert cookie.get_nonstandard_attr("SameSite") == "Lax"
    assert not cookie.secure  # plain http here; Secure over HTTPS (X-Forwarded-Proto)
    home = http.get(f"{platform.url}/petugas/", timeout=10)
    assert home.status_code == 200 and username in home.text
    assert home.headers["Cache-Control"] == "no-store"
    for path in ("/petugas/laksa", "/petugas/wilayah", "/petugas/kinerja"):
        assert f'href="{path}"' in home.text
    assert 'href="/petugas/platform"' not in home.text


def test_over_https_the_cookie_is_secure(platform, accounts, http):
    username = accounts.create("opd_officer", opd="Dinas PUPR")
    token = sign_in_token(http, platform.url)
    response = http.post(f"{platform.url}/petugas/masuk", headers={"X-Forwarded-Proto": "https"},
                         data={"username": username, "password": PASSWORD, "csrf": token},
                         allow_redirects=False, timeout=10)
    assert response.status_code == 303
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]


def test_without_a_session_console_pages_lead_to_the_sign_in(platform, http):
    response = http.get(f"{platform.url}/petugas/?status=submitted", allow_redirects=False, timeout=10)
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert location.path == "/petugas/masuk"
    assert parse_qs(location.query)["next"] == ["/petugas/?status=submitted"]


def test_wrong_password_is_refused_in_indonesian_and_starts_no_session(platform, accounts, http):
    username = accounts.create("opd_officer", opd="Dinas PUPR")
    http.headers["X-Forwarded-For"] = "203.0.113.201"
    token = sign_in_token(http, platform.url)
    response = http.post(f"{platform.url}/petugas/masuk", timeout=10, allow_redirects=False,
                         data={"username": username, "password": "salah-sekali-123", "csrf": token})
    assert response.status_code == 400
    assert "Nama pengguna atau kata sandi salah." in response.text
    assert sessions.COOKIE not in response.cookies


def test_citizens_cannot_sign_in_to_the_console(platform, accounts, http):
    username = accounts.create("citizen")
    http.headers["X-Forwarded-For"] = "203.0.113.202"
    token = sign_in_token(http, platform.url)
    response = http.post(f"{platform.url}/petugas/masuk", timeout=10, allow_redirects=False,
                         data={"username": username, "password": PASSWORD, "csrf": token})
    assert response.status_code == 400 and sessions.COOKIE not in response.cookies


def test_the_sign_in_form_without_its_token_is_refused(platform, accounts, http):
    username = accounts.create("region_admin")
    sign_in_token(http, platform.url)
    response = http.post(f"{platform.url}/petugas/masuk", timeout=10, allow_redirects=False,
                         data={"username": username, "password": PASSWORD})
    assert response.status_code == 403 and sessions.COOKIE not in response.cookies


def test_failed_sign_ins_are_rate_limited_but_a_good_one_is_not_counted(platform, accounts, http):
    username = accounts.create("region_admin")
    http.headers["X-Forwarded-For"] = "203.0.113.250"
    statuses = []
    with_window_left(15)  # every attempt below counts in one fixed window
    for _ in range(6):
        token = sign_in_token(http, platform.url)
        statuses.append(http.post(f"{platform.url}/petugas/masuk", timeout=10, allow_redirects=False,
                                  data={"username": username, "password": "bukan-sandinya-1",
                                        "csrf": token}))
    assert [r.status_code for r in statuses] == [400] * 5 + [429]
    assert int(statuses[-1].headers["Retry-After"]) > 0
    token = sign_in_token(http, platform.url)
    blocked = http.post(f"{platform.url}/petugas/masuk", timeout=10, allow_redirects=False,
                        data={"username": username, "password": PASSWORD, "csrf": token})
    assert blocked.status_code == 429  # even the right password waits out the window
    accounts.signed_in(username)  # another client is not affected (it gets its own address)


def test_sign_out_needs_the_token_then_ends_the_session(platform, accounts):
    http, _ = accounts.session("editor")
    home = http.get(f"{platform.url}/petugas/", timeout=10)
    refused = http.post(f"{platform.url}/petugas/keluar", data={}, allow_redirects=False, timeout=10)
    assert refused.status_code == 403
    assert http.get(f"{platform.url}/petugas/", allow_redirects=False, timeout=10).status_code == 200
    out = http.post(f"{platform.url}/petugas/keluar", data={"csrf": csrf_of(home.text)},
                    allow_redirects=False, timeout=10)
    assert out.status_code == 303
    assert http.get(f"{platform.url}/petugas/", allow_redirects=False, timeout=10).status_code == 303


def test_an_expired_session_leads_back_to_the_sign_in(platform, accounts, http):
    username = accounts.create("region_admin")
    past = int(time.time()) - 10
    value = jwt.encode({"sub": username, "usr": username, "role": "region_admin", "region": "36.71",
                        "csrf": "x" * 32, "iss": ISSUER, "aud": sessions.AUDIENCE, "iat": past - 60,
                        "exp": past}, secret(), algorithm="HS256")
    http.cookies.set(sessions.COOKIE, value)
    response = http.get(f"{platform.url}/petugas/", allow_redirects=False, timeout=10)
    assert response.status_code == 303 and response.headers["Location"].startswith("/petugas/masuk")


def test_a_disabled_accounts_session_stops_working_at_once(platform, accounts):
    http, username = accounts.session("opd_officer", opd="Dinas PUPR")
    assert http.get(f"{platform.url}/petugas/", allow_redirects=False, timeout=10).status_code == 200
    accounts.repo.set_disabled(username, True, time.time())
    response = http.get(f"{platform.url}/petugas/", allow_redirects=False, timeout=10)
    assert response.status_code == 303
    assert "tidak berlaku" in parse_qs(urlsplit(response.headers["Location"]).query)["pesan"][0]
    assert accounts.repo.verify(username, PASSWORD) is None  # and it cannot sign in again
