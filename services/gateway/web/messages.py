"""What citizens and officers read when the form gate (http.read_form) refuses a form.

The kit's messages are English (the JSON API's); a page shows the Indonesian text of
each refused field's code instead (messages_id.yaml), every refused field at once."""
from pathlib import Path

import yaml

from services.servicekit.validation import strip_control

MESSAGES = yaml.safe_load((Path(__file__).parents[1] / "messages_id.yaml").read_text(encoding="utf-8"))


def message(found):
    """The Indonesian text of one refused field's problem ({code, ...params}), by its code."""
    text = MESSAGES.get(found.get("code")) or MESSAGES["invalid"]
    try:
        return text.format(**{k: _shown_value(v) for k, v in found.items()})
    except (KeyError, IndexError, ValueError):
        return MESSAGES["invalid"]


def _shown_value(value):
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".").removesuffix(",00")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return value


def gate_problems(exc):
    """{form field: Indonesian text} of a refused form."""
    return {_shown(name): message(found) for name, found in exc.details["fields"].items()}


def gate_summary(exc):
    """One paragraph naming every refused field, for a page without the form."""
    return "Formulir tidak dapat diterima. " + " ".join(
        f"\u201c{name}\u201d: {text}" for name, text in gate_problems(exc).items())


def _shown(name):
    """A field's name as safe to show: an unknown field's name is whatever was sent."""
    return strip_control(name).encode("utf-8", "replace").decode()[:60] or "?"
