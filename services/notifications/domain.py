"""Notifications' pure domain: who to tell, what to say (Bahasa Indonesia), opt-out links.

No nameko, no SMTP, no clock reads. A `Notice` is one message for one person;
`deliveries` turns it into (channel, address) pairs, minus opted-out addresses,
each with the ledger key that makes it go out once per event and recipient
(outgoing.py decides, from those, exactly what each channel sends).
"""
import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any

from services.notifications import commands
from services.servicekit.errors import ValidationFailed
from services.servicekit.validation import check_body

# The ticket states a reporter hears about, and how each reads.
TICKET_NEWS = {
    "verified": "sudah diverifikasi dan akan diteruskan ke OPD yang berwenang",
    "dispatched": "sudah diteruskan ke {opd}",
    "resolved": "sudah diselesaikan oleh {opd}",
    "rejected": "ditolak",
}
APPLICATION_NEWS = {
    "interview": "Anda diundang wawancara",
    "accepted": "Selamat, lamaran Anda diterima",
    "rejected": "lamaran Anda belum dapat diterima",
}
PHONE_CHANNELS = ("sms", "whatsapp")
CHANNELS = commands.CHANNELS
SMS_SIGNATURE = "Balas STOP untuk berhenti."


@dataclass(frozen=True)
class Notice:
    kind: str  # ticket_receipt, ticket_status, application_status, report_due, price_alert
    subject: str
    text: str
    link: str = ""


def normal_phone(number: Any, field: str = "phone") -> str:
    """+62... for an Indonesian number written 08..., 62... or +62...; digits only."""
    digits = re.sub(r"[^0-9+]", "", str(number or ""))
    if digits.startswith("0"):
        digits = "+62" + digits[1:]
    elif digits.startswith("62"):
        digits = "+" + digits
    if not re.fullmatch(r"\+[0-9]{8,15}", digits):
        raise ValidationFailed.field(field, f"{str(number)[:20]!r} is not a phone number; "
                                     "write it like 0812 3456 7890", code="bad_phone")
    return digits


def contact_key(channel: str, address: str) -> str:
    """Opt-outs are per address: STOP on SMS also stops WhatsApp to that number."""
    if channel in PHONE_CHANNELS:
        return f"phone:{normal_phone(address)}"
    return f"email:{address.strip().lower()}"


def ledger_key(event_id: str, channel: str, address: str) -> str:
    return f"{event_id}:{channel}:{hashlib.sha256(address.encode()).hexdigest()[:16]}"


def recipient_addresses(recipient: dict[str, str] | None, phone_channel: str) -> list[tuple[str, str]]:
    """(channel, address) for each contact a person gave: e-mail, and the phone on one channel."""
    found = []
    if recipient and recipient.get("email"):
        found.append(("email", recipient["email"]))
    if recipient and recipient.get("phone"):
        found.append((phone_channel, normal_phone(recipient["phone"])))
    return found


def deliveries(event_id: str, addresses: list[tuple[str, str]],
               opted_out: set[str]) -> list[tuple[str, str, str]]:
    """[(ledger key, channel, address)] for every address not opted out."""
    return [(ledger_key(event_id, channel, address), channel, address)
            for channel, address in addresses if contact_key(channel, address) not in opted_out]


def ticket_notice(payload: dict[str, Any], public_url: str) -> Notice | None:
    """The reporter's news of a ticket's new state; None for states they are not told of."""
    news = TICKET_NEWS.get(payload["to"])
    if news is None:
        return None
    number = payload["number"]
    text = f"Laporan Anda {number} {news.format(opd=payload['opd'])}."
    if payload.get("note"):
        text += f" Catatan petugas: {payload['note']}"
    link = f"{public_url}/lacak/{number}"
    return Notice("ticket_status", f"Laporan {number}: {news.format(opd=payload['opd'])}",
                  f"{text}\nLacak: {link}", link)


def receipt_notice(payload: dict[str, Any], public_url: str) -> Notice | None:
    """The receipt at submission: the ticket number and its tracking link, so a lost
    confirmation page is not a lost ticket; None when the event owes none (no contact given,
    the SMS inbox already replied, or an older release's event that does not say)."""
    if payload.get("receipt") is not True:
        return None
    number = payload["number"]
    link = f"{public_url}/lacak/{number}"
    # Short enough for one SMS (160 characters) with the link and the STOP line.
    return Notice("ticket_receipt", f"Laporan {number} sudah kami terima",
                  f"Laporan diterima, nomor {number}.\nLacak: {link}", link)


def application_notice(payload: dict[str, Any], public_url: str) -> Notice | None:
    news = APPLICATION_NEWS.get(payload["to"])
    if news is None:
        return None
    vacancy = payload["vacancy_id"]
    link = f"{public_url}/loker/{vacancy}"
    return Notice("application_status", f"Lamaran {vacancy}: {news}",
                  f"Kabar lamaran Anda untuk lowongan {vacancy}: {news}.\nLihat: {link}", link)


def report_due_notice(payload: dict[str, Any]) -> Notice:
    due = payload["due"][:10]
    return Notice("report_due", "Saatnya lapor AK/1 enam bulanan",
                  f"Kartu kuning (AK/1) Anda perlu dilaporkan paling lambat {due}. Laporkan ke "
                  "Disnaker atau lewat aplikasi agar kartu tetap aktif.")


def price_alert_notice(payload: dict[str, Any], region_name: str) -> Notice:
    price = f"Rp {payload['price']:,}".replace(",", ".")
    changes = []
    above, reference = payload.get("percent_above_reference"), payload.get("reference") or {}
    if above is not None:
        side = "di atas" if above >= 0 else "di bawah"
        changes.append(f"{_persen(above)} {side} {reference.get('kind') or 'harga acuan'}")
    if "daily_rise" in payload.get("rules", ()) and payload.get("gap_percent") is not None:
        changes.append(f"naik {_persen(payload['gap_percent'])} dari laporan sebelumnya")
    detail = f" ({'; '.join(changes)})" if changes else ""
    return Notice("price_alert", f"Peringatan harga {payload['commodity_name']} di {region_name}",
                  f"Harga {payload['commodity_name']} di {payload['market_name']} ({region_name}) "
                  f"{payload['date']}: {price}/{payload['unit']}{detail}.")


def _persen(value):
    return f"{abs(value):.1f}%".replace(".", ",")


def opt_out_token(secret: str, channel: str, address: str) -> str:
    """A link token naming the address, signed so nobody can stop another person's mail."""
    body = base64.urlsafe_b64encode(contact_key(channel, address).encode()).decode().rstrip("=")
    return f"{body}.{_signature(secret, body)}"


def opted_out_key(secret: str, token: Any) -> str:
    """The contact key a token names; ValidationFailed if it was not signed by us."""
    check_body(commands.OPT_OUT, {"token": token})
    body, _, signature = token.partition(".")
    if not body or not hmac.compare_digest(signature, _signature(secret, body)):
        raise ValidationFailed.field("token", "this link is not valid; use the link from your message",
                                     code="bad_opt_out_link")
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()


def _signature(secret, body):
    return hmac.new(f"notifications-opt-out:{secret}".encode(), body.encode(),
                    hashlib.sha256).hexdigest()[:32]


def email_text(notice: Notice, opt_out_link: str) -> str:
    return (f"{notice.text}\n\n--\nTangerang Live. Pesan ini dikirim otomatis; jangan dibalas.\n"
            f"Berhenti menerima e-mail: {opt_out_link}\n")


def sms_text(notice: Notice) -> str:
    return f"{notice.text}\n{SMS_SIGNATURE}"


def subscription(region_code: Any, channel: Any, address: Any) -> dict[str, str]:
    """A price-alert subscription (commands.SUBSCRIBE_PRICE_ALERTS): the address as it is
    sent to (a phone in +62 form) and the contact key its opt-out is kept under."""
    check_body(commands.SUBSCRIBE_PRICE_ALERTS,
               {"region_code": region_code, "channel": channel, "address": address})
    if channel != "email":
        address = normal_phone(address, "address")
    return {"region": region_code, "channel": channel, "address": address,
            "contact": contact_key(channel, address)}


def phone_opt_out(number: Any) -> str:
    """STOP by SMS (commands.OPT_OUT_PHONE): the contact key no SMS or WhatsApp goes to."""
    check_body(commands.OPT_OUT_PHONE, {"number": number})
    return contact_key("sms", normal_phone(number, "number"))
