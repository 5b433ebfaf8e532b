"""What a domain returns for a command: the record as it now stands and the past-tense
facts to announce with it. The service stores both in one write (the record and its
outbox entries) and announces nothing the store did not keep."""
from typing import Any, Iterable, NamedTuple


class _Decided(NamedTuple):
    record: dict[str, Any]
    events: list[dict[str, Any]]


class Decision(_Decided):
    """`Decision(record, events)`; `record, events = decision` unpacks it. Each decision
    has a list of its own (`Decision(record)` too: no default list shared between them)."""

    __slots__ = ()

    def __new__(cls, record: dict[str, Any], events: Iterable[dict[str, Any]] = ()) -> "Decision":
        return super().__new__(cls, record, list(events))
