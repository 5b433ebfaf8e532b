"""What citizens and officers read when the form gate (http.read_form) refuses a form.

The kit's messages are English (the JSON API's); a page shows these instead,
every refused field at once. First pattern that matches wins."""
import re

from services.servicekit.validation import strip_control

GATE_MESSAGES = [
    (r"not valid UTF-8", "Berisi karakter yang tidak sah (bukan teks UTF-8)."),
    (r"control characters", "Berisi karakter kontrol (misalnya NUL atau ESC); tulis sebagai teks biasa."),
    (r"at most (\d+) characters", "Terlalu panjang: paling banyak {0} karakter."),
    (r"at least (\d+) characters", "Terlalu pendek: paling sedikit {0} karakter."),
    (r"at most (\d+) items", "Terlalu banyak: paling banyak {0}."),
    (r"at least (\d+) items", "Terlalu sedikit: paling sedikit {0}."),
    (r"must be at most (-?[0-9.]+)$", "Terlalu besar: paling besar {0}."),
    (r"must be at least (-?[0-9.]+)$", "Terlalu kecil: paling kecil {0}."),
    (r"whole number|must be integer", "Harus berupa bilangan bulat, misalnya 3."),
    (r"must be a number|must be number", "Harus berupa angka, misalnya 1,5."),
    (r"not a known field", "Isian ini tidak dikenal oleh formulir ini."),
    (r"not a file field", "Isian ini tidak menerima berkas."),
    (r"is required", "Wajib diisi."),
    (r"must be one of", "Pilih salah satu dari daftar."),
]


def gate_message(message):
    for pattern, text in GATE_MESSAGES:
        found = re.search(pattern, message)
        if found:
            return text.format(*found.groups())
    return "Isian ini belum benar. Periksa kembali."


def gate_problems(exc):
    """{form field: Indonesian text} of a refused form."""
    fields = exc.details.get("fields") or {exc.details.get("field") or "form": exc.message}
    return {_shown(name): gate_message(message) for name, message in fields.items()}


def gate_summary(exc):
    """One paragraph naming every refused field, for a page without the form."""
    return "Formulir tidak dapat diterima. " + " ".join(
        f"\u201c{name}\u201d: {text}" for name, text in gate_problems(exc).items())


def _shown(name):
    """A field's name as safe to show: an unknown field's name is whatever was sent."""
    return strip_control(name).encode("utf-8", "replace").decode()[:60] or "?"
