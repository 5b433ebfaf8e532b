"""The signed caller (servicekit.caller) checked against Pencaker's authority table."""
from services.pencaker import domain
from services.servicekit.caller import Caller


def authorize_caller(action, caller, record):
    return domain.authorize(action, Caller.verify(caller), record)
