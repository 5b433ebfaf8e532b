"""LAKSA through the gateway over HTTP: JSON API v1, Open311 (JSON and XML), access control."""
import hashlib
import uuid
import xml.etree.ElementTree as ET

import pytest

from tests.helpers import signed, until_limited

REPORT = {"category": "penerangan-jalan", "description": "Lampu PJU padam tiga malam",
          "location": {"lat": -6.1790, "long": 106.6300},
          "reporter": {"name": "Rina", "nik": "3671014507950002", "phone": "081298765432"}}


def client_headers(**extra):
    # each test is its own client for the per-client rate limit
    return {"X-Forwarded-For": f"10.0.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}", **extra}


def submit(http, platform, region="36.71", report=REPORT, **headers):
    return http.post(f"{platform.url}/api/v1/regions/{region}/aspirasi", json=report,
                     headers=client_headers(**headers), timeout=10)


def test_retry_with_idempotency_key_returns_the_same_ticket(platform, http):
    key = str(uuid.uuid4())
    first = submit(http, platform, **{"Idempotency-Key": key}).json()["number"]
    second = submit(http, platform, **{"Idempotency-Key": key}).json()["number"]
    assert first == second
    key_hash = hashlib.sha256(key.encode()).hexdigest()
    stored = platform.db("aspirasi").tickets.find({"idempotency_hash": key_hash})
    assert [t["_id"] for t in stored] == [first]
    assert not platform.db("aspirasi").tickets.count_documents({"idempotency_key": {"$exists": True}})


def test_public_tracking_hides_personal_data_but_officers_see_it(platform, http, token):
    number = submit(http, platform).json()["number"]
    public = http.get(f"{platform.url}/api/v1/aspirasi/{number}", timeout=5)
    assert "3671014507950002" not in public.text and "081298765432" not in public.text
    assert public.json()["reporter_name"] is None and "Rina" not in public.text  # not opted in
    url = f"{platform.url}/api/v1/aspirasi/{number}/details"
    assert http.get(url, timeout=5).status_code == 401
    assert http.get(url, headers=token("region_admin", "36.03"), timeout=5).status_code == 403
    assert http.get(url, headers=token("citizen", "36.71"), timeout=5).status_code == 403
    own = http.get(url, headers=token("region_admin", "36.71"), timeout=5)
    assert own.status_code == 200 and own.json()["reporter"]["phone"] == "081298765432"


def test_officers_move_a_ticket_and_conflicts_are_409(platform, http, token):
    ticket = submit(http, platform).json()
    number = ticket["number"]
    admin = token("region_admin", "36.71", subject="ani")
    url = f"{platform.url}/api/v1/aspirasi/{number}/transitions"
    details = http.get(f"{platform.url}/api/v1/aspirasi/{number}/details", headers=admin, timeout=5)
    version = details.json()["version"]
    ok = http.post(url, json={"action": "verify", "note": "valid", "version": version},
                   headers=admin, timeout=5)
    assert ok.status_code == 200 and ok.json()["status"] == "verified"
    stale = http.post(url, json={"action": "reject", "reason": "spam", "version": version},
                      headers=admin, timeout=5)
    assert stale.status_code == 409 and stale.json()["error"]["details"]["field"] == "version"
    wrong_state = http.post(url, json={"action": "resolve"},
                            headers=token("opd_officer", "36.71", opd=ticket["opd"]), timeout=5)
    assert wrong_state.status_code == 409
    other_region = http.post(url, json={"action": "dispatch"},
                             headers=token("region_admin", "36.03"), timeout=5)
    assert other_region.status_code == 403
    bad_field = http.post(url, json={"action": "dispatch", "status": "resolved"},
                          headers=admin, timeout=5)
    assert bad_field.status_code == 400 and bad_field.json()["error"]["details"]["field"] == "status"
    history = http.get(f"{platform.url}/api/v1/aspirasi/{number}", timeout=5).json()["history"]
    assert [h["to"] for h in history] == ["submitted", "verified"]


@pytest.mark.parametrize("role, region, expected", [
    (None, None, 401),
    ("citizen", "36.71", 403),
    ("opd_officer", "36.71", 403),
    ("region_admin", "36.03", 403),
    ("region_admin", "36.71", 200),
    ("platform_operator", "36.01", 200),
])
def test_category_editing_access_matrix(platform, http, token, role, region, expected):
    headers = token(role, region) if role else {}
    response = http.put(f"{platform.url}/api/v1/regions/36.71/aspirasi/categories/drainase",
                        json={"name": "Saluran air", "opd": "Dinas PUPR"}, headers=headers, timeout=5)
    assert response.status_code == expected, response.text


def test_submission_rate_limit_answers_429_with_retry_after(platform, http):
    headers = {"X-Forwarded-For": "203.0.113.77"}
    statuses = until_limited(lambda: http.post(f"{platform.url}/api/v1/regions/36.71/aspirasi", json={},
                                               headers=headers, timeout=5).status_code, 20)
    assert statuses[:20] == [400] * 20 and statuses[-1] == 429
    limited = http.post(f"{platform.url}/api/v1/regions/36.71/aspirasi", json={},
                        headers=headers, timeout=5)
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["error"]["code"] == "rate_limited"


def open311_key(platform):
    from nameko.standalone.rpc import ClusterRpcProxy
    with ClusterRpcProxy({"AMQP_URI": platform.env["AMQP_URI"]}) as cluster:
        return cluster.aspirasi.issue_api_key("36.71",
                                              caller=signed("region_admin", "36.71", service="aspirasi"))


def test_open311_round_trip_json_and_xml(platform, http):
    base = f"{platform.url}/open311/v2"
    services = http.get(f"{base}/services.json", params={"jurisdiction_id": "36.71"}, timeout=5).json()
    assert "penerangan-jalan" in {s["service_code"] for s in services}
    xml_services = ET.fromstring(http.get(f"{base}/services.xml?jurisdiction_id=36.71", timeout=5).content)
    assert xml_services.tag == "services" and xml_services.find("service/service_code") is not None

    form = {"jurisdiction_id": "36.71", "api_key": open311_key(platform),
            "service_code": "penerangan-jalan", "lat": "-6.1781", "long": "106.6319",
            "description": "Lampu mati", "first_name": "Dewi", "email": "dewi@example.id"}
    created = http.post(f"{base}/requests.json", data=form, headers=client_headers(), timeout=10)
    assert created.status_code == 201, created.text
    [receipt] = created.json()
    number = receipt["service_request_id"]

    [request] = http.get(f"{base}/requests/{number}.json?jurisdiction_id=36.71", timeout=5).json()
    assert request["status"] == "open" and request["service_code"] == "penerangan-jalan"
    assert request["status_notes"].startswith("submitted") and request["lat"] == -6.1781
    assert "dewi@example.id" not in repr(request)
    root = ET.fromstring(http.get(f"{base}/requests/{number}.xml?jurisdiction_id=36.71", timeout=5).content)
    assert root.tag == "service_requests" and root.find("request/service_request_id").text == number

    listed = http.get(f"{base}/requests.json", params={
        "jurisdiction_id": "36.71", "service_code": "penerangan-jalan", "status": "open"}, timeout=5).json()
    assert number in {r["service_request_id"] for r in listed}
    [by_token] = http.get(f"{base}/tokens/{receipt['token']}.json?jurisdiction_id=36.71", timeout=5).json()
    assert by_token["service_request_id"] == number


def test_open311_token_lookups_are_limited_per_client(platform, http):
    """Each answer says whether a guessed token was used: the 31st lookup in a minute from one
    client is a 429 in the spec's error form."""
    base = f"{platform.url}/open311/v2"
    headers = client_headers()
    statuses = until_limited(lambda: http.get(f"{base}/tokens/{uuid.uuid4()}.json?jurisdiction_id=36.71",
                                              headers=headers, timeout=5).status_code, 30)
    assert statuses[:30] == [404] * 30 and statuses[-1] == 429, statuses
    limited = http.get(f"{base}/tokens/guess.xml?jurisdiction_id=36.71", headers=headers, timeout=5)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert ET.fromstring(limited.content).find("error/code").text == "429"
    # another client is not held back by this one
    other = http.get(f"{base}/tokens/guess.json?jurisdiction_id=36.71", headers=client_headers(), timeout=5)
    assert other.status_code == 404


def test_open311_errors_use_the_spec_form(platform, http):
    base = f"{platform.url}/open311/v2"
    no_key = http.post(f"{base}/requests.json", data={"jurisdiction_id": "36.71",
                       "service_code": "sampah"}, headers=client_headers(), timeout=5)
    assert no_key.status_code == 403 and no_key.json()[0]["code"] == 403
    no_jurisdiction = http.get(f"{base}/services.json", timeout=5)
    assert no_jurisdiction.status_code == 400
    assert "jurisdiction_id" in no_jurisdiction.json()[0]["description"]
    missing = http.get(f"{base}/requests/LAKSA-3671-2026-999999.xml?jurisdiction_id=36.71", timeout=5)
    assert missing.status_code == 404 and ET.fromstring(missing.content).tag == "errors"


# The GeoReport v2 field lists (wiki.open311.org/GeoReport_v2) the responses are held to.
SERVICE_DEFINITION_FIELDS = {"service_code", "attributes"}
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code",
                  "description", "agency_responsible", "service_notice", "requested_datetime",
                  "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
                  "long", "media_url"}


def test_open311_definition_filters_and_discovery_follow_the_spec(platform, http):
    base = f"{platform.url}/open311/v2"
    definition = http.get(f"{base}/services/sampah.json?jurisdiction_id=36.71", timeout=5).json()
    assert set(definition) == SERVICE_DEFINITION_FIELDS
    assert definition == {"service_code": "sampah", "attributes": []}
    root = ET.fromstring(http.get(f"{base}/services/sampah.xml?jurisdiction_id=36.71", timeout=5).content)
    assert root.tag == "service_definition" and root.find("service_code").text == "sampah"
    assert root.find("attributes") is not None

    key = open311_key(platform)
    missing_code = http.post(f"{base}/requests.json", data={"jurisdiction_id": "36.71", "api_key": key,
                             "lat": "-6.17", "long": "106.63", "description": "x"},
                             headers=client_headers(), timeout=5)
    assert missing_code.status_code == 400 and "service_code" in missing_code.json()[0]["description"]
    numbers = {}
    for code in ("sampah", "penerangan-jalan", "jalan-rusak"):
        created = http.post(f"{base}/requests.json", data={
            "jurisdiction_id": "36.71", "api_key": key, "service_code": code, "lat": "-6.17",
            "long": "106.63", "description": f"Laporan {code}"}, headers=client_headers(), timeout=10)
        assert created.status_code == 201, created.text
        numbers[code] = created.json()[0]["service_request_id"]
    names = {s["service_code"]: s["service_name"]
             for s in http.get(f"{base}/services.json?jurisdiction_id=36.71", timeout=5).json()}
    # a comma list and repeated parameters mean the same filter
    for params in ({"service_code": "sampah,penerangan-jalan", "status": "open,closed"},
                   {"service_code": ["sampah", "penerangan-jalan"], "status": ["open", "closed"]}):
        found = http.get(f"{base}/requests.json", params={"jurisdiction_id": "36.71", **params},
                         timeout=5).json()
        codes = {r["service_request_id"]: r["service_code"] for r in found}
        assert {numbers["sampah"], numbers["penerangan-jalan"]} <= set(codes)
        assert numbers["jalan-rusak"] not in codes and set(codes.values()) <= {"sampah", "penerangan-jalan"}
        for item in found:
            assert set(item) == REQUEST_FIELDS
            assert item["service_name"] == names[item["service_code"]] != item["service_code"]
    bad = http.get(f"{base}/requests.json", params={"jurisdiction_id": "36.71", "status": "open,later"},
                   timeout=5)
    assert bad.status_code == 400 and "status" in bad.json()[0]["description"]

    discovery = http.get(f"{platform.url}/open311/discovery.json", timeout=5).json()
    [endpoint] = discovery["endpoints"]
    assert endpoint["url"] == f"{platform.url}/open311/v2" and "application/json" in endpoint["formats"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    discovery_xml = http.get(f"{platform.url}/open311/discovery.xml", timeout=5).content
    assert ET.fromstring(discovery_xml).tag == "discovery"
