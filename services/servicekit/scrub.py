"""Contacts out of error texts: e-mail addresses and Indonesian phone numbers redacted.

A channel's failure quotes what it was given: an SMTP relay's refusal names
the recipient (`SMTPRecipientsRefused: {'siti@contoh.id': (550, ...)}`),
Gammu's stderr and a WhatsApp provider's answer the number. Those texts go on
to log lines, the `x-tl-error` header of a retried or dead-lettered event,
and the operator's dead-letter page, none of which may hold a reporter's
contact. Every such text passes `scrub` first; `ContactFilter` does it for
every log record of a process (the runner installs it), tracebacks included.

Phone numbers: +62..., 62... or 0... followed by a mobile number (8...), with
spaces, dots or dashes between digits as people write them, and any number
written +62.... Landline numbers written 021... are left alone (no reporter
contact is one; a bare 0 + digits is also most things that are not phones).
"""
import logging
import re

# Matched only from the start of a run of address characters (the lookbehind), each run once:
# without it a long run of them (10 KB of digits in a traceback) costs quadratic time.
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+")
# A digit run not glued to a letter or another digit (ids like LK-3671-... stay); an underscore
# may precede it, as in Gammu's outbox file names (OUTC..._00_+6281..._sms0.smsbackup).
PHONE = re.compile(r"(?<![A-Za-z0-9+])(?:(?:\+|00)62[\s.-]?\(?0?\)?[\s.-]?[1-9]|62[\s.-]?8|0[\s.-]?8)"
                   r"(?:[\s.-]?\d){6,12}(?!\d)")
EMAIL_REDACTED = "[surel disamarkan]"
PHONE_REDACTED = "[nomor disamarkan]"


def scrub(text: object) -> str:
    """`text` with every e-mail address and Indonesian phone number replaced (str in, str out)."""
    if not isinstance(text, str):
        text = str(text)
    return PHONE.sub(PHONE_REDACTED, EMAIL.sub(EMAIL_REDACTED, text))


class ContactFilter(logging.Filter):
    """Redacts contacts from a record's message, traceback and stack before any handler
    formats it. Installed on a handler, it sees every record that handler writes,
    whichever logger (nameko's, kombu's, ours) made it."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format must not lose the line (logging would print it)
            message = f"{record.msg} {record.args}"
        record.msg, record.args = scrub(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def install_log_filter(logger: logging.Logger | None = None) -> None:
    """Put one ContactFilter on every handler of `logger` (default: the root logger)."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, ContactFilter) for f in handler.filters):
            handler.addFilter(ContactFilter())
