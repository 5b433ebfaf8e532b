"""Small helpers the test modules share."""
import time
from datetime import timedelta

import jwt
from jsonschema import Draft202012Validator
from nameko.testing.services import entrypoint_hook

from services.gateway.access import sessions
from services.gateway.access.sessions import secret
from services.gateway.live.section import moment
from services.servicekit.envelope import contract


def rpc(container, method, *args, **kwargs):
    """Call an RPC entrypoint of a running test container."""
    with entrypoint_hook(container, method) as call:
        return call(*args, **kwargs)


def wait_for(check, seconds=10, what="condition"):
    """Poll `check()` until it is truthy; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out after {seconds}s waiting for {what}"
        time.sleep(0.1)


def start_with_recorder(container_factory, config, service_cls, recorder_cls):
    """Start a service and a recorder of its events on one config; the recorder starts empty."""
    container = container_factory(service_cls, config)
    container.start()
    recorder = container_factory(recorder_cls, config)
    recorder.start()
    recorder_cls.seen = []
    return container, recorder


def signed(role, region=None, subject=None, opd=None, owns=(), service="any-worker-called-directly"):
    """A signed caller token for `service`, as the gateway makes one per request (valid for
    the whole session, since modules sign theirs when they are collected). Over RPC the
    service's entrypoint checks the audience; a worker called directly (`rpc` above) does not."""
    from services.servicekit.caller import Caller
    return Caller(subject or f"{role}@{region}", role, region, opd, tuple(owns)).sign(service, ttl=3600)


def until_limited(send, allowed):
    """Statuses of `send()` until the first 429. Limits count in fixed windows, so a window
    that turns mid-run allows `allowed` more: a 429 must come within 2 * allowed + 1 tries."""
    statuses = []
    while 429 not in statuses and len(statuses) < 2 * allowed + 1:
        statuses.append(send())
    return statuses


def claims_of(session_cookie):
    """The claims of a page session cookie, checked but expiry aside."""
    return jwt.decode(session_cookie, secret(), algorithms=["HS256"], audience=sessions.AUDIENCE,
                      options={"verify_exp": False})


def resigned(session_cookie, **changes):
    """The session cookie signed again with some claims changed (as the gateway would sign it)."""
    return jwt.encode({**claims_of(session_cookie), **changes}, secret(), algorithm="HS256")


def with_window_left(seconds, window=60):
    """Wait (at most `seconds`) until the limits' current fixed window has `seconds` left,
    so a run that must stay in one window does not straddle its turn."""
    left = window - time.time() % window
    if left < seconds:
        time.sleep(left + 0.05)


def assert_same_live_item(read, applied, stamp):
    """The live item a service answers (`read`) equals the one the gateway applied from its
    event, but for the time `stamp`, which the store keeps to the millisecond and the event
    to the microsecond."""
    assert {**read, stamp: None} == {**applied, stamp: None}
    assert abs(moment(read[stamp]) - moment(applied[stamp])) < timedelta(milliseconds=1)


def assert_live_item(event_type, item):
    """`item` has the live-view item shape `event_type`'s contract documents (`x-live-item`,
    whose `$ref`s point into the same contract, so the whole contract is the root)."""
    Draft202012Validator({**contract(event_type), "$ref": "#/x-live-item"}).validate(item)
