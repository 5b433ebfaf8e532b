"""The hostile form sweep (issue 25, item 7): every form the gateway takes, page, console
and Open311, gets NUL, ESC, invalid UTF-8, 1 MB values, numbers as text and an
unknown field; each is refused (4xx: the form shown again or an error page naming
the field) and nothing is stored.

The forms come from the gateway's routes (every POST route whose body is a form),
so a form added later is swept without a change here. Console routes are posted
signed in as one of the roles the route is for, with the session's CSRF token, so
the refusal is the gate's and not the sign-in's.
"""
import time
import uuid
from urllib.parse import quote_from_bytes, urlencode

import pytest
import requests

from services.gateway.service import GatewayService
from services.gateway.web.openapi import routes
from tests.console.conftest import Accounts, csrf_of

FORM = "application/x-www-form-urlencoded"
MB = 1_000_000
BUDGET_SECONDS = 20  # the whole sweep, sign-ins included (a few seconds on a quiet machine)
# what the page says for each kind (messages_id.yaml by code); the API answers JSON
HOSTILE = {
    "nul": ("a\x00b".encode(), "karakter kontrol"),
    "esc": ("lampu\x1b[31m merah".encode(), "karakter kontrol"),
    "invalid_utf8": (b"caf\xe9 \xff\xfe", "bukan teks UTF-8"),
    "one_mb": (b"x" * MB, None),  # over the form cap: 413 before anything is parsed
}
STORES = {"aspirasi": ("categories", "tickets", "api_keys", "idempotency"),
          "gateway": ("accounts",), "news": ("articles", "feed_sources"),
          "pencaker": ("seekers", "applications", "vacancies", "employers"), "prices": ("prices", "imports")}


def form_routes():
    """(name, url, schema, roles) of every route that takes a form, from the gateway itself."""
    found = []
    for name, fn, entrypoint in routes(GatewayService):
        detail = fn.__openapi__
        if "POST" not in entrypoint.method.split(",") or detail.get("content_type") != FORM:
            continue
        url = entrypoint.url.replace("<string:code>", "36.71").replace("<string:fmt>", "json")
        while "<" in url:
            start = url.index("<")
            url = url[:start] + "uji" + url[url.index(">", start) + 1:]
        found.append((name, url, detail["body"], detail.get("roles")))
    return found


def body_of(fields):
    """An urlencoded body of raw bytes (so invalid UTF-8 goes as it is)."""
    return "&".join(f"{quote_from_bytes(k.encode())}={quote_from_bytes(v)}" for k, v in fields.items())


def text_fields(schema):
    return [name for name, spec in schema.get("properties", {}).items()
            if spec.get("type") == "string" and spec.get("format") != "binary" and name != "csrf"]


def number_fields(schema):
    return [name for name, spec in schema.get("properties", {}).items()
            if spec.get("type") in ("integer", "number")]


def snapshot(platform):
    """What a form could have written: every document of the stores forms write to."""
    state = {}
    for service, collections in STORES.items():
        db = platform.db(service)
        for name in collections:
            state[f"{service}.{name}"] = sorted(str(sorted(d.items())) for d in db[name].find(
                {}, {"next_fetch_ms": 0, "last_fetched_at": 0, "failures": 0, "last_error": 0,
                     "outbox": 0, "outbox_pending": 0, "outbox_token": 0}))
    return state


class Senders:
    """One signed-in console client per role (made once), and a fresh client for pages."""

    def __init__(self, platform):
        self.accounts, self.clients = Accounts(platform), {}
        self.url = platform.url

    def for_roles(self, roles):
        if not roles:
            http = requests.Session()
            http.headers["X-Forwarded-For"] = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
            return http, ""
        role = roles[0]
        if role not in self.clients:
            opd = "Dinas Lingkungan Hidup" if role == "opd_officer" else None
            http, _ = self.accounts.session(role, opd=opd)
            self.clients[role] = http, csrf_of(http.get(f"{self.url}/petugas/", timeout=10).text)
        return self.clients[role]


def test_every_form_refuses_hostile_values_and_stores_nothing(platform):
    swept = form_routes()
    assert len(swept) >= 25, [name for name, *_ in swept]  # pages, console and Open311 forms
    senders = Senders(platform)
    for _, _, _, roles in swept:
        senders.for_roles(roles)  # sign-ins first: they are not part of what is compared
    # the region's catalogue is seeded on its first read (the lapor form shown again reads it)
    assert requests.get(f"{platform.url}/api/v1/regions/36.71/aspirasi/categories", timeout=10).ok
    before = snapshot(platform)
    started = time.monotonic()
    accepted, counted = [], 0
    for name, url, schema, roles in swept:
        http, csrf = senders.for_roles(roles)
        texts, numbers = text_fields(schema), number_fields(schema)
        cases = {kind: (dict.fromkeys(texts, value), said) for kind, (value, said) in HOSTILE.items()}
        cases["one_mb"] = ({(texts or ["zz_tidak_ada"])[0]: HOSTILE["one_mb"][0]}, None)  # one is enough
        cases["numbers_as_text"] = (dict.fromkeys(numbers, "lima belas".encode()), "angka")
        cases["unknown_field"] = ({"zz_tidak_ada": b"1"}, "tidak dikenal")
        for kind, (fields, said) in cases.items():
            if not fields:
                continue  # e.g. no number field on this form
            body = body_of({"csrf": csrf.encode(), **fields}) if csrf else body_of(fields)
            response = http.post(platform.url + url, data=body, headers={"Content-Type": FORM,
                                 "X-Forwarded-For": f"192.0.2.{counted % 250 + 1}"},
                                 allow_redirects=False, timeout=10)
            counted += 1
            if not 400 <= response.status_code < 500:
                accepted.append((name, kind, response.status_code, response.headers.get("Location")))
            elif (said and "text/html" in response.headers.get("Content-Type", "")
                  and said not in response.text):
                accepted.append((name, kind, response.status_code, "refused without saying why"))
    elapsed = time.monotonic() - started
    print(f"form sweep: {counted} posts to {len(swept)} forms in {elapsed:.1f} s")
    assert not accepted, accepted
    assert snapshot(platform) == before
    assert elapsed < BUDGET_SECONDS


@pytest.mark.parametrize("kind", ["nul", "invalid_utf8"])
def test_the_category_form_names_every_bad_field_in_indonesian(platform, kind):
    """The console's category form (the sweep's worst find): all three fields named at once."""
    accounts = Accounts(platform)
    admin, _ = accounts.session("region_admin")
    csrf = csrf_of(admin.get(f"{platform.url}/petugas/wilayah", timeout=10).text)
    value = HOSTILE[kind][0]
    before = snapshot(platform)["aspirasi.categories"]
    response = admin.post(f"{platform.url}/petugas/wilayah/kategori", allow_redirects=False, timeout=10,
                          data=body_of({"csrf": csrf.encode(), "code": b"sampah", "name": value,
                                        "opd": value}), headers={"Content-Type": FORM})
    assert response.status_code == 400 and "Location" not in response.headers
    for field in ("\u201cname\u201d", "\u201copd\u201d", HOSTILE[kind][1]):
        assert field in response.text
    assert "\ufffd" not in response.text
    assert snapshot(platform)["aspirasi.categories"] == before


def test_numbers_sent_as_text_in_the_ak1_form_are_named_not_dropped(platform):
    form = {"nik": "3671011405980099", "name": "Sari", "birth_place": "Tangerang", "birth_date": "1998-05-14",
            "sex": "P", "domicile_address": "Jl. Daan Mogot 5", "marital_status": "belum_kawin",
            "religion": "islam", "education_level": "smk", "education_institution": "SMKN 2",
            "education_graduation_year": "2016", "desired_position": "Penjahit", "phone": "0812 1234 5678",
            "password": "kata-sandi-panjang", "experience_position": "Penjahit",
            "experience_years": "lima", "expected_salary": "empat juta"}
    response = requests.post(f"{platform.url}/r/36.71/ak1/daftar", data=urlencode(form), timeout=10,
                             headers={"Content-Type": FORM, "X-Forwarded-For": "198.51.100.77"},
                             allow_redirects=False)
    assert response.status_code == 400
    assert "Harus berupa angka" in response.text and "Harus berupa bilangan bulat" in response.text
    assert 'value="Sari"' in response.text  # the rest of the form is shown again as sent
    assert platform.db("pencaker").seekers.find_one({"nik": form["nik"]}) is None
