"""What goes out for one notice: each (channel, address) of the recipient is sent the
notice's text once, unless the address opted out or the ledger says it already went.
Pure: the service asks its ledger (`was_sent`) and gives each e-mail's opt-out link."""
from collections.abc import Callable
from dataclasses import dataclass, field

from services.notifications import domain
from services.notifications.domain import Notice


@dataclass(frozen=True)
class Outgoing:
    key: str  # the ledger key: one per event, channel and address
    channel: str
    address: str
    subject: str
    text: str


@dataclass(frozen=True)
class Plan:
    send: list[Outgoing] = field(default_factory=list)
    opted_out: list[tuple[str, str]] = field(default_factory=list)  # (channel, address)
    already_sent: list[Outgoing] = field(default_factory=list)


def text_for(notice: Notice, channel: str, opt_out_link: Callable[[str, str], str], address: str) -> str:
    if channel != "email":
        return domain.sms_text(notice)
    return domain.email_text(notice, opt_out_link(channel, address))


def plan(event_id: str, notice: Notice, addresses: list[tuple[str, str]], opted_out: set[str],
         was_sent: Callable[[str], bool], opt_out_link: Callable[[str, str], str]) -> Plan:
    """Who is sent what for `notice` (the event's), who opted out, and what already went."""
    result = Plan(opted_out=[(c, a) for c, a in addresses if domain.contact_key(c, a) in opted_out])
    for key, channel, address in domain.deliveries(event_id, addresses, opted_out):
        if was_sent(key):
            result.already_sent.append(Outgoing(key, channel, address, notice.subject, ""))
            continue
        result.send.append(Outgoing(key, channel, address, notice.subject,
                                    text_for(notice, channel, opt_out_link, address)))
    return result
