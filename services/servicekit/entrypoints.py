"""Nameko's `rpc`, with DomainError declared expected.

A citizen's bad input is not a server fault: nameko then logs it as a
warning without a traceback, and metrics count it as a client error.
"""
from nameko.rpc import rpc as nameko_rpc

from services.servicekit.errors import DomainError


def rpc(fn=None, **kwargs):
    kwargs.setdefault("expected_exceptions", DomainError)
    decorate = nameko_rpc(**kwargs)
    return decorate(fn) if fn is not None else decorate
