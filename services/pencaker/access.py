"""The signed caller (servicekit.caller) checked against Pencaker's authority table."""
from typing import Any

from services.pencaker.domain import authority
from services.servicekit.caller import Caller


def authorize_caller(action: str, caller: Any, record: dict[str, Any]) -> Caller:
    return authority.authorize(action, Caller.verify(caller), record)
