"""The signed caller (servicekit.caller) checked against Pencaker's authority table."""
from services.pencaker.domain import authority
from services.servicekit.caller import Caller


def authorize_caller(action, caller, record):
    return authority.authorize(action, Caller.verify(caller), record)
