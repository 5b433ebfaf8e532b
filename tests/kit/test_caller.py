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
    monkeypatch.setenv("TL_TOKEN_SECRET", "short")
    with pytest.raises(Unauthorized, match="TL_TOKEN_SECRET"):
        Caller("x", "citizen", None).sign()
