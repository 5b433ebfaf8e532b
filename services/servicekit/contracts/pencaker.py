"""Pencaker's published vocabulary: the AK/1 card's coded fields, the vacancy enums, and
the live view's vacancy item."""
from typing import Any

# Ordered by level; SMA and SMK rank the same, as do D4 and S1.
EDUCATION_RANK = {"sd": 1, "smp": 2, "sma": 3, "smk": 3, "d1": 4, "d2": 5, "d3": 6,
                  "d4": 7, "s1": 7, "s2": 8, "s3": 9}
# schema.org / Google for Jobs values of JobPosting.employmentType.
EMPLOYMENT_TYPES = ("FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY", "INTERN",
                    "VOLUNTEER", "PER_DIEM", "OTHER")
SEXES = {"L": "laki-laki", "P": "perempuan"}
# The AK/1 card's fields as Dukcapil and Disnaker record them.
MARITAL_STATUSES = {"belum_kawin": "Belum kawin", "kawin": "Kawin", "cerai_hidup": "Cerai hidup",
                    "cerai_mati": "Cerai mati"}
RELIGIONS = {"islam": "Islam", "kristen": "Kristen", "katolik": "Katolik", "hindu": "Hindu",
             "buddha": "Buddha", "khonghucu": "Khonghucu",
             "kepercayaan": "Kepercayaan terhadap Tuhan Yang Maha Esa"}
# The kinds of disability of UU 8/2016, art. 4 (sensory split as Disnaker records it).
DISABILITIES = {"fisik": "Fisik", "intelektual": "Intelektual", "mental": "Mental",
                "sensorik_netra": "Sensorik netra", "sensorik_rungu": "Sensorik rungu",
                "sensorik_wicara": "Sensorik wicara"}
SEEKER_EDITABLE = ("education", "skills", "experience", "expected_salary", "contact", "domicile_address",
                   "marital_status", "religion", "courses", "languages", "disability",
                   "desired_position", "desired_locations")


def live_vacancy(payload: dict[str, Any]) -> dict[str, Any]:
    """A vacancy as the live view lists it, from its vacancy_posted payload (shape:
    `x-live-item` in vacancy_posted.json); a seeker's matches show the same card."""
    return {"id": payload["vacancy_id"], "title": payload["title"], "employer": payload["employer_name"],
            "region": payload["location_region"], "salary": payload["salary"],
            "posted_at": payload["posted_at"], "valid_through": payload["valid_through"]}
