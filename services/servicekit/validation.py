"""Field checks every service's domain shares."""
import re

from services.servicekit.errors import ValidationFailed

HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")


def plain_text(data, field, required=True, max_length=200, prefix=""):
    """`data[field]` stripped, or None; raises naming `prefix + field`.

    Citizens' and employers' free text is plain text: markup is refused, not
    silently removed, so what they see later is exactly what they sent.
    """
    name = prefix + field
    value = data.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationFailed.field(name, "is required")
        return None
    if not isinstance(value, str):
        raise ValidationFailed.field(name, "must be text")
    value = value.strip()
    if len(value) > max_length:
        raise ValidationFailed.field(name, f"is {len(value)} characters; at most {max_length} allowed")
    if HTML_TAG.search(value):
        raise ValidationFailed.field(name, "must be plain text without HTML tags")
    return value
