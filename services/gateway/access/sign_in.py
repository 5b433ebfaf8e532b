"""A sign-in's password check under the limits every sign-in path shares.

Each audience signs in on its own path and passes its roles: citizens on
/ak1/masuk (`citizen`), officers on /petugas/masuk (the console's roles),
programs at POST /api/v1/auth/token (every person's role). An account of another
role answers exactly as a wrong password and is counted as one, so no path
tells whether a name is an officer's.

Every attempt is counted before scrypt runs, per client (`sign_in_failed`) and
per account from all clients together (`sign_in_account_failed`), each with one
atomic increment: of 64 parallel guesses only the limit's worth reach the
password check, the others are 429 at once. A good password gives both back, so
only failures stay counted.
"""
import hashlib

CLIENT_LIMIT = "sign_in_failed"
ACCOUNT_LIMIT = "sign_in_account_failed"


def check_password(repo, limits, request, username, password, roles):
    """The account's `SignedIn`, or None (unknown, wrong password, disabled, of another role);
    RateLimited (429) once this client, or anyone on this account name, failed too often."""
    client = limits.reserve(CLIENT_LIMIT, request)
    account = limits.reserve(ACCOUNT_LIMIT, request, identity=account_key(username))
    signed_in = repo.verify(username, password, roles)
    if signed_in is not None:
        client.release()
        account.release()
    return signed_in


def account_key(username):
    """The account name as sent, hashed: one short key whatever was sent, and whether or not
    such an account exists (a 429 must not tell that either)."""
    return hashlib.sha256(str(username).encode("utf-8", "surrogatepass")).hexdigest()[:32]
