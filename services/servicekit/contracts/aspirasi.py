"""LAKSA's (aspirasi's) published vocabulary: the ticket states and their labels, and
Open311's filter syntax (read by the gateway from the query and by the service)."""
from typing import Iterable

# Stable API codes, with the labels citizens read: plain Bahasa Indonesia, no
# office jargon ("Terkirim", not "Diterima", which reads as accepted; "dinas
# terkait", not "OPD").
STATE_LABELS = {
    "submitted": "Terkirim",
    "verified": "Diperiksa petugas",
    "dispatched": "Diteruskan ke dinas terkait",
    "in_progress": "Sedang dikerjakan",
    "resolved": "Selesai",
    "rejected": "Ditolak",
    "duplicate": "Sudah dilaporkan",
}


# Open311 GeoReport v2 filters.
def listed(values: Iterable[str]) -> list[str]:
    """A filter given as repeated parameters and/or comma lists, as the spec allows:
    ["a,b", "c"] -> ["a", "b", "c"]."""
    if isinstance(values, str):
        values = [values]
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]
