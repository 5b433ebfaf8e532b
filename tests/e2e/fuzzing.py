"""What the fuzzer needs to get past the front door: realistic data, a token per role, real ids.

Every other request of an operation is a realistic one (real ids in the path,
a valid body, the token of the role that may do it), so the response-schema
checks see successes; the rest are schemathesis' own, with the same token
(operators' requests go without one, so nothing is done to real regions).
Writes happen in Kota Bandung (32.73) with tokens scoped to it, so the other
tests' regions on the shared session platform stay as they were.
"""
import itertools
import random
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import requests
from nameko.standalone.rpc import ClusterRpcProxy
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from services.gateway.access import sessions
from services.gateway.access.accounts import AccountRepository
from services.gateway.access.auth import issue_token
from services.servicekit.caller import Caller
from tests.helpers import signed

REGION = "32.73"  # Kota Bandung: no other test writes there on the session platform
PARTNER = "36.98"  # onboarded, resubscribed and removed by the fuzzer only
# The officer console's pages (/petugas/...) are sent with a signed-in session (and its CSRF
# token) of the role each section is for; the first matching prefix wins.
CONSOLE_ROLES = {"/petugas/disnaker": "disnaker_officer", "/petugas/berita": "editor",
                 "/petugas/platform": "platform_operator", "/petugas/": "region_admin"}
CLIENT = {"X-Forwarded-For": "198.51.100.9"}  # its own clients for the rate limits (see client())


_ADDRESSES = itertools.cycle(range(1, 255))  # not `random`: hypothesis reseeds it per example


def console_role(path):
    """Who works on a console page: the role its section is for."""
    return next(role for prefix, role in CONSOLE_ROLES.items() if path.startswith(prefix))


def client():
    return {"X-Forwarded-For": f"198.51.100.{next(_ADDRESSES)}"}


def bearer(subject, role, region=REGION):
    return {"Authorization": f"Bearer {issue_token(subject, role, region)}"}


class World:
    def __init__(self, platform):
        self.url = platform.url
        self.accounts = AccountRepository(platform.db("gateway"))
        self.console = {}  # role -> (Cookie header, CSRF token) of a signed-in officer
        self.amqp = platform.env["AMQP_URI"]
        self.http = requests.Session()
        self.serial = itertools.count(random.randrange(1000, 8000))
        self.turns = defaultdict(int)
        self.statuses = defaultdict(set)
        self.share = None
        self.notes = []
        self.tokens = {
            "region_admin": bearer(f"admin@{REGION}", "region_admin"),
            "disnaker_officer": bearer(f"disnaker@{REGION}", "disnaker_officer"),
            "editor": bearer(f"redaksi@{REGION}", "editor"),
            "employer": bearer(f"fuzz-hrd@{REGION}", "citizen"),
            "platform_operator": bearer("operator", "platform_operator", "36.71"),
        }

    # --- the realistic data --------------------------------------------------
    def post(self, path, json=None, headers=None, **kwargs):
        response = self.http.post(self.url + path, json=json, headers={**client(), **(headers or {})},
                                  timeout=30, **kwargs)
        assert response.status_code < 300, (path, response.status_code, response.text[:300])
        return response.json()

    def console_session(self, role):
        """A console session of a real account (the console checks the account on every request)."""
        username = f"fuzz-{role.replace('_', '-')}-{next(self.serial)}"
        self.accounts.create(username, "fuzz-kata-sandi-1", role, REGION)
        response = Response()
        session = sessions.start(response, Request(EnvironBuilder(base_url=self.url).get_environ()),
                                 Caller(username, role, REGION), username=username)
        cookie = response.headers["Set-Cookie"].split(";")[0]
        return {"Cookie": cookie}, session.csrf

    def build(self):
        self.console = {role: self.console_session(role) for role in set(CONSOLE_ROLES.values())}
        r = f"/api/v1/regions/{REGION}"
        categories = self.http.get(f"{self.url}{r}/aspirasi/categories", timeout=10).json()
        self.category = categories["items"][0]["code"]
        self.ticket = self.new_ticket()
        seeker = self.post(f"{r}/seekers", self.seeker_body())
        self.seeker_id = seeker["seeker_id"]
        self.tokens["seeker"] = {"Authorization": f"Bearer {seeker['token']}"}
        self.employer_id = self.post(f"{r}/employers", self.employer_body(), self.tokens["employer"])["_id"]
        self.vacancy_id = self.new_vacancy(verified=True)
        self.pending_vacancy_id = self.new_vacancy(verified=False)
        self.application_id = self.post(f"/api/v1/vacancies/{self.vacancy_id}/applications",
                                        {"cover_letter": "Saya berminat."}, self.tokens["seeker"])["id"]
        self.slug = self.new_article(publish=True)
        catalogue = self.http.get(f"{self.url}{r}/prices/catalogue", timeout=10).json()
        self.market, self.commodity = catalogue["markets"][0]["code"], "beras-medium"
        self.today = datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()
        self.post(f"{r}/prices/markets/{self.market}/records", self.record_body(),
                  self.tokens["region_admin"])
        with ClusterRpcProxy({"AMQP_URI": self.amqp}) as cluster:
            self.api_key = cluster.aspirasi.issue_api_key(
                REGION, caller=signed("region_admin", REGION, service="aspirasi"))
        created = self.http.post(f"{self.url}/open311/v2/requests.json", data=self.open311_form(),
                                 headers=client(), timeout=10)
        assert created.status_code == 201, created.text
        self.open311_token = created.json()[0]["token"]
        self.username = f"fuzz{next(self.serial)}"
        self.post("/api/v1/admin/accounts", self.account_body(self.username),
                  self.tokens["platform_operator"])
        self.post("/api/v1/admin/regions", self.region_body(), self.tokens["platform_operator"])
        return self

    def cleanup(self):
        self.http.delete(f"{self.url}/api/v1/admin/regions/{PARTNER}", params={"purge": "true"},
                         headers=self.tokens["platform_operator"], timeout=30)

    def new_ticket(self):
        return self.post(f"/api/v1/regions/{REGION}/aspirasi", {
            "category": self.category, "description": "Lampu jalan padam di depan Pasar Kosambi",
            "location": {"lat": -6.9205, "long": 107.6218}, "anonymous": True})["number"]

    def new_vacancy(self, verified):
        vacancy = self.post(f"/api/v1/employers/{self.employer_id}/vacancies", self.vacancy_body(),
                            self.tokens["employer"])
        if verified:
            self.post(f"/api/v1/vacancies/{vacancy['id']}/verify", headers=self.tokens["disnaker_officer"])
        return vacancy["id"]

    def new_article(self, publish=False):
        article = self.post(f"/api/v1/regions/{REGION}/news", self.article_body(), self.tokens["editor"])
        for action in ("submit", "publish") if publish else ():
            self.post(f"/api/v1/regions/{REGION}/news/{article['slug']}/{action}",
                      headers=self.tokens["editor"])
        return article["slug"]

    # --- valid bodies ------------------------------------------------------------
    def seeker_body(self):
        return {"nik": f"3273011405981{next(self.serial) % 1000:03d}", "name": "Rudi Marlan",
                "birth_place": "Bandung", "birth_date": "1998-05-14", "sex": "L",
                "domicile_address": "Jl. Kosambi 3, Bandung", "marital_status": "belum_kawin",
                "religion": "islam", "education": {"level": "smk", "major": "Teknik Pemesinan",
                                                   "institution": "SMKN 1 Bandung", "graduation_year": 2016},
                "desired_position": {"title": "Operator Las"}, "desired_locations": [REGION],
                "skills": ["cnc", "las"], "contact": {"phone": "0812 1111 2222", "email": "rudi@contoh.id"}}

    def employer_body(self):
        return {"name": f"PT Baja Bandung {next(self.serial)}", "sector": "Manufaktur",
                "contact": {"email": "hrd@bajabandung.example.id", "phone": "022 555 123"}}

    def vacancy_body(self):
        return {"title": "Operator Las", "description": "Pengelasan rangka baja.",
                "employment_type": ["FULL_TIME"], "education": "smk", "skills": ["las"],
                "salary": {"min": 4_500_000, "max": 5_000_000, "unit": "MONTH"},
                "valid_through": (date.today() + timedelta(days=30)).isoformat(), "openings": 2}

    def article_body(self):
        return {"title": f"Pasar murah Kota Bandung {next(self.serial)}", "category": "ekonomi",
                "tags": ["pasar"], "body": "<p>Pasar murah digelar di alun-alun.</p>"}

    def record_body(self):
        return {"date": self.today, "prices": [{"commodity": self.commodity, "price": 13_500}]}

    def open311_form(self):
        return {"jurisdiction_id": REGION, "api_key": self.api_key, "service_code": self.category,
                "description": "Jalan berlubang dekat Pasar Kosambi", "lat": "-6.9205", "long": "107.6218"}

    @staticmethod
    def account_body(username):
        return {"username": username, "password": "rahasia-sekali-1", "role": "editor", "region": REGION}

    @staticmethod
    def region_body():
        return {"code": PARTNER, "name": "Kabupaten Uji Fuzz", "province": "Banten",
                "domain": "ujifuzz.go.id", "subscriptions": [{"topic": "prices.price_alert_raised",
                                                              "from": ["province"]}]}

    # --- per operation -------------------------------------------------------
    def role(self, case):
        path, method = case.operation.path, case.operation.method.upper()
        if path.startswith("/api/v1/admin/"):
            return "platform_operator"
        if "/newsroom" in path or "/news-sources" in path or ("/news" in path and method != "GET"):
            return "editor"
        if path.startswith("/api/v1/seekers/") or path.endswith("/withdraw") or \
                (path.endswith("/applications") and method == "POST"):
            return "seeker"
        if "/employers" in path or path.startswith(("/api/v1/applications/", "/api/v1/vacancies/")) \
                and path.endswith(("/close", "/matches", "/applications", "/status")):
            return "employer"
        if "/vacancies/pending" in path or path.endswith(("/verify", "/reject")):
            return "disnaker_officer"
        if method != "GET" and "/open311/" not in path and not path.endswith(("/aspirasi", "/seekers")) \
                or "/details" in path or "/records/" in path:
            return "region_admin"
        return None

    def headers(self, case, realistic):
        path = case.operation.path
        if path.startswith("/petugas/") and path != "/petugas/masuk":
            return {**(client() if realistic else CLIENT), **self.console[console_role(path)][0]}
        role = self.role(case)
        if role is None or (role == "platform_operator" and not realistic):
            return client() if realistic else dict(CLIENT)
        return {**(client() if realistic else CLIENT), **self.tokens[role]}

    def realistic_turn(self, case):
        label = case.operation.label
        self.turns[label] += 1
        return self.turns[label] % 2 == 1

    def fill(self, case):
        """Real ids in the path, and a valid body where the operation takes one."""
        op = case.operation.definition.raw.get("operationId")
        ids = {"code": REGION, "number": self.ticket, "category": self.category, "seeker_id": self.seeker_id,
               "employer_id": self.employer_id, "vacancy_id": self.vacancy_id,
               "application_id": self.application_id, "slug": self.slug, "market": self.market,
               "commodity": self.commodity, "day": self.today, "fmt": "json",
               "service_code": self.category, "token": self.open311_token, "name": "swagger-ui.css",
               "action": "submit", "path": "x"}
        if op in ("resubscribe_region", "remove_region"):
            ids["code"] = PARTNER
            self.post("/api/v1/admin/regions", self.region_body(), self.tokens["platform_operator"])
        if case.operation.path.startswith("/feeds/"):
            ids["category"] = "ekonomi"
        if op == "apply_to_vacancy":
            ids["vacancy_id"] = self.new_vacancy(verified=True)
        if op == "transition_aspirasi":
            ids["number"] = self.new_ticket()
        if op in ("verify_vacancy", "reject_vacancy"):
            ids["vacancy_id"] = self.new_vacancy(verified=False)
        if op == "news_transition":
            ids["slug"] = self.new_article()
        if op in ("update_news", "newsroom_article"):
            ids["slug"] = self.slug
        case.path_parameters = {name: ids.get(name, value) for name, value in case.path_parameters.items()}
        body = self.body_for(op)
        if body is not None:
            case.media_type, case.body = body
        if case.operation.path.startswith("/petugas/") and isinstance(case.body, dict):
            case.body = {**case.body, "csrf": self.console[console_role(case.operation.path)][1]}
        if case.query:
            case.query = {k: v for k, v in case.query.items() if k in ("jurisdiction_id",)}
        if "/open311/" in case.operation.path and case.operation.method.upper() == "GET":
            case.query = {"jurisdiction_id": REGION}
        if op == "import_prices":
            case.query = {"market": self.market}
        if op in ("prices_history", "prices_compare"):
            case.query = {"commodity": self.commodity}

    def body_for(self, op):
        json = "application/json"
        bodies = {
            "submit_aspirasi": lambda: {"category": self.category, "description": "Sampah menumpuk",
                                        "location": {"address": "Jl. Asia Afrika"}, "anonymous": True},
            "transition_aspirasi": lambda: {"action": "verify"},
            "set_aspirasi_category": lambda: {"name": "Penerangan jalan umum", "opd": "Dinas Perkim"},
            "register_seeker": self.seeker_body,
            "update_seeker": lambda: {"skills": ["cnc", "las", "bubut"]},
            "create_employer": self.employer_body,
            "post_vacancy": self.vacancy_body,
            "reject_vacancy": lambda: {"reason": "Gaji di bawah UMK"},
            "apply_to_vacancy": lambda: {"cover_letter": "Saya berminat."},
            "move_application": lambda: {"status": "interview"},
            "set_vacancy_sources": lambda: {"sources": ["36.71"]},
            "record_prices": self.record_body,
            "create_news": self.article_body,
            "update_news": lambda: {"summary": "Ringkasan yang diperbarui."},
            "set_news_subscriptions": lambda: {"sources": ["36.71"]},
            "add_news_source": lambda: {"url": "https://www.bantenprov.go.id/rss.xml",
                                        "name": "Portal Banten"},
            "sign_in": lambda: {"username": self.username, "password": "rahasia-sekali-1"},
            "create_account": lambda: self.account_body(f"fuzz{next(self.serial)}"),
            "onboard_region": self.region_body,
            "resubscribe_region": lambda: {"subscriptions": [{"topic": "pencaker.*", "from": ["*"]}]},
        }
        if op in bodies:
            return json, bodies[op]()
        if op == "open311_create":
            return "application/x-www-form-urlencoded", self.open311_form()
        if op == "import_prices":
            return "text/csv", f"Tanggal,Komoditas,Harga\n{self.today},Beras Medium,13600\n"
        if op == "lapor_submit":
            return "application/x-www-form-urlencoded", {"category": self.category,
                                                         "description": "Drainase tersumbat",
                                                         "address": "Jl. Veteran", "anonymous": "1"}
        return None

    def share_time(self, seconds, parts):
        """Give each of `parts` operations an equal share of `seconds` (`make fuzz SECONDS=...`)."""
        self.share = seconds / parts
        self.started = {}

    def out_of_time(self, case):
        if self.share is None:
            return False
        started = self.started.setdefault(case.operation.label, time.monotonic())
        return time.monotonic() > started + self.share

    def record(self, case, status):
        self.statuses[f"{case.operation.method.upper()} {case.operation.path}"].add(status)
