"""Abuse limits count over a moving window, in the store every gateway replica shares."""
import eventlet
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from services.gateway import ratelimit
from services.gateway.ratelimit import COLLECTION, limiter_for
from services.servicekit.errors import RateLimited
from services.servicekit.store import connect

CLIENT = "198.51.100.7"
TURN = 1_800_000_000.0  # a clock minute's turn (a multiple of 60 s)


class Clock:
    def __init__(self, now):
        self.now = now

    def time(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(TURN - 10.5)
    monkeypatch.setattr(ratelimit, "time", clock)
    return clock


@pytest.fixture
def replicas(mongo_uri, mongo_db):
    """Two gateway replicas' limiters, each on its own connection to the same database."""
    clients = [connect(mongo_uri) for _ in range(2)]
    yield [limiter_for({"MONGO_DB": mongo_db.name, "RATE_LIMITS": {"seeker_register": "10/minute"}},
                       client) for client in clients]
    for client in clients:
        client.close()


def request():
    return Request(EnvironBuilder(environ_base={"REMOTE_ADDR": CLIENT}).get_environ())


def allowed(limiter):
    try:
        limiter.hit("seeker_register", request())
        return True
    except RateLimited:
        return False


def test_ten_a_minute_means_ten_in_any_sixty_seconds_even_across_a_minute_turn(replicas, clock):
    one, other = replicas
    hits = []
    for n in range(10):  # one a second, from 10.5 s before the turn
        hits.append(allowed(one if n % 2 else other))
        clock.now += 1
    assert hits == [True] * 10 and clock.now == TURN - 0.5
    clock.now = TURN + 0.5  # a fixed window would start again at 0 here
    with pytest.raises(RateLimited) as refused:
        one.hit("seeker_register", request())
    assert refused.value.details["retry_after"] == 49  # when the oldest hit leaves the window
    clock.now = TURN - 10.5 + 60.01  # the oldest has left: one slot, no more
    assert allowed(other) and not allowed(one)


def test_replicas_counting_one_client_at_once_never_allow_more_than_the_limit(replicas, mongo_db):
    pool = eventlet.GreenPool(20)
    answers = list(pool.imap(lambda n: allowed(replicas[n % 2]), range(20)))
    stored = mongo_db[COLLECTION].find_one()["entries"]
    # each allowed hit is stored once; under contention a replica may refuse early, never late
    assert answers.count(True) == len(stored) <= 10
    topped_up = [allowed(replicas[0]) for _ in range(11 - len(stored))]
    assert topped_up == [True] * (10 - len(stored)) + [False]
