"""Demo-like data for the page tests, made through the JSON API (and prices' RPC:
its JSON write routes need an officer sheet, the RPC is the same call)."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from services.gateway.access.auth import issue_token
from services.platform.service_index import SERVICES
from services.servicekit.envelope import utcnow
from tests.helpers import signed

REGION = "36.71"


def bearer(role, subject=None):
    return {"Authorization": f"Bearer {issue_token(subject or f'{role}@{REGION}', role, REGION)}"}


def created(response):
    assert response.status_code in (200, 201), response.text
    return response.json()


def make_vacancy(url):
    employer = bearer("citizen", "hrd@sinarlogam")
    company = created(requests.post(
        f"{url}/api/v1/regions/{REGION}/employers", headers=employer, timeout=10,
        json={"name": "PT Sinar Logam", "contact": {"email": "hrd@sinar.example.id"}}))
    vacancy = created(requests.post(
        f"{url}/api/v1/employers/{company['_id']}/vacancies", headers=employer, timeout=10, json={
            "title": "Operator Mesin Bubut", "description": "Mengoperasikan mesin bubut di pabrik Jatiuwung.",
            "employment_type": ["FULL_TIME"], "education": "smk", "skills": ["bubut"],
            "address": "Jl. Gatot Subroto km 5", "openings": 3,
            "salary": {"min": 5_000_000, "max": 6_000_000, "unit": "MONTH"},
            "valid_through": (utcnow() + timedelta(days=30)).date().isoformat()}))
    created(requests.post(f"{url}/api/v1/vacancies/{vacancy['id']}/verify",
                          headers=bearer("disnaker_officer"), timeout=10))
    return vacancy["id"]


def make_article(url, title, category, body):
    editor = bearer("editor")
    article = created(requests.post(f"{url}/api/v1/regions/{REGION}/news", headers=editor, timeout=10,
                                    json={"title": title, "category": category, "body": body}))
    for action in ("submit", "publish"):
        created(requests.post(f"{url}/api/v1/regions/{REGION}/news/{article['slug']}/{action}",
                              headers=editor, timeout=10))
    return article["slug"]


def record_prices(platform):
    """Yesterday's and today's prices at Pasar Anyar: one rises, one falls, and garlic
    (no other test prices it in this region) was priced only yesterday; returns yesterday."""
    from nameko.standalone.rpc import ClusterRpcProxy
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    days = {today - timedelta(days=1): {"beras-medium": 13_000, "cabai-rawit-merah": 60_000,
                                        "bawang-putih": 38_000},
            today: {"beras-medium": 13_500, "cabai-rawit-merah": 55_000}}
    with ClusterRpcProxy({"AMQP_URI": platform.env["AMQP_URI"]}) as cluster:
        for day, prices in days.items():
            cluster.prices.record_prices(REGION, "pasar-anyar", day.isoformat(), [
                {"commodity": commodity, "price": price} for commodity, price in prices.items()],
                caller=signed("region_admin", REGION, service="prices"))
    return (today - timedelta(days=1)).isoformat()


@pytest.fixture(scope="session")
def demo(platform):
    """What the pages show: a verified vacancy, two published articles, two days of prices."""
    url = platform.url
    data = {"vacancy_id": make_vacancy(url),
            "article": make_article(
                url, "Pasar murah di Alun-alun Ahmad Yani", "ekonomi",
                "<p>Pasar murah <strong>Sabtu pagi</strong>.</p><script>alert(1)</script>"),
            "other_article": make_article(url, "Vaksinasi gratis di puskesmas", "kesehatan",
                                          "<p>Bawa KTP.</p>"),
            "prices": "prices" in SERVICES}
    if data["prices"]:
        data["yesterday"] = record_prices(platform)
    return data
