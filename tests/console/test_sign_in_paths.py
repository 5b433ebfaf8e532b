"""Sign-in paths (console, AK/1, API token): one audience each, limits counted before the
password check (per client, per account, under parallel guesses), login CSRF, and bearer
tokens that stop working once their account is disabled or its password changed."""
import itertools
import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from services.gateway.access import sessions
from tests.console.conftest import PASSWORD, csrf_of
from tests.helpers import wait_for, with_window_left
from tests.pages.test_ak1_pages import FORM

CLIENTS = itertools.count(1)
CONSOLE, AK1 = "/petugas/masuk", "/ak1/masuk"
CLIENT_LIMIT, ACCOUNT_LIMIT = 5, 10  # the gateway's defaults: sign_in_failed, sign_in_account_failed


def new_client():
    """A browser of its own address (the tests stand behind one trusted proxy)."""
    http = requests.Session()
    n = next(CLIENTS)
    http.headers["X-Forwarded-For"] = f"100.64.{n // 250}.{n % 250 + 1}"
    return http


def sign_in(http, url, path, name, password, token=None):
    """POST the sign-in form of `path` (console: username; AK/1: card_number) with the token
    of a freshly opened form unless `token` is given."""
    if token is None:
        found = re.search(r'name="csrf" value="([^"]+)"', http.get(url + path, timeout=10).text)
        token = found.group(1) if found else ""
    field = "username" if path == CONSOLE else "card_number"
    data = {field: name, "password": password, **({"csrf": token} if token else {})}
    return http.post(url + path, data=data, allow_redirects=False, timeout=20)


def without_token(text):
    return re.sub(r'name="csrf" value="[^"]+"', 'name="csrf" value=""', text)


def citizen_account(accounts):
    number = f"ak1-3671-2026-{uuid.uuid4().int % 10 ** 6:06d}"
    accounts.repo.create(number, PASSWORD, "citizen", "36.71", subject=f"seeker-{number}")
    return number


def test_officer_credentials_on_the_ak1_sign_in_open_nothing_and_answer_as_a_wrong_password(
        platform, accounts):
    admin = accounts.create("region_admin")
    http = new_client()
    right = sign_in(http, platform.url, AK1, admin, PASSWORD)
    wrong = sign_in(http, platform.url, AK1, admin, "bukan-sandinya-1")
    assert right.status_code == wrong.status_code == 400
    assert without_token(right.text) == without_token(wrong.text)
    assert "Nomor kartu atau kata sandi salah" in right.text
    assert sessions.COOKIE not in right.cookies and sessions.COOKIE not in http.cookies
    assert http.get(f"{platform.url}/ak1", allow_redirects=False, timeout=10).status_code == 303
    # and a citizen's account on the console, likewise
    citizen = citizen_account(accounts)
    right = sign_in(http, platform.url, CONSOLE, citizen, PASSWORD)
    wrong = sign_in(http, platform.url, CONSOLE, citizen, "bukan-sandinya-1")
    assert right.status_code == wrong.status_code == 400
    assert without_token(right.text) == without_token(wrong.text)
    assert sessions.COOKIE not in http.cookies
    # each still signs in on its own path
    assert sign_in(new_client(), platform.url, AK1, citizen, PASSWORD).status_code == 303
    assert sign_in(new_client(), platform.url, CONSOLE, admin, PASSWORD).status_code == 303


def test_the_sixth_wrong_guess_from_one_client_is_a_429_on_each_sign_in_page(platform, accounts):
    for path, name, style in ((AK1, citizen_account(accounts), "Masuk dengan kartu AK/1"),
                              (CONSOLE, accounts.create("editor"), "Konsol Petugas")):
        http = new_client()
        with_window_left(15)  # every attempt below counts in one fixed window
        answers = [sign_in(http, platform.url, path, name, f"tebakan-{i}-salah") for i in range(6)]
        assert [a.status_code for a in answers] == [400] * CLIENT_LIMIT + [429], path
        limited = answers[-1]
        assert int(limited.headers["Retry-After"]) > 0
        assert style in limited.text and "Coba lagi dalam" in limited.text, path
        assert "banyak laporan" not in limited.text
        assert sign_in(http, platform.url, path, name, PASSWORD).status_code == 429  # waits the window
        assert sign_in(new_client(), platform.url, path, name, PASSWORD).status_code == 303


def test_the_eleventh_guess_on_one_account_from_many_clients_is_a_429(platform, accounts):
    officer = accounts.create("price_clerk")
    citizen = citizen_account(accounts)
    with_window_left(25)
    for path, name in ((CONSOLE, officer), (AK1, citizen)):
        statuses = [sign_in(new_client(), platform.url, path, name, f"tebakan-{i}-salah").status_code
                    for i in range(ACCOUNT_LIMIT + 1)]
        assert statuses == [400] * ACCOUNT_LIMIT + [429], path
        # the right password waits too, from any client; another account does not
        assert sign_in(new_client(), platform.url, path, name, PASSWORD).status_code == 429
    other = accounts.create("editor")
    assert sign_in(new_client(), platform.url, CONSOLE, other, PASSWORD).status_code == 303


def test_64_parallel_guesses_reach_the_password_check_at_most_the_limits_worth(platform, accounts):
    def burst(addresses, name):
        """64 sign-ins at once, each from a browser of its own (form opened beforehand) at the
        given client addresses: how many reached the password check (400) and how many not (429)."""
        forms = []
        for address in addresses:
            http = requests.Session()
            http.headers["X-Forwarded-For"] = address
            forms.append((http, csrf_of(http.get(platform.url + CONSOLE, timeout=10).text)))
        with ThreadPoolExecutor(len(forms)) as pool:
            answers = list(pool.map(lambda form: sign_in(form[0], platform.url, CONSOLE, name,
                                                         "tebakan-salah-1", form[1]).status_code, forms))
        print(f"64 parallel guesses on {name}: {answers.count(400)} checked, {answers.count(429)} 429")
        return answers.count(400), answers.count(429)

    with_window_left(30)
    one = new_client().headers["X-Forwarded-For"]
    checked, limited = burst([one] * 64, accounts.create("editor"))
    assert checked + limited == 64 and checked <= CLIENT_LIMIT, (checked, limited)
    many = [new_client().headers["X-Forwarded-For"] for _ in range(64)]
    checked, limited = burst(many, accounts.create("editor"))
    assert checked + limited == 64 and checked <= ACCOUNT_LIMIT, (checked, limited)


def test_every_form_that_starts_a_session_needs_its_pre_session_token(platform, accounts):
    citizen, officer = citizen_account(accounts), accounts.create("editor")
    for path, name in ((AK1, citizen), (CONSOLE, officer)):
        http = new_client()
        http.get(platform.url + path, timeout=10)  # the token's cookie is there, the field is not
        missing = sign_in(http, platform.url, path, name, PASSWORD, token="")
        forged = sign_in(http, platform.url, path, name, PASSWORD, token="dari-situs-lain")
        assert (missing.status_code, forged.status_code) == (403, 403), path
        bare = sign_in(new_client(), platform.url, path, name, PASSWORD, token="tanpa-cookie")
        assert bare.status_code == 403, path
        assert sessions.COOKIE not in http.cookies
        assert sign_in(http, platform.url, path, name, PASSWORD).status_code == 303

    nik = f"367101140598{uuid.uuid4().int % 10 ** 4:04d}"
    register = f"{platform.url}/r/36.71/ak1/daftar"
    http = new_client()
    assert 'name="csrf"' in http.get(register, timeout=10).text
    for token in ({}, {"csrf": "dari-situs-lain"}):
        refused = http.post(register, data={**FORM, "nik": nik, **token}, allow_redirects=False, timeout=10)
        assert refused.status_code == 403 and "kedaluwarsa" in refused.text
        assert sessions.COOKIE not in http.cookies
    assert platform.db("pencaker").seekers.count_documents({"nik": nik}) == 0
    done = http.post(register, data={**FORM, "nik": nik, "csrf": csrf_of(refused.text)},
                     allow_redirects=False, timeout=10)
    assert done.status_code == 303 and sessions.COOKIE in http.cookies, done.text[:1000]
    assert platform.db("pencaker").seekers.count_documents({"nik": nik}) == 1


def test_a_disabled_officers_token_and_a_changed_passwords_token_are_refused(platform, accounts):
    admin, _ = accounts.session("region_admin")
    officers = [accounts.create("editor"), accounts.create("opd_officer", opd="Dinas PUPR")]

    def api_status(bearer):
        # authenticated, the empty body is a 400; a refused token is a 401 before that
        return requests.post(f"{platform.url}/api/v1/admin/accounts", json={}, timeout=10,
                             headers={"Authorization": f"Bearer {bearer}"}).status_code

    tokens = []
    for username in officers:
        answer = new_client().post(f"{platform.url}/api/v1/auth/token", timeout=10,
                                   json={"username": username, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        tokens.append(answer.json()["access_token"])
        assert api_status(tokens[-1]) == 400
    page = admin.get(f"{platform.url}/petugas/wilayah", timeout=10).text
    for username, change, data in ((officers[0], "nonaktifkan", {}),
                                   (officers[1], "sandi", {"password": "sandi-baru-sekali-9"})):
        done = admin.post(f"{platform.url}/petugas/wilayah/akun/{username}/{change}", timeout=10,
                          data={"csrf": csrf_of(page), **data}, allow_redirects=False)
        assert done.status_code == 303 and "galat" not in done.headers["Location"], done.headers
    # the gateway's check is cached TOKEN_CHECK_SECONDS (2 s on the test platform; 60 by default)
    for token in tokens:
        wait_for(lambda token=token: api_status(token) == 401, seconds=6, what="the token to be refused")
    assert accounts.repo.get(officers[0])["disabled"]
