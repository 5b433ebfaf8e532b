"""The OpenAPI document is true to the routes, valid, and served with its browser."""
from openapi_spec_validator import validate
from werkzeug.routing import Map, Rule

from services.gateway.service import GatewayService
from services.gateway.web.openapi import document, openapi_path, routes
from services.gateway.web.openapi_id import SUMMARIES, TAGS


def test_document_is_valid_openapi_3():
    validate(document(GatewayService))


def test_every_route_is_documented_and_every_operation_is_a_route():
    doc = document(GatewayService)
    documented = {(path, method.upper()) for path, item in doc["paths"].items() for method in item}
    served = {(openapi_path(e.url), m) for _, _, e in routes(GatewayService) for m in e.method.split(",")}
    assert documented == served
    # and every documented path really resolves on the router (catches converter mistakes)
    router = Map([Rule(e.url, methods=e.method.split(","), endpoint=n)
                  for n, _, e in routes(GatewayService)]).bind("gateway")
    for path, method in documented:
        example = path.replace("{code}", "36.71").replace("{fmt}", "json")
        example = "".join(part if not part.startswith("{") else "x" for part in
                          __import__("re").split(r"(\{[^}]+\})", example))
        endpoint, _ = router.match(example, method=method)
        assert doc["paths"][path][method.lower()]["operationId"].startswith(endpoint)


def test_every_operation_says_what_it_does_and_how_it_fails():
    for path, item in document(GatewayService)["paths"].items():
        for method, op in item.items():
            assert op["summary"].strip(), (method, path)
            assert any(code.startswith("2") for code in op["responses"]), (method, path)
            assert "503" in op["responses"], (method, path)


def test_operations_are_tagged_by_domain_with_indonesian_summaries():
    doc = document(GatewayService)
    tags = {t["name"] for t in doc["tags"]}
    assert tags == set(TAGS)
    used, missing = set(), []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            [tag] = op["tags"]
            assert tag in tags, (method, path, tag)
            used.add(tag)
            name = op["operationId"].removesuffix(f"_{method}")
            if op["summary"] != SUMMARIES.get(name):
                missing.append(name)
    assert not missing, f"add Indonesian summaries to services/gateway/openapi_id.py: {missing}"
    assert used == tags
    by_path = doc["paths"]
    assert by_path["/petugas/laksa"]["get"]["tags"] == ["Konsol petugas"]
    assert by_path["/open311/v2/requests.{fmt}"]["post"]["tags"] == ["Open311 GeoReport v2"]
    board = by_path["/api/v1/regions/{code}/prices/board"]["get"]
    assert board["summary"] == "Papan harga hari ini se-wilayah"


def test_every_write_has_a_body_schema_and_every_success_a_response_schema():
    """The schemas are what requests are checked by (servicekit.described): none may be missing."""
    missing = []
    for path, item in document(GatewayService)["paths"].items():
        for method, op in item.items():
            if method in ("post", "put", "patch"):
                content = op.get("requestBody", {}).get("content", {})
                if not content or not all(c.get("schema") for c in content.values()):
                    missing.append(f"{method.upper()} {path}: no request body schema")
            for status, response in op["responses"].items():
                if status.startswith("2") and not all(
                        c.get("schema") for c in response.get("content", {None: {}}).values()):
                    missing.append(f"{method.upper()} {path}: {status} without a response schema")
    assert missing == []


def test_operations_list_only_what_they_can_answer():
    doc = document(GatewayService)
    regions = doc["paths"]["/api/v1/regions"]["get"]["responses"]
    assert set(regions) == {"200", "503"}  # no path, query or body: nothing else to go wrong
    seekers = doc["paths"]["/api/v1/regions/{code}/seekers"]["post"]["responses"]
    assert set(seekers) == {"201", "400", "404", "409", "413", "415", "429", "503"}
    assert "401" not in doc["paths"]["/api/v1/regions/{code}/news"]["get"]["responses"]


def test_served_document_and_local_api_browser(platform, http):
    served = http.get(f"{platform.url}/api/openapi.json", timeout=5).json()
    assert served == document(GatewayService)
    page = http.get(f"{platform.url}/docs", timeout=5)
    assert page.status_code == 200 and "cdn" not in page.text.lower()
    assert "/docs/assets/swagger-ui-bundle.js" in page.text
    asset = http.get(f"{platform.url}/docs/assets/swagger-ui-bundle.js", timeout=5)
    assert asset.status_code == 200 and len(asset.content) > 100_000


def test_docs_are_served_compressed(platform, http):
    for path in ("/api/openapi.json", "/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"):
        plain = http.get(platform.url + path, headers={"Accept-Encoding": "identity"}, timeout=10)
        packed = http.get(platform.url + path, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=10)
        assert packed.headers.get("Content-Encoding") == "gzip", path
        wire = len(packed.raw.read(decode_content=False))
        assert wire < len(plain.content) / 3, (path, wire, len(plain.content))


def test_path_traversal_in_asset_route_is_a_404(platform, http):
    for name in ("..%2F..%2Fetc%2Fpasswd", "%2e%2e%2fconfig.yaml", "index.j2", "..\\..\\x"):
        response = http.get(f"{platform.url}/docs/assets/{name}", timeout=5)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
