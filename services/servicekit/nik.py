"""Shape checks of the NIK (Nomor Induk Kependudukan), shared by LAKSA and Pencaker.

16 digits: province(2) regency(2) district(2) birth date DDMMYY(6, women add
40 to DD) and a serial(4). Only the shape and the birth-date digits can be
checked offline. The region prefix is where the NIK was first issued, and a
NIK is for life: people who moved, commuters, and Tangerang Selatan residents
registered before 2008 (NIKs starting 3603) carry another region's prefix. So
the prefix is recorded for officers ("NIK dari luar daerah"), never refused.
"""
import re
from typing import Any

from services.servicekit.errors import ValidationFailed

NIK = re.compile(r"^[0-9]{16}$")  # ASCII digits only: str.isdigit() also takes "３" or "٣"
OUTSIDE_REGION_NOTE = "NIK dari luar daerah"


def check_nik(nik: Any, field: str = "nik") -> str:
    """The NIK without spaces, or ValidationFailed naming `field` (codes: wrong_type,
    bad_nik, nik_birth_date, nik_serial)."""
    if not isinstance(nik, str):
        raise ValidationFailed.field(field, "must be a string of 16 digits", code="wrong_type",
                                     expected="string")
    nik = nik.replace(" ", "")
    if not NIK.match(nik):
        raise ValidationFailed.field(field, "must be exactly 16 digits", code="bad_nik")
    day, month = int(nik[6:8]), int(nik[8:10])
    if day > 40:
        day -= 40
    if not (1 <= day <= 31 and 1 <= month <= 12):
        raise ValidationFailed.field(field, "digits 7-12 must be a birth date DDMMYY (women add 40 to DD)",
                                     code="nik_birth_date")
    if nik[12:] == "0000":
        raise ValidationFailed.field(field, "the last four digits cannot be 0000", code="nik_serial")
    return nik


def outside_region(nik: str, region: Any) -> bool:
    """Whether `nik` was issued elsewhere than `region` (recorded, shown to officers)."""
    return not nik.startswith(region.nik_prefix)


def officer_note(record: dict[str, Any]) -> str | None:
    """What officers are told about a record's NIK, or None."""
    return OUTSIDE_REGION_NOTE if record.get("nik_outside_region") else None
