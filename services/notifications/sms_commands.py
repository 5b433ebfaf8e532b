"""What a citizen's SMS asks for, and the replies, in Bahasa Indonesia. Pure.

    LAPOR <KATEGORI> <alamat dan uraian>   a new aspirasi
    CEK <nomor tiket>                      its status
    HARGA                                  price alerts of the region by SMS
    STOP                                   no more messages to this number
"""
import re
from dataclasses import dataclass, field

# Words citizens use that are not the first word of a category code.
ALIASES = {"LAMPU": "penerangan-jalan", "PJU": "penerangan-jalan", "KTP": "adminduk",
           "KK": "adminduk", "BENCANA": "darurat", "JALAN": "jalan-rusak", "DRAINASE": "banjir"}
MIN_TEXT = 10
TICKET = re.compile(r"^LAKSA-\d{4}-\d{4}-\d{6}$")


@dataclass(frozen=True)
class Command:
    kind: str  # lapor, cek, harga, stop, help
    category: str = ""
    text: str = ""
    number: str = ""
    problem: str = field(default="", compare=False)


def keywords(category_codes):
    """KEYWORD -> category code: the code, its first word, and the aliases of offered codes."""
    found: dict[str, str] = {}
    for code in sorted(category_codes):
        found.setdefault(code.split("-")[0].upper(), code)
        found[code.upper()] = code
    found.update({word: code for word, code in ALIASES.items() if code in category_codes})
    return found


def parse(text, category_codes):
    words = " ".join(str(text or "").split())
    head, _, rest = words.partition(" ")
    verb = head.upper()
    if verb == "LAPOR":
        keyword, _, body = rest.partition(" ")
        code = keywords(category_codes).get(keyword.upper())
        if code is None:
            return Command("help", problem="kategori")
        if len(body) < MIN_TEXT:
            return Command("help", problem="uraian")
        return Command("lapor", category=code, text=body)
    if verb == "CEK":
        number = rest.strip().upper()
        return Command("cek", number=number) if TICKET.match(number) else Command("help", problem="nomor")
    if verb in ("STOP", "BERHENTI"):
        return Command("stop")
    if verb == "HARGA":
        return Command("harga")
    return Command("help")


def help_reply(category_codes, problem=""):
    words = ", ".join(sorted({k for k in keywords(category_codes) if "-" not in k}))
    lead = {"kategori": "Kategori tidak dikenal. ", "uraian": "Tulis alamat dan uraiannya. ",
            "nomor": "Nomor tiket tidak dikenal. "}.get(problem, "")
    return (f"{lead}Format: LAPOR <KATEGORI> <alamat dan uraian>, atau CEK <nomor tiket>. "
            f"Kategori: {words}.")


def submitted_reply(ticket):
    return (f"Laporan diterima, nomor tiket {ticket['number']}. Cek status: kirim "
            f"CEK {ticket['number']}.")


def status_reply(ticket):
    last = ticket["history"][-1] if ticket.get("history") else {}
    note = f" Catatan: {last['note']}" if last.get("note") else ""
    return f"Tiket {ticket['number']}: {ticket['status_label']}.{note}"


def not_found_reply(number):
    return f"Tiket {number} tidak ditemukan. Periksa kembali nomornya."


def stopped_reply():
    return "Anda tidak akan menerima pesan lagi dari Tangerang Live. Kirim HARGA untuk berlangganan lagi."


def subscribed_reply(region_name):
    return f"Anda berlangganan peringatan harga bahan pokok {region_name}. Kirim STOP untuk berhenti."


def rejected_reply():
    return "Laporan belum dapat diterima. Tulis alamat yang jelas dan uraian singkat, lalu kirim lagi."


def unavailable_reply():
    return "Maaf, layanan sedang gangguan. Kirim ulang SMS Anda beberapa saat lagi."
