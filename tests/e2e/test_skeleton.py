"""The walking skeleton: HTTP -> gateway -> RPC -> aspirasi -> store, and an event back."""
import time

REPORT = {"category": "sampah", "description": "Sampah menumpuk di Jl. Merdeka",
          "location": {"lat": -6.1781, "long": 106.6319}, "anonymous": True}


def received(http, platform, region):
    body = http.get(f"{platform.url}/api/v1/regions/{region}/live", timeout=5).json()
    return body["sections"]["aspirasi"]["received"]


def test_submission_round_trip_and_event_reaches_live_view(platform, http):
    before = received(http, platform, "36.74")
    response = http.post(f"{platform.url}/api/v1/regions/36.74/aspirasi", json=REPORT, timeout=10)
    assert response.status_code == 201, response.text
    ticket = response.json()
    assert ticket["number"].startswith("LAKSA-3674-")
    assert ticket["status"] == "submitted" and ticket["status_label"] == "Terkirim"

    fetched = http.get(f"{platform.url}{response.headers['Location']}", timeout=5).json()
    assert fetched["number"] == ticket["number"]
    assert platform.db("aspirasi").tickets.count_documents({"_id": ticket["number"]}) == 1

    # aspirasi_submitted travels aspirasi -> broker -> gateway's read model
    deadline = time.monotonic() + 5
    while received(http, platform, "36.74") != before + 1:
        assert time.monotonic() < deadline, "the event never reached the live view"
        time.sleep(0.05)


def test_errors_have_one_shape(platform, http):
    bad = http.post(f"{platform.url}/api/v1/regions/36.71/aspirasi",
                    json={**REPORT, "category": "meteor"}, timeout=5)
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "validation_failed"
    assert bad.json()["error"]["details"]["field"] == "category"
    missing = http.get(f"{platform.url}/api/v1/aspirasi/LAKSA-3671-2026-999999", timeout=5)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    unknown_region = http.get(f"{platform.url}/api/v1/regions/99.99/live", timeout=5)
    assert unknown_region.status_code == 404
    malformed = http.post(f"{platform.url}/api/v1/regions/36.71/aspirasi", data=b"{not json",
                          headers={"Content-Type": "application/json"}, timeout=5)
    assert malformed.status_code == 400 and "JSON" in malformed.json()["error"]["message"]
    assert http.get(f"{platform.url}/api/no/such/route", timeout=5).json()["error"]["code"] == "not_found"
    page = http.get(f"{platform.url}/no/such/route", timeout=5)  # outside the APIs: a citizen's page
    assert page.status_code == 404 and page.headers["Content-Type"].startswith("text/html")


def test_health_and_metrics_only_on_the_operator_port(platform, http):
    for path in ("/health", "/health/live", "/health/ready", "/metrics"):
        assert http.get(f"{platform.url}{path}", timeout=5).status_code == 404, path
    ops = platform.ops_url("gateway")
    health = http.get(f"{ops}/health/ready", timeout=5)
    assert health.status_code == 200 and health.json()["checks"]["amqp_consumer"] is True
    http.get(f"{platform.url}/api/v1/regions", timeout=5)
    metrics = http.get(f"{ops}/metrics", timeout=5).text
    assert 'tl_entrypoint_calls_total{entrypoint="GET /api/v1/regions",kind="http",' in metrics
    service_health = http.get(f"{platform.ops_url('aspirasi')}/health/ready", timeout=5).json()
    assert service_health["checks"] == {"amqp_consumer": True, "store": True}
    assert http.get(f"{platform.ops_url('aspirasi')}/health/live", timeout=5).status_code == 200
