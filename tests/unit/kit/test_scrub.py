"""One scrubber for contacts in error texts: the patterns and every log line of a service's
runner (tracebacks too). Dead letters stored before errors were scrubbed: tests/kit/test_scrub.py."""
import io
import logging
import subprocess
import sys
import time

import pytest

from services.servicekit.scrub import EMAIL_REDACTED, PHONE_REDACTED, ContactFilter, scrub
from tools.run_platform import ROOT

SMTP_REFUSAL = ("SMTPRecipientsRefused: {'siti.ab12@contoh.id': (550, b'5.1.1 <siti.ab12@contoh.id>: "
                "Recipient address rejected')}")


@pytest.mark.parametrize("text, expected", [
    (SMTP_REFUSAL, f"SMTPRecipientsRefused: {{'{EMAIL_REDACTED}': (550, b'5.1.1 <{EMAIL_REDACTED}>: "
                   "Recipient address rejected')}"),
    ("to budi_99+lapor@mail.tangerangkota.go.id.", f"to {EMAIL_REDACTED}."),
    ("+6281234567890", PHONE_REDACTED), ("6281234567890", PHONE_REDACTED), ("081234567890", PHONE_REDACTED),
    ("+62 812-3456-7890", PHONE_REDACTED), ("0812 3456 7890", PHONE_REDACTED),
    ("0812.3456.789", PHONE_REDACTED), ("+62 (0)812 3456 7890", PHONE_REDACTED),
    ('{"to":"6281234567890"}', f'{{"to":"{PHONE_REDACTED}"}}'),
    ("phone:+6281234567890 failed", f"phone:{PHONE_REDACTED} failed"),
    ("Cannot save OUTC20261207_093903_00_+6281299887766_sms99.smsbackup",  # Gammu's outbox file
     f"Cannot save OUTC20261207_093903_00_{PHONE_REDACTED}_sms99.smsbackup"),
])
def test_contacts_are_redacted(text, expected):
    assert scrub(text) == expected


@pytest.mark.parametrize("text", [
    "LAKSA-3671-2026-000123", "LK-3602-2026-000042.S0123456789abcde", "2026-12-07T08:00:00+00:00",
    "event 5b3c2d1e-1234-4abc-9def-0123456789ab", "36.71:pasar-anyar:cabai-rawit-merah:2026-11-27",
    "Rp250.000", "021-5550000", "retrying in 30s (attempt 2 of 5)", "version 23, 22 history entries",
])
def test_ids_times_and_amounts_stay(text):
    assert scrub(text) == text


@pytest.mark.parametrize("text", ["0" * 100_000, "a." * 50_000 + "@", "x" * 100 + "@" + "b." * 50_000,
                                  "+62" * 30_000, "0 8 " * 25_000])
def test_long_texts_take_linear_time(text):
    """Every log line passes here: 100 KB of address-like characters must not take seconds
    (an unanchored pattern took 0.2 s for 10 KB, quadratic)."""
    started = time.perf_counter()
    scrub(text)
    assert time.perf_counter() - started < 0.1


def test_the_filter_scrubs_message_arguments_and_the_traceback():
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(ContactFilter())
    logger = logging.getLogger("test_scrub")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("sending to %s and %s failed", "siti@contoh.id", "+6281234567890")
        try:
            raise ValueError(SMTP_REFUSAL)
        except ValueError:
            logger.exception("handler failed for 0812-3456-7890")
    finally:
        logger.removeHandler(handler)
    text = out.getvalue()
    assert "siti" not in text and "3456" not in text and "6281234567890" not in text, text
    assert f"sending to {EMAIL_REDACTED} and {PHONE_REDACTED} failed" in text
    assert "Traceback" in text and "ValueError: SMTPRecipientsRefused" in text  # still says what failed


def test_every_logger_of_a_service_process_is_scrubbed():
    """As the runner configures logging: a record of any logger (nameko's here) is scrubbed."""
    program = ("from services.platform.runner import configure_logging; configure_logging(); "
               "import logging; logging.getLogger('nameko.containers').error("
               "'worker failed: %s', \"{'siti@contoh.id': (550, b'refused')} 081234567890\")")
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    expected = (f"nameko.containers ERROR worker failed: {{'{EMAIL_REDACTED}': (550, b'refused')}} "
                f"{PHONE_REDACTED}")
    assert expected in done.stderr, done.stderr
    assert "siti" not in done.stderr and "081234567890" not in done.stderr
