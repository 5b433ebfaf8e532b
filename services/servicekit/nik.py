"""Shape checks of the NIK (Nomor Induk Kependudukan), shared by LAKSA and Pencaker.

16 digits: province(2) regency(2) district(2) birth date DDMMYY(6, women add
40 to DD) and a serial(4). Only shape and region prefix can be checked offline.
"""
from services.servicekit.errors import ValidationFailed
from services.servicekit.validation import NIK


def check_nik(nik, region, field="nik"):
    if not isinstance(nik, str):
        raise ValidationFailed.field(field, "must be a string of 16 digits")
    nik = nik.replace(" ", "")
    # ASCII digits only: str.isdigit() also takes Arabic-Indic, full-width and superscript digits
    if not NIK.match(nik):
        raise ValidationFailed.field(field, "must be exactly 16 digits")
    if not nik.startswith(region.nik_prefix):
        raise ValidationFailed.field(
            field, f"starts with {nik[:4]}, but residents of {region.name} "
                   f"have NIKs starting {region.nik_prefix}")
    day, month = int(nik[6:8]), int(nik[8:10])
    if day > 40:
        day -= 40
    if not (1 <= day <= 31 and 1 <= month <= 12):
        raise ValidationFailed.field(field, "digits 7-12 must be a birth date DDMMYY")
    if nik[12:] == "0000":
        raise ValidationFailed.field(field, "the last four digits cannot be 0000")
    return nik
