"""Free text citizens and officers write is plain text: what a schema cannot say of it."""
from collections.abc import Iterable, Mapping
from typing import Any

from services.servicekit.errors import problem
from services.servicekit.validation import HTML_TAG


def plain_texts(data: Mapping[str, Any], names: Iterable[str], prefix: str = "") -> dict[str, dict[str, Any]]:
    """{field: problem} of the named strings of `data` that carry HTML tags: markup is
    refused, not silently removed, so what people see later is exactly what was sent."""
    return {prefix + name: problem("markup", "must be plain text without HTML tags")
            for name in names if isinstance(data.get(name), str) and HTML_TAG.search(data[name])}
