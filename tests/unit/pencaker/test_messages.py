"""Every code Pencaker refuses with has its Indonesian text in the one message table, and
each text fills from the parameters the domain gives it."""
import pytest

from services.gateway.web.messages import MESSAGES, message

# code -> the parameters the pencaker domain sends with it (written out, not read from the domain)
PENCAKER_CODES = {
    "bad_nik": {}, "nik_sex_mismatch": {"sex": "L"}, "nik_birth_date_mismatch": {}, "bad_date": {},
    "too_young": {"min_age": 18}, "phone_or_email": {}, "bad_kbji": {}, "bad_region_code": {}, "bad_url": {},
    "salary_min_above_max": {"min": 9_000_000, "max": 6_000_000}, "date_in_past": {},
    "open_too_long": {"max_days": 365}, "not_shared": {"regions": ["36.03"]}, "nothing_to_change": {},
    "card_not_active": {"status": "expired"}, "report_too_early": {"from": "2026-08-11"},
    "not_pending": {"status": "published"}, "valid_through_passed": {},
    "already_closed": {"status": "closed"},
    "vacancy_not_open": {}, "vacancy_not_shared": {}, "not_your_move": {"party": "employer"},
    "wrong_state": {"status": "accepted"}, "nik_registered": {}, "already_applied": {},
    "changed_meanwhile": {}, "not_this_seekers": {},
}


@pytest.mark.parametrize("code, params", PENCAKER_CODES.items())
def test_each_code_reads_in_indonesian(code, params):
    assert code in MESSAGES
    text = message({"code": code, "message": "english", **params})
    assert text != MESSAGES["invalid"] and "{" not in text


def test_parameters_fill_the_text():
    assert message({"code": "salary_min_above_max", "min": 9_000_000, "max": 6_000_000}) == \
        "Gaji terendah (Rp 9.000.000) tidak boleh melebihi gaji tertinggi (Rp 6.000.000)."
    assert message({"code": "report_too_early", "from": "2026-08-11"}) == (
        "Laporan enam bulanan baru dapat dikirim 30 hari sebelum tanggal jatuh tempo (mulai 2026-08-11).")


def test_notifications_codes_read_in_indonesian():
    assert message({"code": "bad_opt_out_link"}).startswith("Tautan berhenti ini tidak sah")
