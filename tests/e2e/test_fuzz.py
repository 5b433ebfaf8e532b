"""Property-based fuzzing of the whole public API from its OpenAPI document (schemathesis).

Budget: a fixed number of generated requests per operation; checks: no 5xx, and
status codes, content types and bodies as documented.
"""
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from services.gateway.openapi import document
from services.gateway.service import GatewayService

EXAMPLES_PER_OPERATION = 12
schema = schemathesis.openapi.from_dict(document(GatewayService))


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_document(case, platform):
    # its own client, so the fuzzer's submissions do not use up other tests' rate limit
    case.call_and_validate(base_url=platform.url, headers={"X-Forwarded-For": "198.51.100.9"},
                           checks=[not_a_server_error, status_code_conformance,
                                   content_type_conformance, response_schema_conformance],
                           timeout=10)
