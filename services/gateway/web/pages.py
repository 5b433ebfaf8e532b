"""The citizen web pages' route decorator: server-rendered Bahasa Indonesia HTML, usable
without JavaScript.

Every page is a route (in its domain's package) that reads the same RPCs as the JSON API
and renders a Jinja2 template (web/templating.py). Errors are HTML pages with the right
status (web/errors.py); a form passes the gate (web/http.read_form) before its route runs.
"""
import functools

from werkzeug.routing import Rule

from services.gateway.web.errors import error_of, headers_of, page_text
from services.gateway.web.http import ApiEntrypoint, FormRefused, read_form
from services.gateway.web.messages import gate_summary
from services.gateway.web.templating import error_page
from services.servicekit.described import described

VIEW_TIMEOUT = 5
MACHINE_PATHS = ("/api/", "/open311/", "/feeds/", "/docs/")


def is_page_path(path):
    """Paths outside the APIs and feeds are pages: their errors are Indonesian HTML."""
    return not path.startswith(MACHINE_PATHS)


class PageEntrypoint(ApiEntrypoint):
    """Like the API's entrypoint, but every error is an HTML page."""

    def get_url_rule(self):
        # /r/36.71 and /r/36.71/ are the same page: no werkzeug redirect with its English body
        return Rule(self.url, methods=self.method.split(","), strict_slashes=False)

    def response_from_exception(self, exc):
        error = error_of(exc, f"page {self.method_name}")
        return error_page(error.status, page_text(error), headers_of(error) or None,
                          region_code=error.details.get("region"))


def page(method, url, query=None, form=None, statuses=(), response_type="text/html", invalid=None,
         gated=True, cache=None):
    """A page route; documented in OpenAPI as answering text/html (errors too); `cache` is
    its policy (web/policies.py; none: no-store).

    A route that takes a POST declares its `form` schema, and its form passes the gate
    (http.read_form) before the route runs: a refused form is answered by `invalid(self,
    request, refusal, **url_args)` (e.g. the form shown again) or a 400 page naming every
    field; the console's routes pass it in their own decorator (`gated=False` here)."""
    if "POST" in method.split(",") and form is None:
        raise TypeError(f"POST {url}: a page that takes a form declares its schema (form=...)")

    def decorate(fn):
        if form is not None and gated:
            fn = _gated(fn, invalid)
        fn = described(query=query, body=form, statuses=statuses + ((400,) if form else ()),
                       response_type=response_type,
                       content_type=form and "application/x-www-form-urlencoded")(fn)
        fn.__openapi__["html_errors"] = True  # a page's errors are pages, whatever it answers
        fn.__openapi__["form_gate"] = "page" if form is not None and gated else None
        return PageEntrypoint.decorator(method, url, cache=cache)(fn)
    return decorate


def _gated(fn, invalid):
    @functools.wraps(fn)
    def gated(self, request, **url_args):
        if request.method == "POST":
            try:
                read_form(request)
            except FormRefused as refusal:
                if invalid is not None:
                    return invalid(self, request, refusal, **url_args)
                return form_refused(refusal)
        return fn(self, request, **url_args)
    return gated


def form_refused(refusal):
    return error_page(400, gate_summary(refusal))
