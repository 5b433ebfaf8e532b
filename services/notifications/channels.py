"""The channels a notice goes out on, behind one small interface: `send(message)`.

* e-mail over SMTP (`SMTP_URL`: smtp://user:pass@host:587, STARTTLS when the
  server offers it; smtps:// for TLS from the start), multipart with a plain-text part;
* SMS through Gammu SMSD: `gammu-smsd-inject` queues it in the daemon's
  outbox (`SMSD_CONFIG`), split into concatenated parts when long;
* WhatsApp through a provider's HTTP API (`WHATSAPP_URL`, `WHATSAPP_TOKEN`),
  Cloud-API shaped: POST <base>/messages with a bearer token.

A channel raises `DeliveryFailed` when the message was not accepted; the
service retries the event later. An unconfigured channel fails the same way,
so nothing is silently dropped.
"""
import html
import shutil
import smtplib
import subprocess
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from urllib.parse import unquote, urlparse

import requests
from nameko.extensions import DependencyProvider

from services.servicekit.scrub import scrub

SMTP_TIMEOUT = 10
INJECT_TIMEOUT = 15
SMS_MAX_LENGTH = 600  # characters; gammu splits them into up to 4 parts
HTTP_TIMEOUT = 10


class DeliveryFailed(Exception):
    """The channel did not take the message; try again later.

    Its text goes to logs, the retried event's `x-tl-error` and the operator's
    dead-letter page, and what channels answer quotes the recipient (an SMTP
    refusal its address, Gammu's stderr and a provider's body the number): the
    contacts are redacted here, where the text is made."""

    def __init__(self, text):
        super().__init__(scrub(text))


@dataclass(frozen=True)
class Message:
    address: str
    subject: str
    text: str
    message_id: str  # stable per event and recipient, so a repeat is recognisable
    # The region's own sender (its profile's senders and brand); empty: the deployment's.
    mail_from: str = ""
    sender_name: str = ""
    sms_sender: str = ""


def region_sender(region):
    """What a region's messages are sent as: (display name, mail from, SMS sender id)."""
    senders = getattr(region, "senders", None) or {}
    brand = getattr(region, "brand", None) or {}
    return {"sender_name": brand.get("name", ""), "mail_from": senders.get("mail_from", ""),
            "sms_sender": senders.get("sms_sender", "")}


class EmailChannel:
    def __init__(self, url, sender):
        self.url, self.sender = url, sender

    def send(self, message):
        if not self.url:
            raise DeliveryFailed("SMTP_URL is not set")
        mail = EmailMessage()
        mail["From"] = formataddr((message.sender_name or "Tangerang Live", message.mail_from or self.sender))
        mail["To"] = message.address
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(localtime=False)
        # The same id for every attempt: a mail client folds a rare repeat into one.
        mail["Message-ID"] = f"<{message.message_id.replace(':', '.')}@tangerang-live>"
        mail.set_content(message.text)
        mail.add_alternative(f"<!doctype html><html lang=\"id\"><body><pre style=\"font:inherit;"
                             f"white-space:pre-wrap\">{html.escape(message.text)}</pre></body></html>",
                             subtype="html")
        try:
            with self._connect() as smtp:
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            # not chained: the original's text (SMTPRecipientsRefused names the address) would
            # ride in every traceback; the scrubbed copy says what failed
            raise DeliveryFailed(f"SMTP {urlparse(self.url).hostname}: {type(exc).__name__}: {exc}") from None

    def _connect(self) -> smtplib.SMTP:
        url = urlparse(self.url)
        smtp: smtplib.SMTP
        if url.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(url.hostname, url.port or 465, timeout=SMTP_TIMEOUT)
        else:
            smtp = smtplib.SMTP(url.hostname, url.port or 25, timeout=SMTP_TIMEOUT)
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls()
                smtp.ehlo()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        return smtp


class SmsChannel:
    def __init__(self, smsd_config):
        self.smsd_config = smsd_config

    def send(self, message):
        queue_sms(self.smsd_config, message.address, message.text)


def queue_sms(smsd_config, number, text):
    """Put an SMS into Gammu SMSD's outbox; the daemon sends it through the modem."""
    inject = shutil.which("gammu-smsd-inject")
    if not smsd_config or inject is None:
        raise DeliveryFailed("SMS needs gammu-smsd-inject (Debian gammu-smsd) and SMSD_CONFIG")
    command = [inject, "-c", smsd_config, "TEXT", number, "-autolen", str(SMS_MAX_LENGTH),
               "-textutf8", text[:SMS_MAX_LENGTH]]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=INJECT_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:  # a timeout's text holds the command, number included
        raise DeliveryFailed(f"gammu-smsd-inject: {exc}") from None
    if done.returncode != 0:
        raise DeliveryFailed(f"gammu-smsd-inject exited {done.returncode}: {done.stderr.strip()[-300:]}")


class WhatsAppChannel:
    def __init__(self, base_url, token):
        self.base_url, self.token = (base_url or "").rstrip("/"), token

    def send(self, message):
        if not self.base_url:
            raise DeliveryFailed("WHATSAPP_URL is not set")
        body = {"messaging_product": "whatsapp", "to": message.address.lstrip("+"), "type": "text",
                "text": {"body": message.text}}
        try:
            answer = requests.post(f"{self.base_url}/messages", json=body, timeout=HTTP_TIMEOUT,
                                   headers={"Authorization": f"Bearer {self.token}",
                                            "Idempotency-Key": message.message_id})
        except requests.RequestException as exc:
            raise DeliveryFailed(f"WhatsApp provider: {type(exc).__name__}") from None
        if not answer.ok:
            raise DeliveryFailed(f"WhatsApp provider answered {answer.status_code}: {answer.text[:200]}")


class Channels(DependencyProvider):
    """Hands workers {channel name: channel}, built once from the config."""

    def setup(self):
        config = self.container.config
        self.channels = {
            "email": EmailChannel(config.get("SMTP_URL"), config.get("MAIL_FROM")),
            "sms": SmsChannel(config.get("SMSD_CONFIG")),
            "whatsapp": WhatsAppChannel(config.get("WHATSAPP_URL"), config.get("WHATSAPP_TOKEN")),
        }

    def get_dependency(self, worker_ctx):
        return self.channels
