"""The signed caller: a round trip keeps every field; anything else is refused."""
import pytest

from services.servicekit.caller import Caller
from services.servicekit.errors import Unauthorized


def test_a_signed_caller_round_trips():
    caller = Caller("ani", "opd_officer", "36.71", "DLH").owning("LAKSA-1", "LAKSA-1")
    assert Caller.verify(caller.sign()) == Caller("ani", "opd_officer", "36.71", "DLH", ("LAKSA-1",))
    assert Caller.verify(Caller.service("notifications").sign()).role == "service"


@pytest.mark.parametrize("token", [None, "", 42, "x.y.z"])
def test_no_or_broken_token_is_unauthorized(token):
    with pytest.raises(Unauthorized):
        Caller.verify(token)


def test_an_unknown_role_cannot_be_signed_and_a_missing_secret_signs_nothing(monkeypatch):
    with pytest.raises(ValueError):
        Caller("x", "root", None).sign()
    monkeypatch.delenv("TL_CALLER_SECRET", raising=False)
    monkeypatch.setenv("TL_TOKEN_SECRET", "short")
    with pytest.raises(Unauthorized, match="TL_CALLER_SECRET"):
        Caller("x", "citizen", None).sign()


def test_callers_and_bearer_tokens_can_have_separate_secrets(monkeypatch):
    monkeypatch.setenv("TL_CALLER_SECRET", "c" * 48)
    token = Caller("x", "citizen", None).sign()
    monkeypatch.setenv("TL_CALLER_SECRET", "d" * 48)  # a service with another secret refuses it
    with pytest.raises(Unauthorized):
        Caller.verify(token)
