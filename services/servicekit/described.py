"""`@described`: OpenAPI detail a route carries with it.

Any service's HTTP route may use it; the gateway's document generator
(services/gateway/openapi.py) reads the attribute it sets.
"""


def described(summary=None, query=None, body=None, response=None, statuses=(), content_type=None,
              error_schema=None, response_type=None):
    """Attach OpenAPI detail to a route method (the decorator order does not matter).
    `response_type="text/html"` documents every answer of the route as HTML."""
    def attach(fn):
        fn.__openapi__ = {"summary": summary, "query": query or {}, "body": body,
                          "response": response, "statuses": tuple(statuses),
                          "content_type": content_type, "error_schema": error_schema,
                          "response_type": response_type}
        return fn
    return attach
