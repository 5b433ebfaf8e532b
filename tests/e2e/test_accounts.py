"""Accounts and sign-in: who may create whom, tokens that carry role and region."""
import uuid

import jwt

from tests.helpers import until_limited


def new_name(prefix):
    return f"{prefix}.{uuid.uuid4().hex[:8]}"


def test_operator_creates_an_officer_who_signs_in(platform, http, token):
    username = new_name("petugas")
    created = http.post(f"{platform.url}/api/v1/admin/accounts", headers=token("platform_operator", "36.71"),
                        json={"username": username, "password": "rahasia-sekali", "role": "opd_officer",
                              "region": "36.71", "opd": "Dinas Lingkungan Hidup"}, timeout=10)
    assert created.status_code == 201, created.text
    signed = http.post(f"{platform.url}/api/v1/auth/token", json={
        "username": username, "password": "rahasia-sekali"}, headers={"X-Forwarded-For": "192.0.2.1"},
        timeout=10)
    assert signed.status_code == 200
    claims = jwt.decode(signed.json()["access_token"], options={"verify_signature": False})
    assert (claims["role"], claims["region"], claims["opd"]) == ("opd_officer", "36.71",
                                                                 "Dinas Lingkungan Hidup")


def test_region_admin_creates_officers_of_their_own_region_only(platform, http, token):
    admin = token("region_admin", "36.02")
    body = {"password": "rahasia-sekali", "role": "editor"}
    own = http.post(f"{platform.url}/api/v1/admin/accounts", headers=admin,
                    json={**body, "username": new_name("editor"), "region": "36.02"}, timeout=10)
    assert own.status_code == 201
    other = http.post(f"{platform.url}/api/v1/admin/accounts", headers=admin,
                      json={**body, "username": new_name("editor"), "region": "36.71"}, timeout=10)
    assert other.status_code == 403
    escalate = http.post(f"{platform.url}/api/v1/admin/accounts", headers=admin, timeout=10,
                         json={**body, "role": "platform_operator", "username": new_name("x"),
                               "region": "36.02"})
    assert escalate.status_code == 403
    citizen = http.post(f"{platform.url}/api/v1/admin/accounts", headers=token("citizen", "36.02"),
                        json={**body, "username": new_name("y"), "region": "36.02"}, timeout=10)
    assert citizen.status_code == 403


def test_bad_accounts_and_wrong_passwords(platform, http, token):
    operator = token("platform_operator", "36.71")
    short = http.post(f"{platform.url}/api/v1/admin/accounts", headers=operator, timeout=10,
                      json={"username": new_name("a"), "password": "pendek", "role": "editor",
                            "region": "36.71"})
    assert short.status_code == 400 and short.json()["error"]["details"]["field"] == "password"
    headers = {"X-Forwarded-For": "192.0.2.55"}
    wrong = {"username": "nobody", "password": "wrong-password"}
    # failed sign-ins: 5 a minute per client (sign_in_failed), before the 10 attempts of `login`
    statuses = until_limited(lambda: http.post(f"{platform.url}/api/v1/auth/token", headers=headers,
                                               timeout=10, json=wrong).status_code, 5)
    assert statuses[:5] == [401] * 5 and statuses[-1] == 429


def test_forged_and_expired_tokens_are_401(platform, http):
    forged = jwt.encode({"sub": "x", "role": "platform_operator", "region": "36.71",
                         "iss": "tangerang-live", "exp": 4_000_000_000}, "not-the-secret" * 4)
    response = http.post(f"{platform.url}/api/v1/admin/accounts", json={},
                         headers={"Authorization": f"Bearer {forged}"}, timeout=10)
    assert response.status_code == 401
    from services.gateway.access.auth import issue_token
    expired = issue_token("x", "platform_operator", "36.71", ttl=-10)
    response = http.post(f"{platform.url}/api/v1/admin/accounts", json={},
                         headers={"Authorization": f"Bearer {expired}"}, timeout=10)
    assert response.status_code == 401 and "expired" in response.json()["error"]["message"]
