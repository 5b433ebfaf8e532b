"""A route method named like one of another mixin is silently shadowed (nameko finds
entrypoints by attribute name): its URL then answers 404. No two mixins may share a name."""
from collections import Counter

from services.gateway.service import GatewayService


def test_no_two_gateway_mixins_define_the_same_method():
    names = Counter(name for cls in GatewayService.__mro__[1:] for name, value in vars(cls).items()
                    if callable(value) and not name.startswith("__"))
    assert [name for name, count in names.items() if count > 1] == []
