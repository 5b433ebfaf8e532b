"""The console's idle timeout: a session unused for CONSOLE_IDLE_MINUTES (the default 30
on the test platform) ends, each console request slides it on, and 8 h after sign-in it
ends however busy. Over plain HTTP, instead of waiting, the session cookie is signed
again to stand at another moment, with the platform's own secret (TL_TOKEN_SECRET,
which the tests' environment hands the platform)."""
import re
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from services.gateway.access import sessions
from services.gateway.access.console import IdleMinutes
from services.gateway.access.sessions import TTL
from services.platform.service_index import SERVICES_DIR
from services.servicekit.config import load_config
from services.servicekit.errors import ConfigError
from tests.console.conftest import PASSWORD, csrf_of, sign_in_token
from tests.helpers import claims_of, resigned

IDLE = 30 * 60
IDLE_NOTICE = "Sesi Anda berakhir karena tidak ada aktivitas selama 30 menit. Silakan masuk lagi."


def with_cookie(url, value, method="GET", data=None):
    """A request carrying only the session cookie `value` (no jar in between)."""
    return requests.request(method, url, data=data, headers={"Cookie": f"{sessions.COOKIE}={value}"},
                            allow_redirects=False, timeout=10)


def test_a_session_unused_past_the_limit_leads_to_the_sign_in_saying_so_then_back(platform, accounts):
    http, username = accounts.session("region_admin")
    now = int(time.time())
    unused = resigned(http.cookies[sessions.COOKIE], iat=now - 3600, exp=now - 1)  # last seen 30 min ago
    asked = "/petugas/kinerja?month=2026-11"
    response = with_cookie(f"{platform.url}{asked}", unused)
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    query = parse_qs(location.query)
    assert location.path == "/petugas/masuk"
    assert query["pesan"] == [IDLE_NOTICE] and query["next"] == [asked]
    cleared = response.headers["Set-Cookie"]  # the stale cookie goes
    assert cleared.startswith(f"{sessions.COOKIE}=") and "Max-Age=0" in cleared
    browser = requests.Session()
    form = browser.get(f"{platform.url}{response.headers['Location']}", timeout=10)
    assert IDLE_NOTICE in form.text
    target = re.search(r'name="next" value="([^"]+)"', form.text).group(1)
    again = browser.post(f"{platform.url}/petugas/masuk", allow_redirects=False, timeout=10,
                         data={"username": username, "password": PASSWORD, "csrf": csrf_of(form.text),
                               "next": target})
    assert again.status_code == 303 and again.headers["Location"] == asked
    assert browser.get(f"{platform.url}{asked}", allow_redirects=False, timeout=10).status_code == 200


def test_a_request_within_the_limit_slides_the_session_and_keeps_its_csrf_token(platform, accounts):
    http, _ = accounts.session("region_admin")
    signed_in = http.cookies[sessions.COOKIE]
    assert claims_of(signed_in)["exp"] <= time.time() + IDLE  # the idle deadline, not 8 h
    csrf = csrf_of(http.get(f"{platform.url}/petugas/wilayah", timeout=10).text)
    now = int(time.time())
    old = resigned(signed_in, exp=now + 60)  # last used 29 minutes ago
    response = with_cookie(f"{platform.url}/petugas/wilayah", old)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    slid = response.cookies[sessions.COOKIE]
    assert claims_of(slid)["exp"] > claims_of(old)["exp"] and claims_of(slid)["exp"] >= now + IDLE
    assert claims_of(slid)["csrf"] == claims_of(old)["csrf"] == csrf == csrf_of(response.text)
    assert claims_of(slid)["iat"] == claims_of(old)["iat"]
    # a form from before the slide (another tab) still posts with its token
    newcomer = f"opd.{uuid.uuid4().hex[:8]}"
    posted = with_cookie(f"{platform.url}/petugas/wilayah/akun", slid, "POST",
                         {"csrf": csrf, "username": newcomer, "password": PASSWORD, "role": "opd_officer",
                          "opd": "Dinas PUPR"})
    assert posted.status_code == 303
    assert "dibuat" in parse_qs(urlsplit(posted.headers["Location"]).query)["pesan"][0]
    assert accounts.repo.get(newcomer)["role"] == "opd_officer"


def test_eight_hours_after_sign_in_a_session_ends_though_it_was_used_all_along(platform, accounts):
    http, _ = accounts.session("price_clerk")
    now = int(time.time())
    iat = now - TTL + 8  # 8 s left: room for a slow first request on a loaded machine
    busy = resigned(http.cookies[sessions.COOKIE], iat=iat, exp=iat + TTL)  # used a moment ago
    response = with_cookie(f"{platform.url}/petugas/", busy)
    assert response.status_code == 200
    last = response.cookies[sessions.COOKIE]
    assert claims_of(last)["exp"] == iat + TTL  # the slide stops at the absolute end
    time.sleep(max(0, iat + TTL - time.time()) + 0.5)
    ended = with_cookie(f"{platform.url}/petugas/", last)
    assert ended.status_code == 303
    assert "pesan" not in parse_qs(urlsplit(ended.headers["Location"]).query)  # not idleness
    # however recently used, a session signed in more than 8 h ago does not count
    stale = resigned(last, iat=now - TTL - 1, exp=now + IDLE)
    assert with_cookie(f"{platform.url}/petugas/", stale).status_code == 303


def test_after_sign_in_only_a_console_path_is_a_way_back(platform, accounts):
    username = accounts.create("editor")
    for target in ("https://evil.example/petugas/", "//evil.example/petugas/", "/petugas//evil.example",
                   "/r/36.71", "/petugas/\r\nSet-Cookie: x=1"):
        with requests.Session() as http:
            token = sign_in_token(http, platform.url)
            response = http.post(f"{platform.url}/petugas/masuk", allow_redirects=False, timeout=10,
                                 data={"username": username, "password": PASSWORD, "csrf": token,
                                       "next": target})
        assert response.status_code == 303 and response.headers["Location"] == "/petugas/", target


class IdleProbe:
    name = "idle_probe"
    minutes = IdleMinutes()


def test_the_idle_limit_comes_from_the_gateways_config_and_a_bad_one_stops_it(container_factory):
    path = SERVICES_DIR / "gateway" / "config.yaml"
    assert load_config(path, env={})["CONSOLE_IDLE_MINUTES"] == 30
    config = load_config(path, env={"CONSOLE_IDLE_MINUTES": "5"})
    container = container_factory(IdleProbe, config)
    container.start()
    assert next(e for e in container.extensions if isinstance(e, IdleMinutes)).minutes == 5
    for bad in ("0", "481", "lima", "2.5"):
        with pytest.raises(ConfigError, match="CONSOLE_IDLE_MINUTES"):
            container_factory(IdleProbe, load_config(path, env={"CONSOLE_IDLE_MINUTES": bad})).start()
