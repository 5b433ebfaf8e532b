"""The console's messages after a redirect: `?pesan=` (a notice) and `?galat=` (a problem),
shown on the next page only with `tanda`, their signature.

They ride in the query so any replica can show them, but a query is what anyone can
write: unsigned, a link could put any text ("hubungi 0812... untuk verifikasi") under the
console's own header. The signature is an HMAC (TL_TOKEN_SECRET, kept apart from every
other use of it by its label) of the texts and of what they are bound to: the officer's
session (its CSRF token) for the console's pages, so a message made in one session, even
one an officer could steer (a username, a refusal's text), is never shown in another;
nothing for the sign-in page, whose few notices are the gateway's own fixed texts.
"""
import hashlib
import hmac
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from services.gateway.access import sessions

NOTICE, PROBLEM, SIGNATURE = "pesan", "galat", "tanda"
QUERY = {NOTICE: {"type": "string"}, PROBLEM: {"type": "string"}, SIGNATURE: {"type": "string"}}
LABEL = b"tl-console-flash\0"


def _signature(binding, notice, problem):
    text = "\0".join((binding or "", notice or "", problem or "")).encode()
    return hmac.new(sessions.secret().encode(), LABEL + text, hashlib.sha256).hexdigest()[:32]


def params(binding, notice=None, problem=None):
    """Query parameters carrying `notice` and/or `problem`, signed for `binding`."""
    found = {k: v for k, v in ((NOTICE, notice), (PROBLEM, problem)) if v}
    return {**found, SIGNATURE: _signature(binding, notice, problem)} if found else {}


def sign_redirect(response, binding):
    """Sign the messages a redirect's Location carries (as `back()` wrote them) for `binding`;
    an earlier signature is replaced."""
    location = response.headers.get("Location")
    if response.status_code // 100 != 3 or not location:
        return response
    parts = urlsplit(location)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if NOTICE not in query and PROBLEM not in query:
        return response
    signed = params(binding, query.pop(NOTICE, None), query.pop(PROBLEM, None))
    query.pop(SIGNATURE, None)
    response.headers["Location"] = urlunsplit(parts._replace(query=urlencode({**query, **signed})))
    return response


def read(args, binding):
    """(notice, problem) of a request's query when signed for `binding`; else (None, None)."""
    notice, problem = args.get(NOTICE) or None, args.get(PROBLEM) or None
    if not (notice or problem):
        return None, None
    expected = _signature(binding, notice, problem)
    if not hmac.compare_digest(expected.encode(), (args.get(SIGNATURE) or "").encode()):
        return None, None
    return notice, problem
