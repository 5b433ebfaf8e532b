"""The notifications domain and the SMS commands: pure, no I/O."""
import hashlib

import pytest

from services.notifications import domain, sms_commands
from services.notifications.sms_inbox import idempotency_key, read_message
from services.servicekit.errors import ValidationFailed

CODES = ["sampah", "jalan-rusak", "penerangan-jalan", "banjir"]
CHANGE = {"number": "LAKSA-3671-2026-000007", "opd": "Dinas Lingkungan Hidup", "to": "dispatched",
          "note": "Truk dijadwalkan besok."}


def test_a_ticket_change_reads_in_indonesian_with_the_note_and_the_link():
    notice = domain.ticket_notice(CHANGE, "https://live.example")
    assert notice.subject == "Laporan LAKSA-3671-2026-000007: sudah diteruskan ke Dinas Lingkungan Hidup"
    assert "Catatan petugas: Truk dijadwalkan besok." in notice.text
    assert "https://live.example/lacak/LAKSA-3671-2026-000007" in notice.text
    assert domain.ticket_notice({**CHANGE, "to": "in_progress"}, "x") is None


def test_a_price_alert_says_how_far_from_the_reference_and_the_rise():
    payload = {"commodity_name": "Cabai rawit merah", "market_name": "Pasar Anyar", "date": "2026-11-27",
               "price": 60000, "unit": "kg", "rules": ["above_reference", "daily_rise"], "gap_percent": 33.33,
               "percent_above_reference": 5.26, "reference": {"kind": "HAP", "price": 57000}}
    notice = domain.price_alert_notice(payload, "Kota Tangerang")
    assert notice.text == ("Harga Cabai rawit merah di Pasar Anyar (Kota Tangerang) 2026-11-27: Rp 60.000/kg "
                           "(5,3% di atas HAP; naik 33,3% dari laporan sebelumnya).")


def test_deliveries_skip_opted_out_addresses_and_keys_are_stable_per_event_and_recipient():
    addresses = domain.recipient_addresses({"email": "a@b.id", "phone": "0812 3456 7890"}, "sms")
    assert addresses == [("email", "a@b.id"), ("sms", "+6281234567890")]
    all_of = domain.deliveries("e1", addresses, set())
    assert [d[0] for d in all_of] == [d[0] for d in domain.deliveries("e1", addresses, set())]
    assert all_of[0][0] != domain.deliveries("e2", addresses, set())[0][0]
    # STOP by SMS covers WhatsApp to the same number too
    stopped = {domain.contact_key("whatsapp", "+62 812-3456-7890")}
    assert [d[1] for d in domain.deliveries("e1", addresses, stopped)] == ["email"]


def test_opt_out_tokens_name_the_address_and_refuse_tampering():
    token = domain.opt_out_token("s3cret", "email", "Warga@Contoh.id")
    assert domain.opted_out_key("s3cret", token) == "email:warga@contoh.id"
    forged = domain.opt_out_token("other", "email", "korban@contoh.id")
    for bad in (forged, token[:-1] + ("0" if token[-1] != "0" else "1"), "x", ""):
        with pytest.raises(ValidationFailed):
            domain.opted_out_key("s3cret", bad)


@pytest.mark.parametrize("text, expected", [
    ("LAPOR SAMPAH Jl. Merdeka 5 RT 02 sampah menumpuk 3 hari",
     sms_commands.Command("lapor", category="sampah", text="Jl. Merdeka 5 RT 02 sampah menumpuk 3 hari")),
    ("lapor  lampu   Jl. Daan Mogot mati total", sms_commands.Command(
        "lapor", category="penerangan-jalan", text="Jl. Daan Mogot mati total")),
    ("LAPOR JALAN-RUSAK Jl. Gatot Subroto berlubang", sms_commands.Command(
        "lapor", category="jalan-rusak", text="Jl. Gatot Subroto berlubang")),
    ("cek laksa-3671-2026-000007", sms_commands.Command("cek", number="LAKSA-3671-2026-000007")),
    ("STOP", sms_commands.Command("stop")),
    ("LAPOR KUCING Jl. Merdeka 5 ada kucing", sms_commands.Command("help")),
    ("LAPOR SAMPAH", sms_commands.Command("help")),
    ("CEK 123", sms_commands.Command("help")),
    ("halo", sms_commands.Command("help")),
])
def test_sms_commands(text, expected):
    assert sms_commands.parse(text, CODES) == expected


def test_help_names_the_keywords():
    reply = sms_commands.help_reply(CODES, "kategori")
    assert reply.startswith("Kategori tidak dikenal. Format: LAPOR <KATEGORI>")
    assert "SAMPAH" in reply and "LAMPU" in reply


def test_a_multipart_sms_is_joined_and_keyed_by_its_message_ids():
    environ = {"SMS_MESSAGES": "2", "SMS_1_NUMBER": "+6281234567890", "SMS_1_TEXT": "LAPOR SAMPAH Jl. ",
               "SMS_2_TEXT": "Merdeka 5", "DECODED_PARTS": "0"}
    assert read_message(environ) == ("+6281234567890", "LAPOR SAMPAH Jl. Merdeka 5")
    decoded = {**environ, "DECODED_PARTS": "1", "DECODED_1_TEXT": "LAPOR SAMPAH Jl. Merdeka 5 lengkap"}
    assert read_message(decoded)[1] == "LAPOR SAMPAH Jl. Merdeka 5 lengkap"
    ids = ["IN20261201_140000_00_+6281234567890_00.txt", "IN20261201_140000_00_+6281234567890_01.txt"]
    secret = "s" * 40
    assert idempotency_key(secret, ids, environ, "+62", "a") == idempotency_key(secret, ids, {}, "+62", "b")
    assert (idempotency_key(secret, ids[:1], environ, "+62", "a")
            != idempotency_key(secret, ids, environ, "+62", "a"))


def test_an_sms_key_cannot_be_computed_from_the_message_alone():
    """Gammu's file names are the date, time and phone number: whoever knows when a number
    sent an SMS knows them. The key depends on the server's secret too."""
    ids = ["IN20261201_140000_00_+6281234567890_00.txt"]
    keys = {idempotency_key(secret, ids, {}, "+6281234567890", "LAPOR") for secret in ("a" * 40, "b" * 40)}
    assert len(keys) == 2
    guesses = {"sms-" + hashlib.sha256(basis.encode()).hexdigest()[:40]
               for basis in ("|".join(ids), "+6281234567890||LAPOR")}
    assert not keys & guesses
