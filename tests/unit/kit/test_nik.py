"""The NIK's shape checks name their field with a stable code (servicekit/nik.py)."""
from pathlib import Path

import pytest
import yaml

from services.servicekit.errors import ValidationFailed
from services.servicekit.nik import check_nik

MESSAGES = yaml.safe_load((Path(__file__).resolve().parents[3] / "services" / "gateway"
                           / "messages_id.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("nik, code", [
    (3671011708900001, "wrong_type"),
    ("367101170890001", "bad_nik"),           # 15 digits
    ("36710117089000011", "bad_nik"),         # 17
    ("3671011708９00001", "bad_nik"),          # a full-width digit
    ("3671013208900001", "nik_birth_date"),   # day 32
    ("3671017213900001", "nik_birth_date"),   # day 72 - 40 = 32
    ("3671011713900001", "nik_birth_date"),   # month 13
    ("3671011708900000", "nik_serial"),
])
def test_each_refusal_names_the_field_with_its_code(nik, code):
    with pytest.raises(ValidationFailed) as refused:
        check_nik(nik, "reporter.nik")
    assert refused.value.details["field"] == "reporter.nik"
    assert refused.value.details["fields"]["reporter.nik"]["code"] == code


@pytest.mark.parametrize("nik, cleaned", [
    ("3671011708900001", "3671011708900001"),
    ("3671 0117 0890 0001", "3671011708900001"),
    ("3671015708900001", "3671015708900001"),  # a woman born on the 17th: 17 + 40
])
def test_a_good_nik_comes_back_without_spaces(nik, cleaned):
    assert check_nik(nik) == cleaned


def test_every_nik_code_has_its_indonesian_text():
    for code in ("bad_nik", "nik_birth_date", "nik_serial", "wrong_type"):
        assert MESSAGES.get(code), code
