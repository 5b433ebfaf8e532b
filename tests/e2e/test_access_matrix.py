"""Who may do what, over HTTP, for every write route and every route whose RPC takes a caller.

Each case names the route, how to make a fresh record for it, and WHO may act
(the spec, written here independently of the domains' tables). Every other
principal — anonymous, a stranger citizen, the owner where there is one, each
officer role of the own and another region, an OPD officer of another OPD,
the platform operator — is sent the same request and must be refused with the
expected status while the stored record stays exactly as it was. Then each
allowed principal acts on a record of its own and succeeds.

A meta test checks that every protected route of the OpenAPI document has a
case here, so a new route cannot slip by.
"""
import itertools
import random
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable

import pytest

from services.gateway.access.auth import issue_token
from services.gateway.service import GatewayService
from services.gateway.web.openapi import document
from services.prices.days import today_in
from services.servicekit.envelope import utcnow
from services.servicekit.regions import get_region

OWN, OTHER = "32.73", "36.03"
DLH, PUPR = "Dinas Lingkungan Hidup", "Dinas Pekerjaan Umum dan Penataan Ruang"
# principal -> (role, region, opd); "owner" is made per case
PRINCIPALS = {
    "anonymous": None,
    "citizen": ("citizen", OWN, None),
    "region_admin": ("region_admin", OWN, None),
    "region_admin@other": ("region_admin", OTHER, None),
    "opd_officer": ("opd_officer", OWN, DLH),
    "opd_officer@other_opd": ("opd_officer", OWN, PUPR),
    "opd_officer@other": ("opd_officer", OTHER, DLH),
    "disnaker_officer": ("disnaker_officer", OWN, None),
    "disnaker_officer@other": ("disnaker_officer", OTHER, None),
    "editor": ("editor", OWN, None),
    "editor@other": ("editor", OTHER, None),
    "price_clerk": ("price_clerk", OWN, None),
    "price_clerk@other": ("price_clerk", OTHER, None),
    "platform_operator": ("platform_operator", OTHER, None),  # operators act across regions
}
DISNAKER = {"disnaker_officer", "region_admin", "platform_operator"}
EDITORS = {"editor", "platform_operator"}
OPERATOR_OR_ADMIN = {"region_admin", "platform_operator"}
PRICE_OFFICERS = {"price_clerk", "region_admin", "platform_operator"}
_serials = itertools.count(random.randint(1000, 8000))


def bearer(role, region, opd=None, subject=None):
    token = issue_token(subject or f"{role}-{uuid.uuid4().hex[:6]}", role, region, opd)
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Target:
    params: dict
    probe: Callable
    owner: dict | None = None          # the owner's headers (None: the route has no owner)
    owner_body: dict = field(default_factory=dict)  # what only the owner adds (a tracking secret)


class World:
    """Records made through the public API, as their real owners would make them."""

    def __init__(self, platform, http):
        self.url, self.http, self.platform = platform.url, http, platform

    def send(self, method, path, who_headers=None, body=None, csv=False):
        headers = {"X-Forwarded-For": f"198.51.{random.randint(0, 255)}.{random.randint(1, 254)}",
                   **(who_headers or {})}
        if csv:
            return self.http.request(method, self.url + path, data=body.encode(), timeout=20,
                                     headers={**headers, "Content-Type": "text/csv"})
        return self.http.request(method, self.url + path, json=body if body is not None else {},
                                 headers=headers, timeout=20)

    def ok(self, method, path, who_headers=None, body=None):
        response = self.send(method, path, who_headers, body)
        assert response.status_code in (200, 201), (path, response.text[:300])
        return response.json()

    def db(self, service):
        return self.platform.db(service)

    # aspirasi
    def ticket(self, state="submitted"):
        created = self.ok("POST", f"/api/v1/regions/{OWN}/aspirasi", body={
            "category": "sampah", "description": "Sampah menumpuk di selokan",
            "location": {"lat": -6.91, "long": 107.61},
            "reporter": {"name": "Rahasia Pelapor", "phone": "081234567890"}})
        number = created["number"]
        steps = {"verified": ["verify"], "dispatched": ["verify", "dispatch"],
                 "in_progress": ["verify", "dispatch", "start"],
                 "resolved": ["verify", "dispatch", "start", "resolve"]}.get(state, [])
        for action in steps:
            who = bearer(*PRINCIPALS["opd_officer" if action in ("start", "resolve") else "region_admin"])
            self.ok("POST", f"/api/v1/aspirasi/{number}/transitions", who, {"action": action})
        return number, created["tracking_secret"]

    def ticket_probe(self, number):
        return lambda: self.db("aspirasi").tickets.find_one({"_id": number}, {"outbox": 0})

    # pencaker
    def seeker(self):
        serial, day = next(_serials), random.randint(1, 28)
        nik = f"{OWN.replace('.', '')}01{day:02d}0190{serial:04d}"
        created = self.ok("POST", f"/api/v1/regions/{OWN}/seekers", body={
            "nik": nik, "name": "Pencari Kerja", "birth_place": "Bandung",
            "birth_date": f"1990-01-{day:02d}", "sex": "L",
            "education": {"level": "smk", "major": "Mesin", "institution": "SMKN 1 Bandung",
                          "graduation_year": 2008},
            "domicile_address": "Jl. Asia Afrika 1, Bandung", "marital_status": "belum_kawin",
            "religion": "islam", "desired_position": {"title": "Operator CNC", "kbji": "7223"},
            "skills": ["cnc"], "expected_salary": 5_000_000, "contact": {"phone": "081234567890"}})
        return created["seeker_id"], {"Authorization": f"Bearer {created['token']}"}

    def employer(self):
        owner = bearer("citizen", OWN, subject=f"hrd-{uuid.uuid4().hex[:6]}")
        created = self.ok("POST", f"/api/v1/regions/{OWN}/employers", owner, {
            "name": "PT Uji Akses", "contact": {"email": "hrd@ujiakses.example.id"}})
        return created["_id"], owner

    def vacancy(self, published=True):
        employer_id, owner = self.employer()
        created = self.ok("POST", f"/api/v1/employers/{employer_id}/vacancies", owner, {
            "title": "Operator CNC", "description": "Mengoperasikan mesin CNC.",
            "employment_type": ["FULL_TIME"], "education": "smk", "skills": ["cnc"],
            "salary": {"min": 5_000_000, "max": 6_000_000, "unit": "MONTH"},
            "valid_through": (utcnow() + timedelta(days=20)).date().isoformat(), "openings": 3})
        if published:
            self.ok("POST", f"/api/v1/vacancies/{created['id']}/verify",
                    bearer(*PRINCIPALS["disnaker_officer"]))
        return created["id"], owner

    def application(self):
        vacancy_id, employer = self.vacancy()
        seeker_id, seeker = self.seeker()
        created = self.ok("POST", f"/api/v1/vacancies/{vacancy_id}/applications", seeker, {})
        return created["id"], seeker, employer

    def doc(self, service, collection, doc_id):
        return lambda: self.db(service)[collection].find_one({"_id": doc_id}, {"outbox": 0})

    def count(self, service, collection, query):
        return lambda: self.db(service)[collection].count_documents(query)

    # news
    def article(self):
        created = self.ok("POST", f"/api/v1/regions/{OWN}/news", bearer(*PRINCIPALS["editor"]), {
            "title": f"Uji akses {uuid.uuid4().hex[:8]}", "category": "pengumuman",
            "body": "<p>Isi.</p>"})
        return created["slug"]

    def article_probe(self, slug):
        return lambda: self.db("news").articles.find_one({"region": OWN, "slug": slug}, {"outbox": 0})


@dataclass
class Case:
    method: str
    path: str
    allowed: set
    make: Callable          # World -> Target
    body: Callable = lambda target: {}  # noqa: E731 - Target -> request body
    ok: int = 200
    writes: bool = True     # positive cells each get a fresh record
    refused: dict = field(default_factory=dict)  # principal -> status other than 401/403
    csv: bool = False

    @property
    def id(self):
        return f"{self.method} {self.path}"


def _ticket_case(state, action, allowed, **body):
    def make(w):
        number, secret = w.ticket(state)
        return Target({"number": number}, w.ticket_probe(number), owner={},
                      owner_body={"tracking_secret": secret})
    return Case("POST", "/api/v1/aspirasi/{number}/transitions", allowed, make,
                body=lambda t: {"action": action, "note": "catatan", **body},
                refused={"anonymous": 403})  # anyone may try as a citizen; nobody gets through


def _duplicate_case():
    """mark_duplicate names a real original of the region (the domain refuses any other)."""
    def make(w):
        original, _ = w.ticket()
        number, secret = w.ticket()
        return Target({"number": number, "original": original}, w.ticket_probe(number), owner={},
                      owner_body={"tracking_secret": secret})
    return Case("POST", "/api/v1/aspirasi/{number}/transitions", {"region_admin"}, make,
                body=lambda t: {"action": "mark_duplicate", "note": "catatan",
                                "duplicate_of": t.params["original"]},
                refused={"anonymous": 403})


def _seeker_target(w):
    seeker_id, seeker = w.seeker()
    return Target({"seeker_id": seeker_id}, w.doc("pencaker", "seekers", seeker_id), owner=seeker)


def _employer_target(w):
    employer_id, owner = w.employer()
    return Target({"employer_id": employer_id},
                  w.count("pencaker", "vacancies", {"employer_id": employer_id}), owner=owner)


def _vacancy_target(published):
    def make(w):
        vacancy_id, owner = w.vacancy(published)
        return Target({"vacancy_id": vacancy_id}, w.doc("pencaker", "vacancies", vacancy_id), owner=owner)
    return make


def _application_target(owner_side):
    def make(w):
        application_id, seeker, employer = w.application()
        return Target({"application_id": application_id},
                      w.doc("pencaker", "applications", application_id),
                      owner=seeker if owner_side == "seeker" else employer)
    return make


def _region_target(probe):
    return lambda w: Target({"code": OWN}, probe(w))


def _article_target(w):
    slug = w.article()
    return Target({"code": OWN, "slug": slug}, w.article_probe(slug))


def _price_sheet(w):
    return Target({"code": OWN, "market": "pasar-kosambi"},
                  w.count("prices", "prices", {"region": OWN, "market": "pasar-kosambi"}))


def _new_market(w):
    """A fresh market of OWN (added by its admin), probed by its stored document."""
    code = f"pasar-akses-{uuid.uuid4().hex[:8]}"
    w.ok("POST", f"/api/v1/regions/{OWN}/prices/markets", bearer(*PRINCIPALS["region_admin"]),
         {"code": code, "name": f"Pasar Akses {code[-8:]}", "type": "modern", "lat": -6.2, "lon": 106.6})
    return Target({"code": OWN, "market": code}, w.doc("prices", "markets", f"{OWN}:{code}"))


def _price_record(w):
    day = today_in(get_region(OWN))
    w.ok("POST", f"/api/v1/regions/{OWN}/prices/markets/pasar-kosambi/records",
         bearer(*PRINCIPALS["region_admin"]),
         {"date": day, "prices": [{"commodity": "gula-pasir", "price": 17600}]})
    return Target({"code": OWN, "market": "pasar-kosambi", "commodity": "gula-pasir", "day": day},
                  lambda: None)


def _category_target(w):
    code = f"uji-{uuid.uuid4().hex[:6]}"
    return Target({"code": OWN, "category": code},
                  w.count("aspirasi", "categories", {"region": OWN, "code": code}))


FAR_DAYS = itertools.cycle(range(1, 29))
SEEKER_SIDE = {"owner"} | DISNAKER
EMPLOYER_SIDE = {"owner"} | DISNAKER
CASES = [
    # LAKSA: every transition, the reporter's contact, the catalogue
    _ticket_case("submitted", "verify", {"region_admin"}),
    _ticket_case("verified", "dispatch", {"region_admin"}),
    _ticket_case("dispatched", "start", {"opd_officer"}),
    _ticket_case("in_progress", "resolve", {"opd_officer"}),
    _ticket_case("submitted", "reject", {"region_admin"}, reason="spam"),
    _duplicate_case(),
    _ticket_case("resolved", "reopen", {"owner"}),
    _ticket_case("dispatched", "hand_back", {"opd_officer"}),
    Case("GET", "/api/v1/aspirasi/{number}/details", {"region_admin", "opd_officer"},
         lambda w: Target({"number": w.ticket()[0]}, lambda: None), writes=False),
    Case("PUT", "/api/v1/regions/{code}/aspirasi/categories/{category}", OPERATOR_OR_ADMIN,
         _category_target, body=lambda t: {"name": "Uji", "opd": DLH}),
    # Pencaker: seekers (their own record), employers (theirs), Disnaker (their region)
    Case("GET", "/api/v1/seekers/{seeker_id}", SEEKER_SIDE, _seeker_target, writes=False),
    Case("PATCH", "/api/v1/seekers/{seeker_id}", SEEKER_SIDE, _seeker_target,
         body=lambda t: {"skills": ["las"]}),
    Case("POST", "/api/v1/seekers/{seeker_id}/report", SEEKER_SIDE, _seeker_target,
         ok=409),  # authorized, but a new card's report is not due yet
    Case("GET", "/api/v1/seekers/{seeker_id}/matches", SEEKER_SIDE, _seeker_target, writes=False),
    Case("GET", "/api/v1/seekers/{seeker_id}/applications", SEEKER_SIDE, _seeker_target, writes=False),
    Case("POST", "/api/v1/regions/{code}/employers", {"citizen"} | DISNAKER,
         _region_target(lambda w: w.count("pencaker", "employers", {"region": OWN})),
         body=lambda t: {"name": "CV Baru", "contact": {"phone": "0215550000"}}, ok=201),
    Case("POST", "/api/v1/employers/{employer_id}/vacancies", EMPLOYER_SIDE, _employer_target,
         body=lambda t: {"title": "Tukang Las", "description": "Las rangka baja.",
                         "employment_type": ["CONTRACTOR"], "education": "smp", "skills": ["las"],
                         "salary": {"min": 180_000, "max": 250_000, "unit": "DAY"},
                         "valid_through": (utcnow() + timedelta(days=20)).date().isoformat(),
                         "openings": 1}, ok=201),
    Case("GET", "/api/v1/employers/{employer_id}/vacancies", EMPLOYER_SIDE, _employer_target,
         writes=False),
    Case("GET", "/api/v1/regions/{code}/vacancies/pending", DISNAKER,
         _region_target(lambda w: (lambda: None)), writes=False),
    Case("GET", "/api/v1/vacancies/{vacancy_id}", EMPLOYER_SIDE, _vacancy_target(False), writes=False,
         refused={p: 404 for p in PRINCIPALS}),  # to others a pending vacancy does not exist
    Case("POST", "/api/v1/vacancies/{vacancy_id}/verify", DISNAKER, _vacancy_target(False)),
    Case("POST", "/api/v1/vacancies/{vacancy_id}/reject", DISNAKER, _vacancy_target(False),
         body=lambda t: {"reason": "gaji di bawah UMK"}),
    Case("POST", "/api/v1/vacancies/{vacancy_id}/close", EMPLOYER_SIDE, _vacancy_target(True)),
    Case("GET", "/api/v1/vacancies/{vacancy_id}/matches", EMPLOYER_SIDE, _vacancy_target(True),
         writes=False),
    Case("GET", "/api/v1/vacancies/{vacancy_id}/applications", EMPLOYER_SIDE, _vacancy_target(True),
         writes=False),
    Case("POST", "/api/v1/vacancies/{vacancy_id}/applications", {"owner"},
         lambda w: (lambda vid: Target({"vacancy_id": vid},
                                       w.count("pencaker", "applications", {"vacancy_id": vid}),
                                       owner=w.seeker()[1]))(w.vacancy()[0]),
         ok=201, refused={"citizen": 404}),  # a citizen who is no seeker has no record to apply with
    Case("POST", "/api/v1/applications/{application_id}/withdraw", {"owner"}, _application_target("seeker")),
    Case("POST", "/api/v1/applications/{application_id}/status", {"owner"},
         _application_target("employer"), body=lambda t: {"status": "interview"}),
    # the region's own part of its profile (days off here: harmless to the other tests, a
    # new far-future day per cell so each allowed write changes the registry document)
    Case("PATCH", "/api/v1/regions/{code}/profile", OPERATOR_OR_ADMIN,
         _region_target(lambda w: w.doc("platform", "regions", OWN)),
         body=lambda t: {"days_off": [f"2099-01-{next(FAR_DAYS):02d}"]}),
    Case("PUT", "/api/v1/regions/{code}/vacancy-sources", OPERATOR_OR_ADMIN,
         _region_target(lambda w: w.doc("pencaker", "subscriptions", OWN)),
         body=lambda t: {"sources": [OWN, "36.71"]}),
    # prices
    Case("POST", "/api/v1/regions/{code}/prices/markets/{market}/records", PRICE_OFFICERS, _price_sheet,
         body=lambda t: {"date": today_in(get_region(OWN)),
                         "prices": [{"commodity": "beras-medium", "price": 13000}]}, ok=201),
    Case("POST", "/api/v1/regions/{code}/prices/imports", PRICE_OFFICERS, _price_sheet, ok=201, csv=True,
         body=lambda t: "Tanggal,Pasar,Komoditas,Satuan,Harga\n"
                        f"{today_in(get_region(OWN))},Pasar Kosambi,Gula Pasir,kg,17500\n"),
    Case("GET", "/api/v1/regions/{code}/prices/markets/{market}/records/{commodity}/{day}",
         PRICE_OFFICERS, _price_record, writes=False),
    Case("POST", "/api/v1/regions/{code}/prices/markets", PRICE_OFFICERS,
         _region_target(lambda w: w.count("prices", "markets", {"region": OWN})),
         body=lambda t: {"code": f"pasar-m-{uuid.uuid4().hex[:8]}", "name": f"Pasar M {uuid.uuid4().hex[:8]}",
                         "type": "traditional", "lat": -6.2, "lon": 106.6}, ok=201),
    Case("PATCH", "/api/v1/regions/{code}/prices/markets/{market}", PRICE_OFFICERS, _new_market,
         body=lambda t: {"name": f"Pasar Ganti {uuid.uuid4().hex[:8]}"}),
    Case("POST", "/api/v1/regions/{code}/prices/markets/{market}/retire", PRICE_OFFICERS, _new_market,
         body=lambda t: {"reason": "uji akses"}),
    # news
    Case("POST", "/api/v1/regions/{code}/news", EDITORS,
         _region_target(lambda w: w.count("news", "articles", {"region": OWN})),
         body=lambda t: {"title": f"Berita {uuid.uuid4().hex[:8]}", "category": "pengumuman",
                         "body": "<p>Isi.</p>"}, ok=201),
    Case("PATCH", "/api/v1/regions/{code}/news/{slug}", EDITORS, _article_target,
         body=lambda t: {"summary": "Ringkasan baru"}),
    Case("POST", "/api/v1/regions/{code}/news/{slug}/{action}", EDITORS,
         lambda w: (lambda t: Target({**t.params, "action": "submit"}, t.probe))(_article_target(w))),
    Case("GET", "/api/v1/regions/{code}/newsroom", EDITORS, _region_target(lambda w: (lambda: None)),
         writes=False),
    Case("GET", "/api/v1/regions/{code}/newsroom/{slug}", EDITORS, _article_target, writes=False),
    Case("PUT", "/api/v1/regions/{code}/news-subscriptions", EDITORS,
         _region_target(lambda w: w.doc("news", "subscriptions", OWN)),
         body=lambda t: {"sources": ["36.71"]}),
    Case("GET", "/api/v1/regions/{code}/news-sources", EDITORS, _region_target(lambda w: (lambda: None)),
         writes=False),
    Case("POST", "/api/v1/regions/{code}/news-sources", EDITORS,
         _region_target(lambda w: w.count("news", "feed_sources", {"region": OWN})),
         body=lambda t: {"url": f"https://portal.example.org/{uuid.uuid4().hex[:6]}.xml",
                         "name": "Portal uji"}, ok=201),
]
# Covered by their own tests below (they change the platform's registry and accounts),
# or public by design (signing in).
OWN_TESTS = {"POST /api/v1/auth/token", "POST /api/v1/admin/accounts", "GET /api/v1/admin/regions",
             "POST /api/v1/admin/regions", "PUT /api/v1/admin/regions/{code}/subscriptions",
             "DELETE /api/v1/admin/regions/{code}"}


@pytest.fixture(scope="module")
def world(platform):
    import requests
    with requests.Session() as session:
        yield World(platform, session)


def principal_headers(name, target):
    if name == "owner":
        return target.owner
    spec = PRINCIPALS[name]
    return bearer(*spec) if spec else {}


def request(world, case, target, who):
    path = case.path.format(**target.params)
    body = case.body(target)
    if who == "owner" and not case.csv:
        body = {**body, **target.owner_body}
    return world.send(case.method, path, principal_headers(who, target), body, csv=case.csv)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.id} {sorted(c.allowed)}")
def test_only_the_allowed_may_act_and_refusals_change_nothing(world, case):
    target = case.make(world)
    before = target.probe()
    refused = [p for p in PRINCIPALS if p not in case.allowed]
    if target.owner is not None and "owner" not in case.allowed:
        refused.append("owner")
    for who in refused:
        response = request(world, case, target, who)
        expected = case.refused.get(who, 401 if who == "anonymous" else 403)
        assert response.status_code == expected, (who, response.status_code, response.text[:300])
        assert target.probe() == before, f"{who} was refused but the stored record changed"
    for who in case.allowed:
        fresh = case.make(world) if case.writes else target
        response = request(world, case, fresh, who)
        assert response.status_code == case.ok, (who, response.status_code, response.text[:300])


def test_every_protected_route_is_in_the_matrix(platform, http):
    """A route that refuses an anonymous caller (or takes one) must have a case above."""
    covered = {c.id for c in CASES} | OWN_TESTS
    missing = []
    for path, item in document(GatewayService)["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method in item:
            route = f"{method.upper()} {path}"
            if route in covered:
                continue
            concrete = re.sub(r"\{(\w+)\}", lambda m: {"code": OWN}.get(m.group(1), "x"), path)
            status = http.request(method.upper(), platform.url + concrete, json={}, timeout=10,
                                  headers={"X-Forwarded-For": "198.51.100.250"}).status_code
            if status in (401, 403):
                missing.append(route)
    assert not missing, f"protected routes without an access case: {missing}"


def test_accounts_region_admins_create_officers_of_their_region_only(world):
    accounts = world.db("gateway").accounts

    def body(role, region=OWN):
        return {"username": f"uji-{uuid.uuid4().hex[:8]}", "password": "rahasia-panjang-1",
                "role": role, "region": region}
    for role, allowed in (("editor", OPERATOR_OR_ADMIN), ("region_admin", {"platform_operator"})):
        for who in PRINCIPALS:
            before = accounts.count_documents({})
            response = world.send("POST", "/api/v1/admin/accounts", principal_headers(who, None), body(role))
            if who in allowed:
                assert response.status_code == 201, (role, who, response.text)
                assert accounts.count_documents({}) == before + 1
            else:
                assert response.status_code == (401 if who == "anonymous" else 403), (role, who)
                assert accounts.count_documents({}) == before


def test_only_the_platform_operator_manages_regions(world):
    operator = bearer(*PRINCIPALS["platform_operator"])

    def registry():
        items = world.ok("GET", "/api/v1/admin/regions", operator)["items"]
        return [{k: v for k, v in r.items() if k != "backlog"} for r in items]
    new = {"code": "36.06", "name": "Kabupaten Uji Akses", "province": "Banten", "domain": "uji.go.id"}
    routes = [("GET", "/api/v1/admin/regions", None), ("POST", "/api/v1/admin/regions", new),
              ("PUT", f"/api/v1/admin/regions/{OWN}/subscriptions", {"subscriptions": []}),
              ("DELETE", f"/api/v1/admin/regions/{OWN}", None)]
    before = registry()
    for who in PRINCIPALS:
        if who == "platform_operator":
            continue
        for method, path, body in routes:
            response = world.send(method, path, principal_headers(who, None), body)
            assert response.status_code == (401 if who == "anonymous" else 403), (who, method, path)
    assert registry() == before
    world.ok("POST", "/api/v1/admin/regions", operator, new)
    world.ok("PUT", "/api/v1/admin/regions/36.06/subscriptions", operator, {"subscriptions": [
        {"topic": "prices.price_alert_raised", "from": ["province"]}]})
    world.ok("DELETE", "/api/v1/admin/regions/36.06?purge=true", operator)
    assert registry() == before
